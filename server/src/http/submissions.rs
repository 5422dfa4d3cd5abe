//! Submission ingest: `POST /api/submissions` (one) and
//! `POST /api/submissions/batch` (up to `Options::max_batch`), both
//! idempotent on the response's `instance_id` (see `crate::submissions`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::extract::{ApiJson, Auth, Coordinator};
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

/// A page of a form's submissions when the request does not say.
pub const DEFAULT_PAGE: i64 = 1000;
/// The most submissions one page holds (a long household interview is
/// about 13 KB: a page stays near 13 MB).
pub const MAX_PAGE: i64 = 1000;

#[derive(Deserialize)]
pub struct PageParams {
    limit: Option<i64>,
    /// The cursor from the previous page's `Link: <...>; rel="next"`.
    after: Option<i64>,
}

/// `GET /api/forms/{id}/submissions?limit=&after=`: every revision of the
/// form's submissions in the order stored, a page at a time (coordinators).
/// The body stays a bare array, as before paging; the next page's address
/// is in `Link: <...>; rel="next"`, absent on the last page.
pub async fn list_for_form(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
    Path(id): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "limit",
            format!("must be between 1 and {MAX_PAGE}"),
        )]));
    }
    let after = params.after.unwrap_or(0);
    let page = state.store.submissions_page(&id, after, limit).await?;
    let mut response = Json(page.submissions).into_response();
    if let Some(next) = page.next {
        // Form ids are XML-name-like (`catalog::FormKey`), safe in a URL;
        // an unknown id has no rows and so no next page.
        let link =
            format!("</api/forms/{id}/submissions?limit={limit}&after={next}>; rel=\"next\"");
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
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
