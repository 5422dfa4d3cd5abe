//! Durability: SIGKILL the real server (a spawned `fieldform serve`) while
//! clients stream batches of submissions, on SQLite and on PostgreSQL.
//!
//! What it proves, and how it knows:
//! - The kill interrupted work: each client counts requests fully sent and
//!   responses fully received; the kill is sent only while some request
//!   waits for its response, and afterwards at least one sent batch must
//!   have got no response at all (bytes the server had written before
//!   dying would still be read). Otherwise the test fails: a kill that
//!   landed on an idle server proves nothing.
//! - Nothing else stopped the clients: the rate limits are raised out of
//!   the way (`--rate-per-second`, `--rate-burst`), and any reply but a
//!   200 with every item `created`, or a failed connection before the
//!   kill, fails the test instead of passing for "the server was killed".
//! - After a restart on the same database every acknowledged submission
//!   is stored exactly once and nothing unknown is; resending every
//!   unacknowledged batch answers `created` or `duplicate`; reading the
//!   store again then finds each submission sent exactly once, with its
//!   answers.
//!
//! What it cannot detect: SIGKILL ends the process, not the machine. The
//! OS keeps its page cache, so a write that reached the kernel but not the
//! disk survives here; losing power or the kernel (a missing fsync,
//! SQLite's `synchronous` set too low) is not tested. On PostgreSQL only
//! `fieldform` dies, not the database server (the throwaway test cluster
//! even runs with `fsync = off`): this tests that the server acknowledges
//! only committed transactions, not PostgreSQL's own durability.
//!
//! Waits are for events (counts, lines, exits), each bounded by a generous
//! timeout that fails with a message, never for a fixed wall time.
//!
//! The PostgreSQL variant needs `FIELDFORM_TEST_DATABASE_URL` (see
//! `tests/api.rs`) and fails without it.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::Backend;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Concurrent clients: with several batches in flight, the kill is all but
/// certain to find one the server has not answered yet.
const CLIENTS: u64 = 4;
const BATCH: u64 = 20;
/// Batches acknowledged before the kill: streaming really worked.
const ACKNOWLEDGED_BEFORE_KILL: u64 = 10;
/// Bounds every wait; generous for a busy 2-core machine.
const TIMEOUT: Duration = Duration::from_secs(120);

struct Server {
    child: Child,
    addr: String,
    admin_password: Option<String>,
}

impl Drop for Server {
    /// Whatever happens in the test, no server outlives it.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `fieldform serve` on a free port and waits (bounded) for its
/// "listening" line.
// The child is moved into `Server` at once, whose `Drop` kills and waits.
#[allow(clippy::zombie_processes)]
fn start(data: &Path, forms: &Path, database_url: Option<&str>) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fieldform"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(data)
        .arg("--forms-dir")
        .arg(forms)
        .arg("--app-dir")
        .arg(data.join("no-app"))
        // The limiter must not be what stops the clients.
        .args(["--rate-per-second", "1000000", "--rate-burst", "1000000"])
        // The database is the one chosen here, never one from the environment.
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    let child = command.spawn().expect("spawn fieldform serve");
    let mut server = Server {
        child,
        addr: String::new(),
        admin_password: None,
    };
    let stdout = server.child.stdout.take().expect("piped stdout");
    let (lines_tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = match lines.recv_timeout(left) {
            Ok(line) => line,
            Err(e) => panic!("the server did not say it was listening within {TIMEOUT:?}: {e}"),
        };
        if let Some(rest) = line.split("password `").nth(1) {
            server.admin_password = rest.split('`').next().map(str::to_owned);
        }
        if let Some(url) = line.strip_prefix("Fieldform listening on http://") {
            server.addr = url.trim().to_owned();
            return server;
        }
    }
}

/// What became of one request.
enum Exchange {
    /// A complete response (status line, headers, the whole body).
    Answered(u16, Value),
    /// The request was sent whole, but no complete response came back.
    Unanswered,
    /// The connection failed before the request was sent whole.
    NotSent,
}

/// A minimal HTTP/1.1 exchange (no client library in the build), counting
/// requests sent whole and responses received whole in `counts`.
async fn exchange(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
    counts: Option<&Counts>,
) -> Exchange {
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return Exchange::NotSent;
    };
    let body = body.to_string();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return Exchange::NotSent;
    }
    if let Some(counts) = counts {
        counts.sent.fetch_add(1, Ordering::SeqCst);
    }
    let mut response = Vec::new();
    // A reset after the kill ends the read; whatever arrived is judged below.
    let _ = stream.read_to_end(&mut response).await;
    let Some((status, body)) = parse_response(&response) else {
        return Exchange::Unanswered;
    };
    if let Some(counts) = counts {
        counts.answered.fetch_add(1, Ordering::SeqCst);
    }
    Exchange::Answered(status, body)
}

