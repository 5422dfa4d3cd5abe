//! The sync protocol without the network: what a batch looks like, how a
//! reply is read (and when it is not the server's), how batches are cut
//! and how long to wait before trying again. Pure, so it is tested
//! natively.

use serde::Deserialize;
use serde_json::Value;

use crate::store::{FieldReason, Receipt, Refusal, ResponseRecord};

/// The JSON a response is delivered as: its submission, with `corrects`
/// when it replaces what the server holds. `None` for a record that was
/// never finalized (nothing to send).
pub fn submission_json(record: &ResponseRecord) -> Option<String> {
    let submission = record.submission.as_ref()?;
    let mut value = serde_json::to_value(submission).ok()?;
    if record.sync.correction
        && let Value::Object(map) = &mut value
    {
        map.insert(
            "corrects".to_owned(),
            Value::String(record.instance_id.clone()),
        );
    }
    Some(value.to_string())
}

/// The request body for pre-serialized submissions.
pub fn batch_body(items: &[&str]) -> String {
    let mut body = String::with_capacity(items.iter().map(|i| i.len() + 1).sum::<usize>() + 20);
    body.push_str("{\"submissions\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(item);
    }
    body.push_str("]}");
    body
}

/// Cuts `sizes` (bytes of each serialized submission) into consecutive
/// batches of at most `max_count` items and `max_bytes` bytes; an item
/// larger than `max_bytes` goes alone (the server then says it is too big).
pub fn cut_batches(sizes: &[usize], max_count: usize, max_bytes: usize) -> Vec<(usize, usize)> {
    let max_count = max_count.max(1);
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, size) in sizes.iter().enumerate() {
        let count = i - start;
        if count > 0 && (count >= max_count || bytes + size + 1 > max_bytes) {
            batches.push((start, i));
            start = i;
            bytes = 0;
        }
        bytes += size + 1;
    }
    if start < sizes.len() {
        batches.push((start, sizes.len()));
    }
    batches
}

/// What became of one delivered response.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Stored by the server (or it already had exactly this).
    Delivered(Receipt),
    /// Refused for a reason the enumerator can see and fix.
    Refused(Refusal),
    /// The server could not take it just now (its own trouble): try again.
    Retry(String),
}

/// Why a whole request did not deliver anything.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// No answer at all: offline, DNS, connection cut, timeout.
    #[error("cannot reach the server: {0}")]
    Network(String),
    /// Something answered, but not the Fieldform server (a Wi-Fi login
    /// page, a proxy's error page): nothing counts as delivered.
    #[error("the answer did not come from the Fieldform server: {0}")]
    NotTheServer(String),
    /// The credential was refused (revoked token, expired sign-in).
    #[error("the server refused this device's credential: {0}")]
    Unauthorized(String),
    /// The batch was too large for the server.
    #[error("the batch is too large for the server")]
    TooLarge,
    /// Too many requests; wait this long (ms) if the server said.
    #[error("the server is busy")]
    Busy { retry_after_ms: Option<f64> },
    /// The server failed (5xx).
    #[error("the server failed ({status}): {message}")]
    Server { status: u16, message: String },
    /// Any other refusal of the whole request.
    #[error("the server refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
}

impl SendError {
    /// Whether trying again later may help without anyone doing anything.
    pub fn retryable(&self) -> bool {
        !matches!(self, SendError::Unauthorized(_))
    }
}

#[derive(Deserialize)]
struct BatchReply {
    results: Vec<ItemReply>,
    received_at: Option<f64>,
}

#[derive(Deserialize)]
struct ItemReply {
    index: usize,
    #[serde(default)]
    instance_id: Option<String>,
    status: String,
    http_status: u16,
    #[serde(default)]
    revision: Option<i64>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    fields: Vec<FieldReason>,
}

#[derive(Deserialize)]
struct ErrorReply {
    error: ErrorBody,
}

