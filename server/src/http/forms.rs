//! The form catalog: `/api/forms`.
//!
//! Listing and downloading open forms needs no token (a device that is not
//! yet provisioned, and the app's first screen, can see what exists);
//! device tokens narrow the list to their forms; coordinators also see
//! closed forms. Both answers carry an ETag, so devices download only
//! what changed (`If-None-Match` → 304).

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Semaphore;

use super::AppState;
use super::extract::{Coordinator, MaybeAuth};
// Paged; kept with the ingest routes.
use super::submissions::list_for_form as submissions;
use crate::attachments::AttachmentFile;
use crate::auth::sha256_hex;
use crate::catalog::{self, PublishError, Published, Upload};
use crate::error::ApiError;
use crate::store::{AuditEntry, StoreError, now_ms};

/// `max_body_bytes`: the API's body limit; publishing may also carry the
/// form's data files, so its limit is that plus theirs.
pub fn routes(max_body_bytes: usize) -> Router<AppState> {
    let publish_limit = max_body_bytes
        .saturating_add(crate::attachments::MAX_FORM_BYTES)
        .saturating_add(MULTIPART_SLACK);
    Router::new()
        .route("/forms", get(list).post(publish))
        .route("/forms/{id}/versions/{version}", get(definition))
        .route("/forms/{id}/open", post(open))
        .route("/forms/{id}/close", post(close))
        .route("/forms/{id}/submissions", get(submissions))
        // Only publishing has a body.
        .layer(DefaultBodyLimit::max(publish_limit))
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

/// Room for a multipart body's boundaries and part headers.
const MULTIPART_SLACK: usize = 64 * 1024;

/// Publishes a form: `Content-Type: application/json` with a native form
/// file, or an XLSForm workbook by its content type (see `catalog::Upload`);
/// or `multipart/form-data` with the form (part `form`) and its data
/// files (parts `attachment`, each named by its file name). Parsed and
/// checked by [`parse_bounded`].
async fn publish(
    State(state): State<AppState>,
    Coordinator(user): Coordinator,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (upload, files) = if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|e| multipart_error(e.status(), e.body_text()))?;
        read_multipart(multipart).await?
    } else {
        let body = Bytes::from_request(request, &state)
            .await
            .map_err(super::extract::bytes_rejection)?;
        (upload_of(content_type, body)?, Vec::new())
    };
    let prepared = match parse_bounded(upload, files).await {
        Ok(prepared) => prepared,
        // A refusal already shaped as a reply (422 with the located error, 503 busy).
        Err(refusal) => return Ok(refusal),
    };
    let actor = format!("user:{}", user.username);
    let published = catalog::publish_prepared_by(state.store.as_ref(), &prepared, &actor)
        .await
        .map_err(publish_error)?;
    let status = match published {
        Published::New => StatusCode::CREATED,
        Published::AlreadyPublished => StatusCode::OK,
    };
    let form = &prepared.form;
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

/// The upload a body of `content_type` holds.
fn upload_of(content_type: &str, body: Bytes) -> Result<OwnedUpload, ApiError> {
    if content_type.starts_with("application/json") {
        std::str::from_utf8(&body)
            .map_err(|e| ApiError::MalformedJson(format!("the body is not UTF-8: {e}")))?;
        Ok(OwnedUpload::FormJson(body))
    } else if let Some(extension) = xlsform_extension(content_type) {
        Ok(OwnedUpload::XlsForm { extension, body })
    } else {
        Err(ApiError::UnsupportedMediaType(format!(
            "publish a form file as `application/json`, or an XLSForm as .xlsx \
             (`{XLSX}`), .xls (`application/vnd.ms-excel`), .ods \
             (`application/vnd.oasis.opendocument.spreadsheet`) or `text/csv`, \
             or either with its data files as `multipart/form-data` \
             (got `{content_type}`)"
        )))
    }
}

fn multipart_error(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::Refused {
            status: StatusCode::BAD_REQUEST,
            code: "malformed_multipart",
            message: format!("the multipart body cannot be read: {text}"),
            fields: Vec::new(),
        }
    }
}

/// The form (part `form`) and data files (parts `attachment`) of a
/// multipart upload. The whole body is bounded by the route's limit.
async fn read_multipart(
    mut multipart: Multipart,
) -> Result<(OwnedUpload, Vec<AttachmentFile>), ApiError> {
    let mut form = None;
    let mut files = Vec::new();
    let invalid = |field: &str, message: String| {
        ApiError::Validation(vec![crate::error::FieldError::new(field, message)])
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e.status(), e.body_text()))?
    {
        let part = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        match part.as_str() {
            "form" => {
                if form.is_some() {
                    return Err(invalid("form", "give the form in one part `form`".into()));
                }
                let body = field
                    .bytes()
                    .await
                    .map_err(|e| multipart_error(e.status(), e.body_text()))?;
                let kind = form_content_type(content_type.as_deref(), file_name.as_deref());
                form = Some(upload_of(&kind, body)?);
            }
            "attachment" | "attachments" => {
                let Some(name) = file_name else {
                    return Err(invalid(
                        "attachment",
                        "each `attachment` part needs its file name (`filename=` in its \
                         Content-Disposition)"
                            .into(),
                    ));
                };
                crate::attachments::check_name(&name).map_err(|m| invalid("attachment", m))?;
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| multipart_error(e.status(), e.body_text()))?;
                files.push(AttachmentFile {
                    name,
                    bytes: bytes.to_vec(),
                });
            }
            other => {
                return Err(invalid(
                    other,
                    format!(
                        "unknown part `{other}`: send the form as part `form` and each data \
                         file as a part `attachment`"
                    ),
                ));
            }
        }
    }
    let form = form.ok_or_else(|| {
        invalid(
            "form",
            "the upload has no part `form` holding the workbook or form file".into(),
        )
    })?;
    Ok((form, files))
}