/// Status and JSON body of a response, if it arrived whole.
fn parse_response(bytes: &[u8]) -> Option<(u16, Value)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())?;
    if body.len() != length {
        return None;
    }
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

async fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    match exchange(addr, method, path, token, body, None).await {
        Exchange::Answered(status, body) => (status, body),
        Exchange::Unanswered | Exchange::NotSent => {
            panic!("{method} {path}: no response from the running server")
        }
    }
}

/// Shared between the clients and the test, which decides when to kill.
#[derive(Default)]
struct Counts {
    /// Set just before SIGKILL: only from then on may a request go unanswered.
    killed: AtomicBool,
    /// Requests sent whole.
    sent: AtomicU64,
    /// Responses received whole.
    answered: AtomicU64,
    /// Batches answered 200 with every item `created`.
    acknowledged_batches: AtomicU64,
}

/// What one client saw.
#[derive(Default)]
struct ClientLog {
    acknowledged: Vec<String>,
    /// Batches sent whole that got no response: in flight at the kill.
    interrupted: Vec<Vec<String>>,
    /// Batches not sent whole (the server was already gone).
    not_sent: Vec<Vec<String>>,
}

fn uuid(client: u64, n: u64, run: u64) -> String {
    format!("{:08x}-{client:04x}-7000-8000-{n:012x}", run)
}

fn answers(id: &str) -> Value {
    json!({ "name": format!("person {id}") })
}

fn batch(ids: &[String]) -> Value {
    json!({ "submissions": ids.iter().map(|id| json!({
        "instance_id": id, "form_id": "household", "form_version": "1",
        "answers": answers(id)
    })).collect::<Vec<_>>() })
}

/// Streams batches until the server is gone; anything but a full
/// acknowledgement before the kill fails the test.
async fn client(addr: String, token: String, client: u64, counts: Arc<Counts>) -> ClientLog {
    let mut log = ClientLog::default();
    let run = u64::from(std::process::id());
    for n in 0.. {
        let ids: Vec<String> = (0..BATCH)
            .map(|i| uuid(client, n * BATCH + i, run))
            .collect();
        let sent = exchange(
            &addr,
            "POST",
            "/api/submissions/batch",
            Some(&token),
            &batch(&ids),
            Some(&counts),
        )
        .await;
        match sent {
            Exchange::Answered(status, body) => {
                assert_eq!(
                    status, 200,
                    "client {client}: a refusal is not a kill: {body}"
                );
                let results = body["results"].as_array().unwrap();
                assert_eq!(results.len(), ids.len(), "{body}");
                assert!(results.iter().all(|r| r["status"] == "created"), "{body}");
                log.acknowledged.extend(ids);
                counts.acknowledged_batches.fetch_add(1, Ordering::SeqCst);
            }
            Exchange::Unanswered | Exchange::NotSent => {
                assert!(
                    counts.killed.load(Ordering::SeqCst),
                    "client {client}: the server stopped answering before it was killed"
                );
                match sent {
                    Exchange::Unanswered => log.interrupted.push(ids),
                    _ => log.not_sent.push(ids),
                }
                return log;
            }
        }
    }
    unreachable!("the loop ends only when the server is gone")
}

/// How many times each instance id is stored, after checking each stored
/// submission is one of ours, current, with the answers sent.
async fn stored(addr: &str, token: &str) -> HashMap<String, usize> {
    let (status, stored) = http(
        addr,
        "GET",
        "/api/forms/household/submissions",
        Some(token),
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{stored}");
    let mut count: HashMap<String, usize> = HashMap::new();
    for s in stored.as_array().unwrap() {
        let id = s["instance_id"].as_str().unwrap();
        assert_eq!(s["answers"], answers(id), "{s}");
        assert_eq!(s["revision"], 1, "{s}");
        *count.entry(id.to_owned()).or_default() += 1;
    }
    count
}

/// A fresh database for the backend, as a `--database-url` (none: SQLite
/// in the data directory).
async fn database_url(backend: Backend) -> Option<String> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            Some(common::pg::fresh_database(&common::backend::sqlite_only()).await)
        }
    }
}

