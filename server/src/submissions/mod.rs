//! Submission ingest: checks each submission (shape, form, scope,
//! re-validation), then stores the accepted ones in one transaction and
//! reports one result per item.
//!
//! Idempotent on `instance_id`: the same content again is "already have
//! it"; different content is a conflict unless the submission declares
//! itself a correction (`"corrects": "<its own instance_id>"`), which
//! stores a new revision and supersedes the old one.
//!
//! What is stored is what the engine computes from the submission (see
//! [`validate`]); the content compared is what the device sent (see
//! [`content_hash`]).

mod validate;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::http::StatusCode;
use fieldform_engine::compile::CompiledForm;
use fieldform_engine::model::Form;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use validate::validate_submission;

use crate::auth::{Principal, sha256_hex};
use crate::error::ApiError;
use crate::store::{IngestOutcome, NewSubmission, Store};

/// The envelope of a submission; `answers` is checked by [`validate_submission`].
#[derive(Debug, Deserialize)]
struct Envelope {
    instance_id: String,
    form_id: String,
    form_version: String,
    #[serde(default)]
    corrects: Option<String>,
}

/// Compiled form definitions by (id, version). Published versions never
/// change, so entries never go stale; whether a version is open is asked
/// of the database every time.
#[derive(Default)]
pub struct FormCache {
    forms: RwLock<HashMap<(String, String), Arc<CompiledForm>>>,
}

impl FormCache {
    async fn get(
        &self,
        store: &dyn Store,
        id: &str,
        version: &str,
    ) -> Result<Option<Arc<CompiledForm>>, ApiError> {
        let key = (id.to_owned(), version.to_owned());
        if let Some(form) = self.forms.read().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(Some(form));
        }
        let Some(stored) = store.form_definition(id, version).await? else {
            return Ok(None);
        };
        let form = Form::from_json(&stored.definition).map_err(|e| {
            ApiError::Internal(format!("stored form `{id}` version `{version}`: {e}"))
        })?;
        // With its stored data files; compiled off the async workers.
        let compiled = crate::attachments::compile_stored(store, id, version, form)
            .await
            .map_err(|e| match e {
                crate::attachments::StoredFormError::Store(e) => ApiError::Database(e),
                crate::attachments::StoredFormError::Broken(message) => ApiError::Internal(message),
            })?;
        let form = Arc::new(compiled);
        if let Ok(mut map) = self.forms.write() {
            map.insert(key, form.clone());
        }
        Ok(Some(form))
    }
}

/// What happened to one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Stored (first revision).
    Created,
    /// Already stored with this content: nothing done.
    Duplicate,
    /// Stored as a new revision of a correction.
    Corrected,
    /// Refused; see `error`.
    Rejected,
}

#[derive(Debug, Serialize)]
pub struct ItemResult {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    pub status: ItemStatus,
    /// The HTTP status this item would have on its own.
    pub http_status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// The refusal's `error` object (code, message, fields).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// The refusal itself, for the single-submission route to answer with.
    #[serde(skip)]
    pub refusal: Option<ApiError>,
}

fn rejected(index: usize, instance_id: Option<String>, error: ApiError) -> ItemResult {
    let (status, _) = error.status_and_code();
    ItemResult {
        index,
        instance_id,
        status: ItemStatus::Rejected,
        http_status: status.as_u16(),
        revision: None,
        error: Some(error.body()),
        refusal: Some(error),
    }
}

fn stored(
    index: usize,
    instance_id: Option<String>,
    status: ItemStatus,
    revision: i64,
) -> ItemResult {
    ItemResult {
        index,
        instance_id,
        http_status: if status == ItemStatus::Duplicate {
            200
        } else {
            201
        },
        status,
        revision: Some(revision),
        error: None,
        refusal: None,
    }
}

fn refused(status: StatusCode, code: &'static str, message: String) -> ApiError {
    ApiError::Refused {
        status,
        code,
        message,
        fields: vec![],
    }
}

