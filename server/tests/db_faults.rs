//! Issue 12, item 10: a database that cannot be written makes `/healthz`
//! answer 503 and writes answer 503 `database_unavailable` (no internal
//! text), and once the fault is gone writes work again without a restart.
//!
//! The faults are real ones, made behind the server's back:
//! - SQLite as root (CI containers): `chattr +i` on the database and its
//!   WAL; root ignores file modes, but not the immutable flag. Connections
//!   already open then fail with `SQLITE_IOERR`, new ones open the file
//!   read-only (`SQLITE_READONLY`) and stayed so before the fix.
//! - SQLite as another user: `chmod a-w` on the files and the directory.
//!   An open descriptor keeps its write access, so only connections opened
//!   afterwards see it: the test renews the pool's connections (as its idle
//!   timeout would) and they open read-only.
//! - PostgreSQL: `ALTER DATABASE ... SET default_transaction_read_only`
//!   and terminating the database's sessions; reset afterwards, the
//!   sessions opened meanwhile stay read-only until renewed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::{HeaderMap, Method, StatusCode, header};
use common::{TestApp, TestServer};
use fieldform_server::config::Options;
use fieldform_server::store::Role;
use serde_json::{Value, json};

impl TestApp {
    async fn health(&self) -> (StatusCode, Value) {
        let (status, _, body) = self.call(Method::GET, "/healthz", None, None).await;
        (status, body)
    }

    async fn submit(&self, name: &str) -> (StatusCode, HeaderMap, Value) {
        let id = common::uuid();
        self.call(
            Method::POST,
            "/api/submissions",
            Some(&self.coordinator),
            Some(
                json!({ "instance_id": id, "form_id": "household", "form_version": "1",
                         "answers": { "name": name } }),
            ),
        )
        .await
    }

    async fn stored(&self) -> usize {
        let (status, _, body) = self
            .call(
                Method::GET,
                "/api/forms/household/submissions",
                Some(&self.coordinator),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array().map_or(0, Vec::len)
    }
}

/// The server on `url` with a coordinator signed in and a one-question
/// form.
async fn app(url: &str, dir: &Path) -> TestApp {
    let options = Options {
        public_url: Some("https://survey.example.org".into()),
        ..Options::default()
    };
    let server = TestServer::open(url, dir, options).await;
    let app = TestApp::with_users(server, &[Role::Coordinator]).await;
    let form = json!({
        "format": 1, "id": "household", "version": "1",
        "title": { "en": "Household" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "items": [{ "kind": "question", "name": "name", "type": "text",
                    "label": { "en": "Name" } }]
    });
    app.publish(&app.coordinator, form).await;
    app
}

/// While the fault lasts: health says why, writes are 503 without internal
/// text, reads still work, nothing is stored.
async fn assert_faulty(app: &TestApp) {
    let (status, body) = app.health().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert!(
        body["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("cannot be written"),
        "{body}"
    );
    let (status, headers, body) = app.submit("during the fault").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "database_unavailable", "{body}");
    assert!(headers.contains_key(header::RETRY_AFTER));
    let text = body.to_string();
    for internal in [
        "error returned from database",
        "readonly",
        "SQLSTATE",
        "25006",
    ] {
        assert!(!text.contains(internal), "{internal} leaked: {text}");
    }
    let (status, _, body) = app.call(Method::GET, "/api/forms", None, None).await;
    assert_eq!(status, StatusCode::OK, "reads still work: {body}");
}

/// After the fault, without a restart: the first write works, then health.
async fn assert_recovered(app: &TestApp, stored_before: usize) {
    let (status, _, body) = app.submit("after the fault").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app.health().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        app.stored().await,
        stored_before + 1,
        "the write refused during the fault was not stored"
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes the SQLite files unwritable, and writable again when dropped (also
/// when the test fails: an immutable file would outlive the temp dir).
struct ReadOnly {
    root: bool,
    dir: PathBuf,
    files: Vec<String>,
}

impl ReadOnly {
    fn new(dir: &Path) -> Self {
        let files: Vec<String> = ["test.db", "test.db-wal", "test.db-shm"]
            .iter()
            .map(|name| dir.join(name))
            .filter(|path| path.exists())
            .map(|path| path.display().to_string())
            .collect();
        let root = is_root();
        let fault = ReadOnly {
            root,
            dir: dir.to_path_buf(),
            files,
        };
        if root {
            // Not the shared-memory file: connections map it, and a write
            // to an immutable mapping is SIGBUS, not an error.
            let mut args = vec!["+i"];
            args.extend(
                fault
                    .files
                    .iter()
                    .filter(|f| !f.ends_with("-shm"))
                    .map(String::as_str),
            );
            run("chattr", &args);
        } else {
            let mut args = vec!["a-w"];
            args.extend(fault.files.iter().map(String::as_str));
            let dir = fault.dir.display().to_string();
            args.push(&dir);
            run("chmod", &args);
            // Open descriptors keep write access: renew the connections.
            fieldform_server::store::faults::note_fault();
        }
        fault
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let dir = self.dir.display().to_string();
        let (program, mut args) = if self.root {
            ("chattr", vec!["-i"])
        } else {
            ("chmod", vec!["u+w", dir.as_str()])
        };
        args.extend(self.files.iter().map(String::as_str));
        let _ = Command::new(program).args(&args).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_read_only_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let app = app(&url, dir.path()).await;
    let (status, body) = app.health().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = app.submit("before").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let fault = ReadOnly::new(dir.path());
    assert_faulty(&app).await;
    // Still broken while it lasts (no luck in the first answer).
    assert_faulty(&app).await;
    drop(fault);
    assert_recovered(&app, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_read_only_database() {
    use sqlx::{Connection, Executor};
    let dir = tempfile::tempdir().expect("temp dir");
    let url =
        common::pg::fresh_database("cargo test -p fieldform-server --test db_faults sqlite").await;
    let name = url.rsplit('/').next().expect("database name").to_owned();
    let base = std::env::var("FIELDFORM_TEST_DATABASE_URL").expect("checked by fresh_database");
    let app = app(&url, dir.path()).await;
    let (status, body) = app.health().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = app.submit("before").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // From another database: the read-only one could not undo it.
    let mut admin = sqlx::PgConnection::connect(&base).await.expect("connect");
    admin
        .execute(format!("ALTER DATABASE {name} SET default_transaction_read_only = on").as_str())
        .await
        .expect("alter database");
    admin
        .execute(
            format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )
            .as_str(),
        )
        .await
        .expect("terminate sessions");
    assert_faulty(&app).await;
    assert_faulty(&app).await;
    admin
        .execute(format!("ALTER DATABASE {name} RESET default_transaction_read_only").as_str())
        .await
        .expect("reset");
    assert_recovered(&app, 1).await;
}