/// Waits until `ready` holds, polling often; fails after [`TIMEOUT`], or
/// at once with its own message if a client stops (it may stop only after
/// the kill).
async fn wait_until(
    what: &str,
    clients: &mut [tokio::task::JoinHandle<ClientLog>],
    mut ready: impl FnMut() -> bool,
) {
    let deadline = Instant::now() + TIMEOUT;
    while !ready() {
        if let Some(stopped) = clients.iter_mut().find(|c| c.is_finished()) {
            match stopped.await {
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                _ => panic!("a client stopped before the kill, waiting for {what}"),
            }
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {TIMEOUT:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

async fn acknowledged_submissions_survive_sigkill(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    std::fs::write(
        forms.join("household.form.json"),
        json!({
            "format": 1, "id": "household", "version": "1", "title": { "en": "Household" },
            "languages": [{ "code": "en", "name": "English" }], "default_language": "en",
            "items": [{ "kind": "question", "name": "name", "type": "text" }]
        })
        .to_string(),
    )
    .unwrap();
    let data = dir.path().join("data");
    let database_url = database_url(backend).await;

    let mut server = start(&data, &forms, database_url.as_deref());
    let password = server.admin_password.clone().unwrap();
    let (status, login) = http(
        &server.addr,
        "POST",
        "/api/sessions",
        None,
        &json!({ "username": "admin", "password": password }),
    )
    .await;
    assert_eq!(status, 201, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();

    let counts = Arc::new(Counts::default());
    let mut clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            tokio::spawn(client(
                server.addr.clone(),
                token.clone(),
                n,
                counts.clone(),
            ))
        })
        .collect();
    wait_until(
        "the clients' first acknowledged batches",
        &mut clients,
        || counts.acknowledged_batches.load(Ordering::SeqCst) >= ACKNOWLEDGED_BEFORE_KILL,
    )
    .await;
    // Kill only while a request waits for its response.
    wait_until("a batch in flight", &mut clients, || {
        counts.sent.load(Ordering::SeqCst) > counts.answered.load(Ordering::SeqCst)
    })
    .await;
    counts.killed.store(true, Ordering::SeqCst);
    server.child.kill().unwrap(); // SIGKILL: no graceful shutdown, no flush.
    server.child.wait().unwrap();

    let mut acknowledged: Vec<String> = Vec::new();
    let mut interrupted: Vec<Vec<String>> = Vec::new();
    let mut unacknowledged: Vec<Vec<String>> = Vec::new();
    for task in clients {
        let log = tokio::time::timeout(TIMEOUT, task)
            .await
            .expect("a client did not notice the kill")
            .expect("a client failed");
        acknowledged.extend(log.acknowledged);
        unacknowledged.extend(log.interrupted.iter().cloned());
        unacknowledged.extend(log.not_sent);
        interrupted.extend(log.interrupted);
    }
    eprintln!(
        "{backend:?}: {} submissions acknowledged before SIGKILL, {} batches interrupted",
        acknowledged.len(),
        interrupted.len()
    );
    assert!(
        !interrupted.is_empty(),
        "SIGKILL interrupted no batch: every request sent had its response"
    );

    let server = start(&data, &forms, database_url.as_deref());
    assert!(server.admin_password.is_none(), "the database was not kept");
    // The session was committed before it was answered, so it survives too.
    let count = stored(&server.addr, &token).await;
    for id in &acknowledged {
        assert_eq!(
            count.get(id),
            Some(&1),
            "acknowledged {id} is not stored exactly once"
        );
    }
    let sent: std::collections::HashSet<&String> = acknowledged
        .iter()
        .chain(unacknowledged.iter().flatten())
        .collect();
    for id in count.keys() {
        assert!(sent.contains(id), "{id} is stored but was never sent");
    }

    // Resending what was not acknowledged is safe, whatever the kill left.
    let mut committed_unacknowledged = 0;
    for ids in &unacknowledged {
        let (status, body) = http(
            &server.addr,
            "POST",
            "/api/submissions/batch",
            Some(&token),
            &batch(ids),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        for r in body["results"].as_array().unwrap() {
            match r["status"].as_str() {
                Some("created") => {}
                Some("duplicate") => committed_unacknowledged += 1,
                _ => panic!("resending an interrupted batch: {r}"),
            }
        }
    }
    eprintln!("{backend:?}: {committed_unacknowledged} had been committed but not acknowledged");

    let count = stored(&server.addr, &token).await;
    for id in &sent {
        assert_eq!(
            count.get(*id),
            Some(&1),
            "{id} is not stored exactly once after the resend"
        );
    }
    assert_eq!(
        count.len(),
        sent.len(),
        "stored submissions that were never sent"
    );
    drop(server);
}

on_both_backends!(acknowledged_submissions_survive_sigkill);