/// Whether a `Content-Type` says JSON (`application/json; charset=utf-8`).
pub fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads the reply to a batch of `sent` instance ids. Only a JSON reply
/// that names every sent instance, in order, counts: anything else (an
/// HTML page with status 200 from a captive portal, a truncated body) is
/// [`SendError::NotTheServer`], and nothing is marked delivered.
pub fn read_reply(
    sent: &[&str],
    status: u16,
    content_type: &str,
    body: &str,
    retry_after: Option<&str>,
    now: f64,
) -> Result<Vec<Outcome>, SendError> {
    let json = is_json(content_type);
    if status != 200 {
        let message = if json {
            serde_json::from_str::<ErrorReply>(body)
                .map(|e| e.error.message)
                .unwrap_or_else(|_| snippet(body))
        } else {
            snippet(body)
        };
        return Err(match status {
            401 if json => SendError::Unauthorized(message),
            413 => SendError::TooLarge,
            429 => SendError::Busy {
                retry_after_ms: retry_after
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .map(|s| s * 1000.0),
            },
            // "Network Authentication Required": a captive portal.
            511 => SendError::NotTheServer(message),
            500..=599 => SendError::Server { status, message },
            // Not the server's JSON (a portal's 401, 403, 407 or 511 too).
            _ if !json => SendError::NotTheServer(message),
            _ => SendError::Refused { status, message },
        });
    }
    if !json {
        return Err(SendError::NotTheServer(format!(
            "a `{content_type}` page instead of a receipt"
        )));
    }
    let reply: BatchReply = serde_json::from_str(body)
        .map_err(|e| SendError::NotTheServer(format!("not a receipt: {e}")))?;
    if reply.results.len() != sent.len() {
        return Err(SendError::NotTheServer(format!(
            "a receipt for {} responses, {} were sent",
            reply.results.len(),
            sent.len()
        )));
    }
    let received_at = reply.received_at.unwrap_or(now);
    reply
        .results
        .into_iter()
        .zip(sent)
        .enumerate()
        .map(|(i, (item, id))| {
            let names_it = item
                .instance_id
                .as_deref()
                .is_some_and(|got| got.eq_ignore_ascii_case(id));
            if item.index != i || !names_it {
                return Err(SendError::NotTheServer(format!(
                    "receipt {i} does not name instance `{id}`"
                )));
            }
            Ok(outcome(item, received_at, now))
        })
        .collect()
}

fn outcome(item: ItemReply, received_at: f64, now: f64) -> Outcome {
    match (item.status.as_str(), item.revision) {
        ("created" | "duplicate" | "corrected", Some(revision)) => Outcome::Delivered(Receipt {
            revision,
            status: item.status,
            received_at,
        }),
        _ => {
            let error = item.error.unwrap_or_default();
            if item.http_status >= 500 || item.http_status == 429 {
                return Outcome::Retry(error.message);
            }
            Outcome::Refused(Refusal {
                code: error.code,
                message: error.message,
                fields: error.fields,
                at: now,
            })
        }
    }
}

