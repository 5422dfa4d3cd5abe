//! `fieldform bench ingest`: submissions per second through the real
//! ingest path (routing, auth, JSON, checks, one transaction per batch,
//! commit) in process, without the network, on SQLite or PostgreSQL.
//! With `--under-attack` (`bench/attack.rs`), also while bogus logins and
//! spreadsheet bombs hit the same app.

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

mod attack;

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
        /// Measure twice: alone, then while `--attackers` tasks send bogus
        /// logins without pause and one more uploads spreadsheet bombs;
        /// reports both rates, their ratio and the peak memory of each phase.
        #[arg(long)]
        under_attack: bool,
        /// Concurrent bogus-login tasks for `--under-attack`.
        #[arg(long, default_value_t = 64)]
        attackers: usize,
    },
}

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    let BenchCommand::Ingest {
        submissions,
        batch,
        clients,
        database_url,
        under_attack,
        attackers,
    } = command;
    let scratch = std::env::temp_dir().join(format!("fieldform-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let url =
        database_url.unwrap_or_else(|| format!("sqlite://{}", scratch.join("bench.db").display()));
    let (batch, clients) = (batch.max(1), clients.max(1));
    let result = async {
        let bench = Bench::new(&url, &scratch, batch).await?;
        if under_attack {
            return attack::measure(&bench, submissions, clients, attackers).await;
        }
        let (rate, elapsed) = bench.ingest(submissions, clients).await?;
        println!(
            "{}: {submissions} submissions in {elapsed:.2} s = {rate:.0} submissions/s \
             (batch {batch}, {clients} clients)",
            bench.store.backend()
        );
        anyhow::Ok(())
    }
    .await;
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// The app under measurement, in process, with a device that may submit.
struct Bench {
    app: axum::Router,
    store: crate::store::SharedStore,
    token: Arc<String>,
    batch: usize,
}

impl Bench {
    async fn new(url: &str, scratch: &std::path::Path, batch: usize) -> anyhow::Result<Bench> {
        let store = crate::store::open(url).await?;
        let form = fieldform_engine::model::Form::from_json(&household_form().to_string())?;
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
        Ok(Bench {
            app,
            store,
            token: Arc::new(token),
            batch,
        })
    }

    /// Sends `submissions` from `clients` concurrent devices: (rate, seconds).
    async fn ingest(&self, submissions: usize, clients: usize) -> anyhow::Result<(f64, f64)> {
        let (app, batch) = (self.app.clone(), self.batch);
        let token = self.token.clone();
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
                            "answers": household_answers(client)
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
        Ok((total as f64 / elapsed, elapsed))
    }
}

/// Top-level questions of each kind, and roster rows, in the benchmark's
/// household form: about the size of a GGS household module (a hundred
/// answers and a household grid of six, some 2.4 KB of JSON per submission).
const PER_KIND: usize = 25;
const MEMBERS: usize = 6;

/// A household survey of GGS size: integers with range checks, yes/no
/// selects, free text, dates that cannot be in the future, and a household
/// grid with relevance, a calculation and constraints, all re-checked by
/// the engine on ingest.
fn household_form() -> Value {
    let mut items = Vec::new();
    for i in 0..PER_KIND {
        items.push(
            json!({ "kind": "question", "name": format!("n{i}"), "type": "integer",
            "required": true, "constraint": ". >= 0 and . <= 150" }),
        );
        items.push(
            json!({ "kind": "question", "name": format!("yn{i}"), "type": "select_one",
            "choices": "yes_no", "required": true }),
        );
        items.push(
            json!({ "kind": "question", "name": format!("t{i}"), "type": "text",
            "relevant": format!("${{yn{i}}} = 'yes'") }),
        );
        items.push(
            json!({ "kind": "question", "name": format!("d{i}"), "type": "date",
            "constraint": ". <= today()" }),
        );
    }
    items.push(json!({ "kind": "repeat", "name": "member", "items": [
        { "kind": "question", "name": "m_name", "type": "text", "required": true },
        { "kind": "question", "name": "m_sex", "type": "select_one", "choices": "sex", "required": true },
        { "kind": "question", "name": "m_birth", "type": "integer",
          "constraint": ". >= 1900 and . <= 2026" },
        { "kind": "question", "name": "m_age", "type": "calculate",
          "calculation": "2026 - ${m_birth}" },
        { "kind": "question", "name": "m_work", "type": "select_one", "choices": "yes_no",
          "relevant": "${m_age} >= 15" },
        { "kind": "question", "name": "m_note", "type": "text" }
    ]}));
    items.push(
        json!({ "kind": "question", "name": "hh_size", "type": "calculate",
        "calculation": "count(${member})" }),
    );
    let choice = |name: &str| json!({ "name": name, "label": { "en": name } });
    json!({
        "format": 1, "id": "bench", "version": "1", "title": { "en": "Bench household" },
        "languages": [{ "code": "en", "name": "English" }], "default_language": "en",
        "choices": {
            "yes_no": [choice("yes"), choice("no")],
            "sex": [choice("female"), choice("male")]
        },
        "items": items
    })
}

/// A complete, valid response to [`household_form`].
fn household_answers(client: usize) -> Value {
    let mut answers = serde_json::Map::new();
    for i in 0..PER_KIND {
        answers.insert(format!("n{i}"), json!((i * 7 % 150).to_string()));
        answers.insert(
            format!("yn{i}"),
            json!(if i % 3 == 0 { "no" } else { "yes" }),
        );
        if i % 3 != 0 {
            answers.insert(
                format!("t{i}"),
                json!(format!("free-text answer {i} from client {client}")),
            );
        }
        answers.insert(
            format!("d{i}"),
            json!(format!("20{:02}-0{}-1{}", i % 20, 1 + i % 9, i % 10)),
        );
    }
    let members: Vec<Value> = (0..MEMBERS)
        .map(|m| {
            let birth = 1950 + m * 9;
            let mut row = json!({
                "m_name": format!("Member {m}"), "m_sex": if m % 2 == 0 { "female" } else { "male" },
                "m_birth": birth.to_string(), "m_note": "lives here most of the year"
            });
            if 2026 - birth >= 15 {
                row["m_work"] = json!("yes");
            }
            row
        })
        .collect();
    answers.insert("member".into(), Value::Array(members));
    Value::Object(answers)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use fieldform_engine::env::FixedEnvironment;
    use fieldform_engine::response::Response;
    use fieldform_engine::state::FormState;

    use super::*;

    /// The benchmark measures the real path only if its submissions are valid.
    #[test]
    fn the_generated_response_is_valid_and_ggs_sized() {
        let form =
            fieldform_engine::model::Form::from_json(&household_form().to_string()).expect("form");
        let compiled = Arc::new(fieldform_engine::compile::compile(&form).expect("compiles"));
        let response: Response = serde_json::from_value(json!({
            "instance_id": "01890a5d-ac96-774b-bcce-b302099a8057",
            "form_id": "bench", "form_version": "1",
            "answers": household_answers(0), "meta": {}, "status": "complete"
        }))
        .expect("response");
        let env = FixedEnvironment::default();
        let state = FormState::from_response(compiled, &response, &env).expect("loads");
        assert_eq!(fieldform_engine::validate::validate(&state, "en"), vec![]);
        let size = household_answers(0).to_string().len();
        assert!((2_000..12_000).contains(&size), "{size} bytes");
    }
}