/// JSON with object keys sorted at every level, so that the same answers
/// always hash the same whatever order the device wrote them in.
pub fn canonical_json(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// A submission that passed the cheap checks and awaits re-validation.
struct Candidate {
    index: usize,
    envelope: Envelope,
    item: Value,
    form: Arc<CompiledForm>,
}

/// Checks and stores `items` for `who`; one result per item, in order.
/// Fails as a whole only if the database does (then nothing is acknowledged).
pub async fn ingest(
    store: &dyn Store,
    cache: &FormCache,
    who: &Principal,
    items: Vec<Value>,
) -> Result<Vec<ItemResult>, ApiError> {
    let mut results: Vec<Option<ItemResult>> = (0..items.len()).map(|_| None).collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut open: HashMap<(String, String), Option<bool>> = HashMap::new();
    for (index, item) in items.into_iter().enumerate() {
        let envelope = match serde_json::from_value::<Envelope>(item.clone()) {
            Ok(envelope) => envelope,
            Err(e) => {
                let id = item
                    .get("instance_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                results[index] = Some(rejected(
                    index,
                    id,
                    refused(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_submission",
                        validate::truncate(&format!("submission {index}: {e}")),
                    ),
                ));
                continue;
            }
        };
        match check(store, cache, who, &mut open, &envelope, &item).await? {
            Checked::Refused(error) | Checked::Closed(error) => {
                results[index] = Some(rejected(index, Some(envelope.instance_id), error));
            }
            Checked::Duplicate(revision) => {
                let id = Some(envelope.instance_id.to_ascii_lowercase());
                results[index] = Some(stored(index, id, ItemStatus::Duplicate, revision));
            }
            Checked::Form(form) => candidates.push(Candidate {
                index,
                envelope,
                item,
                form,
            }),
        }
    }
    // The engine's validation is CPU work: off the async workers.
    let validated = tokio::task::spawn_blocking(move || {
        candidates
            .into_iter()
            .map(|c| {
                let verdict = validate_submission(&c.form, &c.item);
                (c, verdict)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ApiError::Internal(format!("validating submissions: {e}")))?;
    let mut accepted: Vec<(usize, NewSubmission)> = Vec::new();
    for (candidate, verdict) in validated {
        let Candidate {
            index,
            envelope,
            item,
            ..
        } = candidate;
        let computed = match verdict {
            Ok(computed) => computed,
            Err(fields) => {
                // The instance id is the device's text, not yet checked: cut short.
                let message = format!(
                    "submission `{}` does not pass the checks of form `{}` version `{}`",
                    validate::truncate(&envelope.instance_id),
                    envelope.form_id,
                    envelope.form_version
                );
                let error = ApiError::Refused {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: "invalid_submission",
                    message,
                    fields,
                };
                results[index] = Some(rejected(index, Some(envelope.instance_id), error));
                continue;
            }
        };
        let hash = content_hash(&envelope, &item);
        accepted.push((
            index,
            NewSubmission {
                instance_id: envelope.instance_id.to_ascii_lowercase(),
                form_id: envelope.form_id,
                form_version: envelope.form_version,
                answers: canonical_json(&computed.answers),
                meta: canonical_json(&computed.meta),
                content_hash: hash,
                correction: envelope.corrects.is_some(),
                submitted_by: who.name(),
                may_correct_any: who.is_coordinator(),
            },
        ));
    }
    let batch: Vec<NewSubmission> = accepted.iter().map(|(_, s)| s.clone()).collect();
    let outcomes = if batch.is_empty() {
        vec![]
    } else {
        store.ingest(&batch).await?
    };
    for ((index, submission), outcome) in accepted.into_iter().zip(outcomes) {
        let instance_id = Some(submission.instance_id);
        results[index] = Some(match outcome {
            IngestOutcome::Created { revision } => {
                stored(index, instance_id, ItemStatus::Created, revision)
            }
            IngestOutcome::Corrected { revision } => {
                stored(index, instance_id, ItemStatus::Corrected, revision)
            }
            IngestOutcome::Duplicate { revision } => {
                stored(index, instance_id, ItemStatus::Duplicate, revision)
            }
            IngestOutcome::NotYours => {
                // Says only that the id is taken: not by whom, in which
                // form, or at which revision.
                let message = format!(
                    "instance `{}` was submitted by someone else; a new response needs a \
                     new instance id, and only its submitter or a coordinator may correct it",
                    instance_id.as_deref().unwrap_or_default()
                );
                rejected(
                    index,
                    instance_id,
                    refused(StatusCode::CONFLICT, "instance_not_yours", message),
                )
            }
            IngestOutcome::FormMismatch => {
                let message = format!(
                    "instance `{}` was submitted to another form than `{}`; a correction \
                     must keep the original's form",
                    instance_id.as_deref().unwrap_or_default(),
                    submission.form_id
                );
                rejected(
                    index,
                    instance_id,
                    refused(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "correction_form_mismatch",
                        message,
                    ),
                )
            }
            IngestOutcome::Conflict { revision } => {
                let message = format!(
                    "instance `{}` is already stored (revision {revision}) with different \
                     content; send it with \"corrects\": \"<instance_id>\" to replace it",
                    instance_id.as_deref().unwrap_or_default()
                );
                let mut result = rejected(
                    index,
                    instance_id,
                    refused(StatusCode::CONFLICT, "conflict", message),
                );
                result.revision = Some(revision);
                result
            }
        });
    }
    Ok(results
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            r.unwrap_or_else(|| {
                rejected(
                    index,
                    None,
                    ApiError::Internal("item without a result".into()),
                )
            })
        })
        .collect())
}

/// The hash ingest compares re-sends by: of the form, its version and the
/// answers *as the device sent them* (canonical JSON), not of what is
/// stored. *Why:* an exact re-send must be a duplicate even when the form
/// version has closed since, and that is decided before (and without) the
/// engine; the hash of stored rows stays what it was before the engine's
/// values were stored, so a re-send of an old submission is still a
/// duplicate; and any change the device makes, even to an answer the
/// engine drops, is other content: a conflict, or with `corrects` a new
/// revision. `meta` is left out, as it always was: a re-send whose
/// `end` differs is the same interview.
fn content_hash(envelope: &Envelope, item: &Value) -> String {
    let answers = canonical_json(item.get("answers").unwrap_or(&Value::Null));
    sha256_hex(&format!(
        "{}\n{}\n{answers}",
        envelope.form_id, envelope.form_version
    ))
}

/// What the per-item checks decided.
enum Checked {
    Form(Arc<CompiledForm>),
    Refused(ApiError),
    /// Exactly this content is already stored for this sender, at this revision.
    Duplicate(i64),
    /// The form version is closed (the refusal), unless this is a re-send.
    Closed(ApiError),
}

/// The per-item checks; `Err(ApiError)` is a database failure.
async fn check(
    store: &dyn Store,
    cache: &FormCache,
    who: &Principal,
    open: &mut HashMap<(String, String), Option<bool>>,
    envelope: &Envelope,
    item: &Value,
) -> Result<Checked, ApiError> {
    let refusal = match check_form(store, cache, who, open, envelope).await? {
        Checked::Closed(refusal) => refusal,
        checked => return Ok(checked),
    };
    // A device that lost the reply to a submission must still learn that
    // it is safe after the form closed: an exact re-send of what this
    // sender stored is a duplicate, whatever the form's state.
    let Some(current) = store
        .current_submission(&envelope.instance_id.to_ascii_lowercase())
        .await?
    else {
        return Ok(Checked::Refused(refusal));
    };
    let hash = content_hash(envelope, item);
    // Whoever sends it (see the ingest: a tablet enrolled again).
    if current.content_hash == hash {
        return Ok(Checked::Duplicate(current.revision));
    }
    Ok(Checked::Refused(refusal))
}

/// Scope, and whether the form version exists and is open.
async fn check_form(
    store: &dyn Store,
    cache: &FormCache,
    who: &Principal,
    open: &mut HashMap<(String, String), Option<bool>>,
    envelope: &Envelope,
) -> Result<Checked, ApiError> {
    let (id, version) = (&envelope.form_id, &envelope.form_version);
    // Scope first: a device learns nothing about forms it is not given.
    if !who.may_use_form(id) {
        return Ok(Checked::Refused(refused(
            StatusCode::FORBIDDEN,
            "form_not_allowed",
            format!("this device token is not allowed to submit to form `{id}`"),
        )));
    }
    let key = (id.clone(), version.clone());
    let is_open = match open.get(&key) {
        Some(known) => *known,
        None => {
            let known = store.form_open(id, version).await?;
            open.insert(key, known);
            known
        }
    };
    match is_open {
        None => {
            return Ok(Checked::Refused(refused(
                StatusCode::NOT_FOUND,
                "unknown_form_version",
                format!("form `{id}` version `{version}` is not published"),
            )));
        }
        Some(false) => {
            return Ok(Checked::Closed(refused(
                StatusCode::CONFLICT,
                "form_closed",
                format!("form `{id}` version `{version}` is closed for submissions"),
            )));
        }
        Some(true) => {}
    }
    let Some(form) = cache.get(store, id, version).await? else {
        return Ok(Checked::Refused(refused(
            StatusCode::NOT_FOUND,
            "unknown_form_version",
            format!("form `{id}` version `{version}` is not published"),
        )));
    };
    Ok(Checked::Form(form))
}
