//! Submission ingest: `POST /api/submissions` (one) and
//! `POST /api/submissions/batch` (up to `Options::max_batch`), both
//! idempotent on the response's `instance_id` (see `crate::submissions`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::extract::{ApiJson, Auth};
use crate::error::{ApiError, FieldError};
use crate::store::now_ms;
use crate::submissions::{self, ItemResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/submissions", post(single))
        .route("/submissions/batch", post(batch))
}

/// One submission: 201 created or corrected, 200 already stored, or the
/// item's refusal (409 `conflict`, 404 `unknown_form_version`, ...).
async fn single(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(item): ApiJson<Value>,
) -> Result<(StatusCode, Json<ItemResult>), ApiError> {
    let mut results =
        submissions::ingest(state.store.as_ref(), &state.forms, &who, vec![item]).await?;
    let result = results
        .pop()
        .ok_or_else(|| ApiError::Internal("no result for the submission".into()))?;
    if let Some(refusal) = result.refusal {
        return Err(refusal);
    }
    let status = StatusCode::from_u16(result.http_status).unwrap_or(StatusCode::OK);
    Ok((status, Json(result)))
}

#[derive(Deserialize)]
struct Batch {
    submissions: Vec<Value>,
}

/// Up to `max_batch` submissions, stored in one transaction; the answer is
/// 200 with one result per item, in order (each with its own status), and
/// the server's time of the commit (`received_at`, Unix ms) for the
/// device's "last sync" display, whatever the tablet's clock says.
async fn batch(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(batch): ApiJson<Batch>,
) -> Result<Json<Value>, ApiError> {
    let max = state.options.max_batch;
    if batch.submissions.len() > max {
        return Err(ApiError::Validation(vec![FieldError::new(
            "submissions",
            format!(
                "a batch holds at most {max} submissions (got {}); split it",
                batch.submissions.len()
            ),
        )]));
    }
    if batch.submissions.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "submissions",
            "the batch is empty",
        )]));
    }
    let results =
        submissions::ingest(state.store.as_ref(), &state.forms, &who, batch.submissions).await?;
    Ok(Json(json!({ "results": results, "received_at": now_ms() })))
}
