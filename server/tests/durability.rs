//! Durability: SIGKILL the real server while a client streams submissions;
//! after a restart every acknowledged submission is there exactly once,
//! and resending the unacknowledged batch is safe (SQLite, WAL,
//! `synchronous = FULL`).

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

// The child is moved into `Server` at once, whose `Drop` kills and waits.
#[allow(clippy::zombie_processes)]
fn start(data: &Path, forms: &Path) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_fieldform"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(data)
        .arg("--forms-dir")
        .arg(forms)
        .arg("--app-dir")
        .arg(data.join("no-app"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        addr: String::new(),
        admin_password: None,
    };
    let mut lines = BufReader::new(server.child.stdout.take().unwrap()).lines();
    loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(rest) = line.split("password `").nth(1) {
            server.admin_password = rest.split('`').next().map(str::to_owned);
        }
        if let Some(url) = line.strip_prefix("Fieldform listening on http://") {
            server.addr = url.trim().to_owned();
            return server;
        }
    }
}

/// A minimal HTTP/1.1 exchange (no client library in the build).
async fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> Option<(u16, Value)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let body = body.to_string();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

fn uuid(n: u64, run: u64) -> String {
    format!("{:08x}-0000-7000-8000-{:012x}", run, n)
}

fn batch(ids: &[String]) -> Value {
    json!({ "submissions": ids.iter().map(|id| json!({
        "instance_id": id, "form_id": "household", "form_version": "1",
        "answers": { "name": format!("person {id}") }
    })).collect::<Vec<_>>() })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_submissions_survive_sigkill() {
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

    let mut server = start(&data, &forms);
    let password = server.admin_password.clone().unwrap();
    let (status, login) = http(
        &server.addr,
        "POST",
        "/api/sessions",
        None,
        &json!({ "username": "admin", "password": password }),
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();

    // Stream batches of 10 until killed; remember what was acknowledged.
    let addr = server.addr.clone();
    let client_token = token.clone();
    let client = tokio::spawn(async move {
        let mut acknowledged: Vec<String> = Vec::new();
        let mut in_flight: Vec<String> = Vec::new();
        let run = std::process::id() as u64;
        for n in 0.. {
            let ids: Vec<String> = (0..10).map(|i| uuid(n * 10 + i, run)).collect();
            in_flight.clone_from(&ids);
            match http(
                &addr,
                "POST",
                "/api/submissions/batch",
                Some(&client_token),
                &batch(&ids),
            )
            .await
            {
                Some((200, body)) => {
                    let results = body["results"].as_array().unwrap();
                    assert!(results.iter().all(|r| r["status"] == "created"), "{body}");
                    acknowledged.extend(ids);
                    in_flight.clear();
                }
                // The server is gone: the last batch was never acknowledged.
                _ => return (acknowledged, in_flight),
            }
        }
        unreachable!()
    });
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1500) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.child.kill().unwrap(); // SIGKILL: no graceful shutdown, no flush.
    server.child.wait().unwrap();
    let (acknowledged, in_flight) = client.await.unwrap();
    eprintln!(
        "{} submissions acknowledged before SIGKILL, {} in flight",
        acknowledged.len(),
        in_flight.len()
    );
    assert!(
        acknowledged.len() >= 50,
        "only {} acknowledged",
        acknowledged.len()
    );

    let server = start(&data, &forms);
    assert!(server.admin_password.is_none());
    let (status, stored) = http(
        &server.addr,
        "GET",
        "/api/forms/household/submissions",
        Some(&token),
        &Value::Null,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{stored}");
    let mut count: HashMap<String, usize> = HashMap::new();
    for s in stored.as_array().unwrap() {
        *count
            .entry(s["instance_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    for id in &acknowledged {
        assert_eq!(
            count.get(id),
            Some(&1),
            "acknowledged {id} is stored {:?} times",
            count.get(id)
        );
    }

    // Resending the batch the kill interrupted: stored once whatever happened to it.
    if !in_flight.is_empty() {
        let (status, body) = http(
            &server.addr,
            "POST",
            "/api/submissions/batch",
            Some(&token),
            &batch(&in_flight),
        )
        .await
        .unwrap();
        assert_eq!(status, 200, "{body}");
        for r in body["results"].as_array().unwrap() {
            assert!(
                r["status"] == "created" || r["status"] == "duplicate",
                "{r}"
            );
        }
    }
    drop(server);
}
