//! The form catalog: `/api/forms`.
//!
//! Listing and downloading open forms needs no token (a device that is not
//! yet provisioned, and the app's first screen, can see what exists);
//! device tokens narrow the list to their forms; coordinators also see
//! closed forms. Both answers carry an ETag, so devices download only
//! what changed (`If-None-Match` → 304).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::extract::{Coordinator, MaybeAuth, bytes_rejection};
use crate::auth::sha256_hex;
use crate::catalog::{self, PublishError, Published, Upload};
use crate::error::ApiError;
use crate::store::{StoreError, StoredSubmission};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forms", get(list).post(publish))
        .route("/forms/{id}/versions/{version}", get(definition))
        .route("/forms/{id}/open", post(open))
        .route("/forms/{id}/close", post(close))
        .route("/forms/{id}/submissions", get(submissions))
}

/// Does `If-None-Match` name `etag` (or `*`)? Weak validators compare too.
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().trim_start_matches("W/"))
        .any(|v| v == etag || v == "*")
}

/// A JSON answer with its ETag, or 304 if the client has it. The answer
/// depends on the token, so caches must key on `Authorization`.
fn with_etag(headers: &HeaderMap, etag: &str, body: String) -> Response {
    let etag_value = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
    let common = [
        (header::ETAG, etag_value),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("Authorization")),
    ];
    if not_modified(headers, etag) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

async fn list(
    State(state): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let entries = catalog::list(state.store.as_ref(), who.as_ref()).await?;
    let body =
        serde_json::to_string(&entries).map_err(|e| ApiError::Internal(format!("catalog: {e}")))?;
    let etag = format!("\"{}\"", &sha256_hex(&body)[..32]);
    Ok(with_etag(&headers, &etag, body))
}

async fn definition(
    State(state): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    Path((id, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound {
        what: format!("form `{id}` version `{version}`"),
    };
    let stored = state
        .store
        .form_definition(&id, &version)
        .await?
        .ok_or_else(not_found)?;
    // Same visibility as the list: a form one may not see does not exist.
    let visible = match &who {
        None => stored.open,
        Some(p) if p.is_coordinator() => true,
        Some(p) => stored.open && p.may_use_form(&id),
    };
    if !visible {
        return Err(not_found());
    }
    Ok(with_etag(&headers, &stored.etag, stored.definition))
}

/// Publishes a form: `Content-Type: application/json` with a native form
/// file. (XLSForm uploads will arrive here too, see `catalog::Upload`.)
async fn publish(
    State(state): State<AppState>,
    Coordinator(user): Coordinator,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(bytes_rejection)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let upload = if content_type.starts_with("application/json") {
        let text = std::str::from_utf8(&body)
            .map_err(|e| ApiError::MalformedJson(format!("the body is not UTF-8: {e}")))?;
        Upload::FormJson(text)
    } else if let Some(extension) = xlsform_extension(content_type) {
        Upload::XlsForm {
            extension,
            bytes: &body,
        }
    } else {
        return Err(ApiError::UnsupportedMediaType(format!(
            "publish a form file as `application/json`, or an XLSForm as .xlsx \
             (`{XLSX}`), .xls (`application/vnd.ms-excel`), .ods \
             (`application/vnd.oasis.opendocument.spreadsheet`) or `text/csv` \
             (got `{content_type}`)"
        )));
    };
    let form = catalog::parse_upload(upload).map_err(publish_error)?;
    let published = catalog::publish(state.store.as_ref(), &form)
        .await
        .map_err(publish_error)?;
    let status = match published {
        Published::New => {
            state
                .audit(
                    &format!("user:{}", user.username),
                    "form.publish",
                    &format!("form:{}@{}", form.id, form.version),
                    json!({}),
                )
                .await?;
            StatusCode::CREATED
        }
        Published::AlreadyPublished => StatusCode::OK,
    };
    Ok((
        status,
        Json(json!({
            "id": form.id,
            "version": form.version,
            "status": if published == Published::New { "published" } else { "already_published" },
        })),
    )
        .into_response())
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The XLSForm kind a content type names, as a file extension.
fn xlsform_extension(content_type: &str) -> Option<&'static str> {
    let mime = content_type.split(';').next().unwrap_or_default().trim();
    match mime {
        XLSX => Some("xlsx"),
        "application/vnd.ms-excel" => Some("xls"),
        "application/vnd.oasis.opendocument.spreadsheet" => Some("ods"),
        "text/csv" => Some("csv"),
        _ => None,
    }
}

fn publish_error(error: PublishError) -> ApiError {
    match error {
        PublishError::XlsForm { ref errors } => ApiError::InvalidForm {
            message: error.to_string(),
            errors: errors.clone(),
        },
        PublishError::Invalid { source } => ApiError::InvalidForm {
            message: source.to_string(),
            errors: vec![source.to_string()],
        },
        PublishError::Compile { ref errors, .. } => ApiError::InvalidForm {
            message: error.to_string(),
            errors: errors.clone(),
        },
        PublishError::Store(StoreError::VersionChanged { id, version }) => ApiError::Conflict {
            code: "version_exists",
            message: StoreError::VersionChanged { id, version }.to_string(),
        },
        PublishError::BadKey { field, message, .. } => {
            ApiError::Validation(vec![crate::error::FieldError::new(
                field,
                format!("form {field} {message}"),
            )])
        }
        PublishError::Store(e) => e.into(),
        PublishError::Read { .. } => ApiError::Internal(error.to_string()),
    }
}

#[derive(Deserialize)]
struct VersionParam {
    version: Option<String>,
}

async fn open(
    state: State<AppState>,
    who: Coordinator,
    id: Path<String>,
    params: Query<VersionParam>,
) -> Result<Json<serde_json::Value>, ApiError> {
    set_open(state, who, id, params, true).await
}

async fn close(
    state: State<AppState>,
    who: Coordinator,
    id: Path<String>,
    params: Query<VersionParam>,
) -> Result<Json<serde_json::Value>, ApiError> {
    set_open(state, who, id, params, false).await
}

/// Opens or closes one version (`?version=`) or every version of a form.
async fn set_open(
    State(state): State<AppState>,
    Coordinator(user): Coordinator,
    Path(id): Path<String>,
    Query(params): Query<VersionParam>,
    open: bool,
) -> Result<Json<serde_json::Value>, ApiError> {
    let version = params.version.as_deref();
    let changed = state.store.set_form_open(&id, version, open).await?;
    if changed == 0 {
        return Err(ApiError::NotFound {
            what: match version {
                Some(v) => format!("form `{id}` version `{v}`"),
                None => format!("form `{id}`"),
            },
        });
    }
    state
        .audit(
            &format!("user:{}", user.username),
            if open { "form.open" } else { "form.close" },
            &format!("form:{id}"),
            json!({ "version": version }),
        )
        .await?;
    Ok(Json(
        json!({ "id": id, "version": version, "open": open, "versions": changed }),
    ))
}

/// Every revision of the form's submissions (coordinators; the export
/// formats will build on this).
async fn submissions(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
    Path(id): Path<String>,
) -> Result<Json<Vec<StoredSubmission>>, ApiError> {
    Ok(Json(state.store.list_submissions(&id).await?))
}