fn snippet(body: &str) -> String {
    let text = body.trim();
    match text.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// How long to wait before attempt `failures + 1` after `failures`
/// failed ones: exponential from 2 s, capped at 5 minutes, with jitter
/// (half fixed, half random) so that a room of tablets coming back online
/// together does not knock on the server at the same instant.
pub fn backoff_ms(failures: u32, random: f64) -> f64 {
    let exp = 2_000.0 * 2f64.powi(failures.min(16) as i32);
    let ceiling = exp.min(300_000.0);
    ceiling / 2.0 + ceiling / 2.0 * random.clamp(0.0, 1.0)
}

/// How long to wait before looking again when there was nothing to do:
/// one minute, doubling with each idle look, at most 30 minutes.
pub fn idle_ms(idle_runs: u32) -> f64 {
    (60_000.0 * 2f64.powi(idle_runs.min(8) as i32)).min(1_800_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0190a1b2-0000-7000-8000-00000000000a";
    const B: &str = "0190a1b2-0000-7000-8000-00000000000b";

    #[test]
    fn cuts_by_count_and_by_bytes() {
        assert_eq!(cut_batches(&[10; 5], 2, 1000), vec![(0, 2), (2, 4), (4, 5)]);
        assert_eq!(
            cut_batches(&[400, 400, 400], 50, 1000),
            vec![(0, 2), (2, 3)]
        );
        // Too big alone: sent alone, the server decides.
        assert_eq!(cut_batches(&[5000, 10], 50, 1000), vec![(0, 1), (1, 2)]);
        assert!(cut_batches(&[], 50, 1000).is_empty());
        assert_eq!(cut_batches(&[1, 1], 0, 1000), vec![(0, 1), (1, 2)]);
    }

    #[test]
    fn builds_the_batch_body() {
        assert_eq!(
            batch_body(&["{\"a\":1}", "{}"]),
            r#"{"submissions":[{"a":1},{}]}"#
        );
        let parsed: Value = serde_json::from_str(&batch_body(&[])).expect("JSON");
        assert_eq!(parsed["submissions"].as_array().map(Vec::len), Some(0));
    }

    fn receipt(results: &str) -> String {
        format!(r#"{{"results":[{results}],"received_at":1700}}"#)
    }

    #[test]
    fn a_receipt_naming_each_instance_delivers() {
        let body = receipt(&format!(
            r#"{{"index":0,"instance_id":"{A}","status":"created","http_status":201,"revision":1}},
               {{"index":1,"instance_id":"{}","status":"duplicate","http_status":200,"revision":2}}"#,
            B.to_uppercase()
        ));
        let got = read_reply(&[A, B], 200, "application/json", &body, None, 5.0).expect("receipt");
        assert_eq!(
            got,
            vec![
                Outcome::Delivered(Receipt {
                    revision: 1,
                    status: "created".into(),
                    received_at: 1700.0
                }),
                Outcome::Delivered(Receipt {
                    revision: 2,
                    status: "duplicate".into(),
                    received_at: 1700.0
                }),
            ]
        );
    }

    #[test]
    fn a_refusal_keeps_the_reasons_per_question() {
        let body = receipt(&format!(
            r#"{{"index":0,"instance_id":"{A}","status":"rejected","http_status":422,
                "error":{{"code":"invalid_submission","message":"does not pass",
                "fields":[{{"field":"answers.age","message":"must be at most 120"}}]}}}},
               {{"index":1,"instance_id":"{B}","status":"rejected","http_status":500,
                "error":{{"code":"internal","message":"boom"}}}}"#
        ));
        let got = read_reply(
            &[A, B],
            200,
            "application/json; charset=utf-8",
            &body,
            None,
            9.0,
        )
        .expect("receipt");
        assert_eq!(
            got[0],
            Outcome::Refused(Refusal {
                code: "invalid_submission".into(),
                message: "does not pass".into(),
                fields: vec![FieldReason {
                    field: "answers.age".into(),
                    message: "must be at most 120".into()
                }],
                at: 9.0,
            })
        );
        assert_eq!(got[1], Outcome::Retry("boom".into()));
    }

    #[test]
    fn a_portal_page_is_never_a_receipt() {
        let page = "<html><body>Please log in to the hotel Wi-Fi</body></html>";
        assert!(matches!(
            read_reply(&[A], 200, "text/html", page, None, 0.0),
            Err(SendError::NotTheServer(_))
        ));
        // JSON, but not a receipt for what was sent.
        for body in [
            r#"{"ok":true}"#.to_owned(),
            receipt(""),
            receipt(&format!(
                r#"{{"index":0,"instance_id":"{B}","status":"created","http_status":201,"revision":1}}"#
            )),
            receipt(r#"{"index":0,"status":"created","http_status":201,"revision":1}"#),
        ] {
            assert!(
                matches!(
                    read_reply(&[A], 200, "application/json", &body, None, 0.0),
                    Err(SendError::NotTheServer(_))
                ),
                "{body}"
            );
        }
        // A portal's redirect-to-login answered as 401/511 HTML.
        assert!(matches!(
            read_reply(&[A], 511, "text/html", page, None, 0.0),
            Err(SendError::NotTheServer(_))
        ));
    }

    #[test]
    fn whole_request_failures() {
        let revoked =
            r#"{"error":{"code":"token_revoked","message":"this device token was revoked"}}"#;
        assert_eq!(
            read_reply(&[A], 401, "application/json", revoked, None, 0.0),
            Err(SendError::Unauthorized(
                "this device token was revoked".into()
            ))
        );
        assert_eq!(
            read_reply(&[A], 429, "application/json", "{}", Some("3"), 0.0),
            Err(SendError::Busy {
                retry_after_ms: Some(3000.0)
            })
        );
        assert_eq!(
            read_reply(&[A], 413, "text/plain", "too big", None, 0.0),
            Err(SendError::TooLarge)
        );
        assert!(matches!(
            read_reply(&[A], 502, "text/html", "Bad Gateway", None, 0.0),
            Err(SendError::Server { status: 502, .. })
        ));
        assert!(!SendError::Unauthorized(String::new()).retryable());
        assert!(SendError::NotTheServer(String::new()).retryable());
    }

    #[test]
    fn backoff_grows_with_jitter_and_a_ceiling() {
        assert_eq!(backoff_ms(0, 0.0), 1_000.0);
        assert_eq!(backoff_ms(0, 1.0), 2_000.0);
        assert_eq!(backoff_ms(3, 1.0), 16_000.0);
        assert_eq!(backoff_ms(30, 1.0), 300_000.0);
        assert_eq!(backoff_ms(30, 0.0), 150_000.0);
        assert_eq!(idle_ms(0), 60_000.0);
        assert_eq!(idle_ms(20), 1_800_000.0);
    }
}
