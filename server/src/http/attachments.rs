//! A form version's data files: `/api/forms/{id}/versions/{version}/attachments/{name}`.
//!
//! Seen by whoever may see the version's definition (see `forms`): open
//! versions by anyone, closed ones by coordinators, a device only its
//! forms. A published version's files never change, so they are cached
//! for good (keyed by the caller's token, as the definition is).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use super::extract::MaybeAuth;
use crate::error::ApiError;

// Each route call on one line: `tests/openapi.rs` reads the routes from the source.
#[rustfmt::skip]
pub fn routes() -> Router<AppState> {
    Router::new().route("/forms/{id}/versions/{version}/attachments/{name}", get(attachment))
}

async fn attachment(
    State(state): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    Path((id, version, name)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound {
        what: format!("attachment `{name}` of form `{id}` version `{version}`"),
    };
    // A name that could never be stored is not looked up.
    if crate::attachments::check_name(&name).is_err() {
        return Err(not_found());
    }
    let open = state
        .store
        .form_open(&id, &version)
        .await?
        .ok_or_else(not_found)?;
    // Same visibility as the definition: a form one may not see does not exist.
    let visible = match &who {
        None => open,
        Some(p) if p.is_coordinator() => true,
        Some(p) => open && p.may_use_form(&id),
    };
    if !visible {
        return Err(not_found());
    }
    let file = state
        .store
        .attachment(&id, &version, &name)
        .await?
        .ok_or_else(not_found)?;
    let etag = format!("\"{}\"", file.info.sha256);
    let common = [
        (
            header::ETAG,
            HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=31536000, immutable"),
        ),
        (header::VARY, HeaderValue::from_static("Authorization")),
    ];
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().trim_start_matches("W/") == etag);
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        common,
        [
            (header::CONTENT_TYPE, content_type),
            // Data for the app, never a page: a browser opening the URL
            // downloads it rather than rendering (XML could be markup).
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment"),
            ),
        ],
        file.content,
    )
        .into_response())
}
