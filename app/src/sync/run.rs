//! One sync run (see the module docs of `sync`).

use std::collections::{HashMap, VecDeque};

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use super::protocol::{self, Outcome, SendError};
use super::{Activity, Problem, credential, status};
use crate::api::exchange;
use crate::store::{self, Db, Refusal, ResponseRecord, ResponseState};

/// The server's limits when it does not say (its defaults).
const DEFAULT_MAX_BATCH: usize = 50;
const DEFAULT_MAX_BYTES: usize = 8 * 1024 * 1024;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub sent: usize,
    pub refused: usize,
    /// Sent back by a reviewer.
    pub corrections: usize,
    /// Still queued when the run ended (to try again).
    pub remaining: usize,
    /// The server asked to wait this long (ms).
    pub wait: Option<f64>,
}

/// Why a run stopped early; `report` says what it did before.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopped {
    pub problem: Problem,
    pub report: Report,
}

#[derive(Deserialize)]
struct Limits {
    max_batch: usize,
    max_body_bytes: usize,
}

/// Runs once (the caller holds the lock).
pub async fn run() -> Result<Report, Stopped> {
    let mut report = Report::default();
    let stop = |problem: Problem, report: &Report| Stopped {
        problem,
        report: report.clone(),
    };
    let Some(credential) = credential::current() else {
        return Err(stop(Problem::NotEnrolled, &report));
    };
    if let Some(why) = credential.refused {
        return Err(stop(Problem::CredentialRefused(why), &report));
    }
    let db = store::db()
        .await
        .map_err(|e| stop(Problem::Storage(e.to_string()), &report))?;
    report.remaining = db
        .count_in(ResponseState::Finalized)
        .await
        .map_or(0, |n| n as usize);
    set_queued(report.remaining);
    if !online() {
        return Err(stop(Problem::Offline, &report));
    }
    status().try_update(|s| s.activity = Activity::Checking);
    let token = credential.token;
    let limits = check_credential(&token)
        .await
        .map_err(|p| stop(p, &report))?;
    report.corrections = take_back_corrections(&db, &token).await;
    // Forms for the next interviews: best effort, sending matters more.
    let _offline = crate::library::refresh_catalog().await;
    let sent = send_outbox(&db, &token, &limits, &mut report).await;
    // Screens reread the responses once per run, not after every batch (a
    // drain of a thousand would reread them all twenty times).
    if report.sent + report.refused > 0 {
        super::mark_responses_changed();
    }
    sent.map_err(|p| stop(p, &report))?;
    Ok(report)
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

fn set_queued(n: usize) {
    status().try_update(|s| s.queued = n);
}

/// The outbox, oldest first.
async fn queued(db: &Db) -> Vec<ResponseRecord> {
    let mut records = db
        .responses_in(ResponseState::Finalized)
        .await
        .unwrap_or_default();
    fieldform_engine::sort::sort_by(&mut records, |a, b| {
        a.finalized
            .unwrap_or(a.updated)
            .total_cmp(&b.finalized.unwrap_or(b.updated))
    });
    records
}

/// Asks the server who this device is, which also says whether the
/// credential still holds, and the server's batch limits.
async fn check_credential(token: &str) -> Result<Limits, Problem> {
    let reply = exchange("GET", "/api/me", Some(token), None)
        .await
        .map_err(Problem::Network)?;
    let json = reply.is_json();
    match reply.status {
        200 if json => {
            let me: Value = serde_json::from_str(&reply.body)
                .map_err(|e| Problem::NotTheServer(e.to_string()))?;
            Ok(
                serde_json::from_value(me["limits"].clone()).unwrap_or(Limits {
                    max_batch: DEFAULT_MAX_BATCH,
                    max_body_bytes: DEFAULT_MAX_BYTES,
                }),
            )
        }
        401 if json => {
            let message = reply.error_message();
            credential::mark_refused(&message).await;
            Err(Problem::CredentialRefused(message))
        }
        500..=599 => Err(Problem::Server(format!("{}", reply.status))),
        _ if !json => Err(Problem::NotTheServer(format!(
            "{} {}",
            reply.status, reply.content_type
        ))),
        status => Err(Problem::Server(format!("{status}"))),
    }
}

#[derive(Deserialize)]
struct Corrections {
    corrections: Vec<Correction>,
}

#[derive(Deserialize)]
struct Correction {
    instance_id: String,
    revision: i64,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    requested_at: f64,
}

/// Responses a reviewer sent back become editable again, with the
/// reviewer's words; only sent ones whose stored revision is the one
/// reviewed (a correction already on its way is left alone).
async fn take_back_corrections(db: &Db, token: &str) -> usize {
    let Ok(reply) = exchange("GET", "/api/corrections", Some(token), None).await else {
        return 0;
    };
    if reply.status != 200 || !reply.is_json() {
        return 0;
    }
    let Ok(list) = serde_json::from_str::<Corrections>(&reply.body) else {
        return 0;
    };
    let wanted: HashMap<String, Correction> = list
        .corrections
        .into_iter()
        .map(|c| (c.instance_id.to_ascii_lowercase(), c))
        .collect();
    let ids: Vec<String> = wanted.keys().cloned().collect();
    let changed_records = db
        .update_responses(&ids, |record| {
            let Some(c) = wanted.get(&record.instance_id.to_ascii_lowercase()) else {
                return false;
            };
            let reviewed = record
                .sync
                .receipt
                .as_ref()
                .is_some_and(|r| r.revision == c.revision);
            if record.state != ResponseState::Sent || !reviewed {
                return false;
            }
            record.state = ResponseState::NeedsCorrection;
            record.sync.refusal = Some(Refusal {
                code: "review".to_owned(),
                message: if c.author.is_empty() {
                    c.comment.clone()
                } else {
                    format!("{} ({})", c.comment, c.author)
                },
                fields: Vec::new(),
                at: c.requested_at,
            });
            true
        })
        .await
        .unwrap_or_default();
    if !changed_records.is_empty() {
        super::mark_responses_changed();
    }
    changed_records.len()
}

/// Sends every queued response, batch by batch, and records each receipt
/// or refusal as it comes.
async fn send_outbox(
    db: &Db,
    token: &str,
    limits: &Limits,
    report: &mut Report,
) -> Result<(), Problem> {
    let records = queued(db).await;
    // (id, when it was last written, its JSON)
    let items: Vec<(String, f64, String)> = records
        .iter()
        .filter_map(|r| {
            protocol::submission_json(r).map(|json| (r.instance_id.clone(), r.updated, json))
        })
        .collect();
    let total = items.len();
    report.remaining = total;
    set_queued(total);
    if total == 0 {
        return Ok(());
    }
    let sizes: Vec<usize> = items.iter().map(|(_, _, json)| json.len()).collect();
    let max_bytes = limits.max_body_bytes.saturating_mul(9) / 10;
    let mut batches: VecDeque<(usize, usize)> =
        protocol::cut_batches(&sizes, limits.max_batch, max_bytes).into();
    let mut done = 0;
    status().try_update(|s| s.activity = Activity::Sending { done, total });
    while let Some((start, end)) = batches.pop_front() {
        let batch = &items[start..end];
        let ids: Vec<&str> = batch.iter().map(|(id, _, _)| id.as_str()).collect();
        let jsons: Vec<&str> = batch.iter().map(|(_, _, json)| json.as_str()).collect();
        let reply = exchange(
            "POST",
            "/api/submissions/batch",
            Some(token),
            Some(protocol::batch_body(&jsons)),
        )
        .await
        .map_err(Problem::Network)?;
        let outcomes = match protocol::read_reply(
            &ids,
            reply.status,
            &reply.content_type,
            &reply.body,
            reply.retry_after.as_deref(),
            js_sys::Date::now(),
        ) {
            Ok(outcomes) => outcomes,
            Err(SendError::TooLarge) if end - start > 1 => {
                let middle = start + (end - start) / 2;
                batches.push_front((middle, end));
                batches.push_front((start, middle));
                continue;
            }
            // One response larger than the server takes: sent back to the
            // enumerator (it must not hold up the rest of the outbox).
            Err(SendError::TooLarge) => vec![Outcome::Refused(Refusal {
                code: "payload_too_large".to_owned(),
                message: format!(
                    "this response is larger than the server accepts ({} KB)",
                    batch[0].2.len() / 1024
                ),
                fields: Vec::new(),
                at: js_sys::Date::now(),
            })],
            Err(error) => return Err(problem(error, report).await),
        };
        let by_id: HashMap<&str, (&Outcome, f64)> = batch
            .iter()
            .zip(&outcomes)
            .map(|((id, updated, _), outcome)| (id.as_str(), (outcome, *updated)))
            .collect();
        let owned_ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
        let written = db
            .update_responses(&owned_ids, |record| {
                let Some((outcome, updated)) = by_id.get(record.instance_id.as_str()) else {
                    return false;
                };
                // Changed since it was read (it cannot be, while
                // finalized; but never overwrite a newer state).
                if record.state != ResponseState::Finalized || record.updated != *updated {
                    return false;
                }
                match outcome {
                    Outcome::Delivered(receipt) => {
                        record.state = ResponseState::Sent;
                        record.sync.receipt = Some(receipt.clone());
                        record.sync.correction = false;
                        record.sync.refusal = None;
                        true
                    }
                    Outcome::Refused(refusal) => {
                        record.state = ResponseState::NeedsCorrection;
                        record.sync.refusal = Some(refusal.clone());
                        true
                    }
                    Outcome::Retry(_) => false,
                }
            })
            .await
            .map_err(|e| Problem::Storage(e.to_string()))?;
        for record in &written {
            match record.state {
                ResponseState::Sent => report.sent += 1,
                _ => report.refused += 1,
            }
        }
        done += ids.len();
        report.remaining = total - report.sent - report.refused;
        set_queued(report.remaining);
        status().try_update(|s| s.activity = Activity::Sending { done, total });
    }
    Ok(())
}

async fn problem(error: SendError, report: &mut Report) -> Problem {
    match error {
        SendError::Network(m) => Problem::Network(m),
        SendError::NotTheServer(m) => Problem::NotTheServer(m),
        SendError::Unauthorized(m) => {
            credential::mark_refused(&m).await;
            Problem::CredentialRefused(m)
        }
        SendError::Busy { retry_after_ms } => {
            report.wait = retry_after_ms;
            Problem::Server("busy".to_owned())
        }
        SendError::TooLarge => Problem::Server("the batch is too large".to_owned()),
        SendError::Server { status, message } | SendError::Refused { status, message } => {
            Problem::Server(format!("{status}: {message}"))
        }
    }
}
