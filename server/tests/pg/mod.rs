//! A fresh PostgreSQL database per test, on the server named by
//! `FIELDFORM_TEST_DATABASE_URL` (`cargo xtask test` starts a throwaway
//! one). Missing, the PostgreSQL tests fail, naming how to run the others.

use sqlx::{Connection, Executor};

/// Creates a database with a random name and returns its URL.
/// `sqlite_only`: the command that runs the same tests on SQLite alone.
pub async fn fresh_database(sqlite_only: &str) -> String {
    let base = std::env::var("FIELDFORM_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "FIELDFORM_TEST_DATABASE_URL is not set: the PostgreSQL tests need a server \
             (e.g. postgres://postgres@127.0.0.1:5432/postgres). `cargo xtask test` \
             starts a throwaway one; or run the SQLite tests only with `{sqlite_only}`"
        )
    });
    let name = format!(
        "fieldform_test_{}",
        &fieldform_server::auth::new_token("")[..16]
    );
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to FIELDFORM_TEST_DATABASE_URL: {e}"));
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("FIELDFORM_TEST_DATABASE_URL ends with /<database>");
    format!("{prefix}/{name}")
}