/// A part's content type: as given, unless it is missing or generic
/// (`application/octet-stream`, as browsers send for unknown files), then
/// from the file name's extension.
fn form_content_type(given: Option<&str>, file_name: Option<&str>) -> String {
    let given = given.unwrap_or_default();
    if !given.is_empty() && !given.starts_with("application/octet-stream") {
        return given.to_owned();
    }
    let lower = file_name.unwrap_or_default().to_ascii_lowercase();
    let by_name = if lower.ends_with(".json") {
        "application/json"
    } else if lower.ends_with(".xlsx") {
        XLSX
    } else if lower.ends_with(".xls") {
        "application/vnd.ms-excel"
    } else if lower.ends_with(".ods") {
        "application/vnd.oasis.opendocument.spreadsheet"
    } else if lower.ends_with(".csv") {
        "text/csv"
    } else {
        given
    };
    by_name.to_owned()
}

/// Parses at most this many uploads at once. Each may take a core and a
/// few hundred MB within `fieldform_xlsform`'s limits, so the bound is a
/// fixed small number rather than one per core.
const PARSE_PERMITS: usize = 2;

/// How long an upload waits for a parse permit before it is answered 503
/// with `Retry-After`: uploads are rare, so waiting a little absorbs a
/// burst, and a flood (or bombs) gets a quick answer instead of piling up.
const PARSE_WAIT: Duration = Duration::from_secs(10);
const PARSE_RETRY_AFTER_SECS: u64 = 10;

static PARSING: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(PARSE_PERMITS)));

/// An upload's body with its kind, owned so it can move to a blocking task.
#[derive(Debug)]
enum OwnedUpload {
    FormJson(Bytes),
    XlsForm {
        extension: &'static str,
        body: Bytes,
    },
}

/// Parses an upload off the async workers (a workbook can take a core for
/// a while), at most [`PARSE_PERMITS`] at once. The permit moves into the
/// blocking task, so a dropped request still holds it until parsing ends.
/// The data files are checked and parsed there too, and the form compiled.
async fn parse_bounded(
    upload: OwnedUpload,
    files: Vec<AttachmentFile>,
) -> Result<catalog::Prepared, Response> {
    let busy = || {
        let mut response = ApiError::Refused {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "busy",
            message: format!(
                "the server is reading other forms; retry in {PARSE_RETRY_AFTER_SECS} s"
            ),
            fields: Vec::new(),
        }
        .into_response();
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(PARSE_RETRY_AFTER_SECS),
        );
        response
    };
    let permit = match tokio::time::timeout(PARSE_WAIT, PARSING.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        Ok(Err(_)) | Err(_) => return Err(busy()),
    };
    let parsed = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let form = match &upload {
            OwnedUpload::FormJson(body) => {
                // Checked to be UTF-8 by the handler.
                let text = std::str::from_utf8(body).unwrap_or_default();
                catalog::parse_upload(Upload::FormJson(text))
            }
            OwnedUpload::XlsForm { extension, body } => catalog::parse_upload(Upload::XlsForm {
                extension,
                bytes: body,
            }),
        }?;
        catalog::prepare(
            form,
            files,
            "add it to the upload as a `multipart/form-data` part `attachment`",
        )
    })
    .await;
    match parsed {
        Ok(result) => result.map_err(|e| publish_error(e).into_response()),
        Err(e) => {
            Err(ApiError::Internal(format!("parsing the upload failed: {e}")).into_response())
        }
    }
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
        PublishError::Attachments(ref problems) => ApiError::InvalidForm {
            message: error.to_string(),
            errors: problems.problems.clone(),
        },
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
    let audit = |_: &u64| AuditEntry {
        at: now_ms(),
        actor: format!("user:{}", user.username),
        action: if open { "form.open" } else { "form.close" }.to_owned(),
        target: format!("form:{id}"),
        details: json!({ "version": version }),
    };
    let changed = state
        .store
        .set_form_open(&id, version, open, Some(&audit))
        .await?;
    if changed == 0 {
        return Err(ApiError::NotFound {
            what: match version {
                Some(v) => format!("form `{id}` version `{v}`"),
                None => format!("form `{id}`"),
            },
        });
    }
    Ok(Json(
        json!({ "id": id, "version": version, "open": open, "versions": changed }),
    ))
}
