//! The two database backends every HTTP integration test runs on, and
//! `on_both_backends!`, which turns `async fn name(backend: Backend)` into
//! the tests `sqlite::name` and `postgres::name` (the xtask and CI filter
//! by those paths).

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database: a temporary SQLite file in `dir`, or a new PostgreSQL
/// database on the test server.
pub async fn database_url(backend: Backend, dir: &Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("test.db").display()),
        Backend::Postgres => super::pg::fresh_database(&sqlite_only()).await,
    }
}

/// The command that runs this test file's SQLite tests alone (named when
/// PostgreSQL is missing). Cargo names an integration test's crate after
/// its file, and this module is compiled into each of them.
pub fn sqlite_only() -> String {
    format!(
        "cargo test -p fieldform-server --test {} sqlite::",
        env!("CARGO_CRATE_NAME")
    )
}

/// `on_both_backends!(a, b)`: the tests `sqlite::a`, `postgres::a`,
/// `sqlite::b`, `postgres::b`, each calling `a(Backend::…)` from the
/// module the macro is invoked in.
#[allow(unused_macros)] // the command-line tests use no backend
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}
