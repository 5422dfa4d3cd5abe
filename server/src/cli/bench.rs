//! `fieldform bench ingest`: submissions per second through the real
//! ingest path (routing, auth, JSON, checks, one transaction per batch,
//! commit) in process, without the network, on SQLite or PostgreSQL.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, header};
use clap::Subcommand;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::auth::{DEVICE_PREFIX, new_token, sha256_hex};
use crate::config::{Config, Options};
use crate::http::{AppState, router};
use crate::store::NewDeviceToken;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Measure submission ingest (SQLite in a scratch directory unless --database-url).
    Ingest {
        /// How many submissions to send in all.
        #[arg(long, default_value_t = 20_000)]
        submissions: usize,
        /// Submissions per batch request.
        #[arg(long, default_value_t = 50)]
        batch: usize,
        /// Concurrent clients (devices).
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// `postgres://...` to measure PostgreSQL (the database is used as is).
        #[arg(long)]
        database_url: Option<String>,
    },
}

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    let BenchCommand::Ingest {
        submissions,
        batch,
        clients,
        database_url,
    } = command;
    let scratch = std::env::temp_dir().join(format!("fieldform-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let url =
        database_url.unwrap_or_else(|| format!("sqlite://{}", scratch.join("bench.db").display()));
    let result = measure(&url, &scratch, submissions, batch.max(1), clients.max(1)).await;
    let _ = std::fs::remove_dir_all(&scratch);
    let (backend, rate, elapsed) = result?;
    println!(
        "{backend}: {submissions} submissions in {elapsed:.2} s = {rate:.0} submissions/s \
         (batch {batch}, {clients} clients)"
    );
    Ok(())
}

async fn measure(
    url: &str,
    scratch: &std::path::Path,
    submissions: usize,
    batch: usize,
    clients: usize,
) -> anyhow::Result<(&'static str, f64, f64)> {
    let store = crate::store::open(url).await?;
    let form = fieldform_engine::model::Form::from_json(
        &json!({
            "format": 1, "id": "bench", "version": "1", "title": { "en": "Bench" },
            "languages": [{ "code": "en", "name": "English" }], "default_language": "en",
            "items": [
                { "kind": "question", "name": "name", "type": "text" },
                { "kind": "question", "name": "age", "type": "integer" },
                { "kind": "question", "name": "notes", "type": "text" }
            ]
        })
        .to_string(),
    )?;
    crate::catalog::publish(store.as_ref(), &form).await?;
    let token = new_token(DEVICE_PREFIX);
    store
        .create_device_token(NewDeviceToken {
            token_hash: &sha256_hex(&token),
            label: "bench",
            forms: &["bench".to_owned()],
            created_by: "bench",
        })
        .await?;
    let config = Config {
        addr: ([127, 0, 0, 1], 0).into(),
        data_dir: scratch.to_path_buf(),
        database_url: Some(url.to_owned()),
        forms_dir: None,
        app_dir: scratch.join("no-app"),
    };
    let options = Options {
        max_batch: batch,
        rate_per_second: 1e9,
        rate_burst: 1e9,
        ..Options::default()
    };
    let app = router(AppState::new(store.clone(), options), &config);
    let token = Arc::new(token);
    let per_client = submissions.div_ceil(clients);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let app = app.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent = 0;
            while sent < per_client {
                let n = batch.min(per_client - sent);
                let items: Vec<Value> = (0..n)
                    .map(|_| {
                        let id = new_token("");
                        json!({
                            "instance_id": format!("{}-{}-7{}-8{}-{}", &id[..8], &id[8..12], &id[13..16], &id[17..20], &id[20..32]),
                            "form_id": "bench", "form_version": "1",
                            "answers": { "name": format!("respondent {client}"), "age": "42",
                                         "notes": "a typical short free-text answer" }
                        })
                    })
                    .collect();
                let request = Request::post("/api/submissions/batch")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(json!({ "submissions": items }).to_string()))?;
                let response = app.clone().oneshot(request).await?;
                anyhow::ensure!(
                    response.status().is_success(),
                    "batch refused: {}",
                    response.status()
                );
                sent += n;
            }
            anyhow::Ok(sent)
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok((store.backend(), total as f64 / elapsed, elapsed))
}
