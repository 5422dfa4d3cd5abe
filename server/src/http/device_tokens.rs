//! Device tokens (`/api/device-tokens`): a coordinator provisions an
//! enumerator tablet with a long-lived token scoped to some forms, shown
//! once with a link the coordinator can display as a QR code.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

use super::AppState;
use super::extract::{Coordinator, ValidatedJson};
use super::security::ClientAddress;
use crate::auth::{DEVICE_PREFIX, new_token, sha256_hex};
use crate::error::{ApiError, FieldError};
use crate::store::{AuditEntry, AuditWith, DeviceToken, NewDeviceToken, Store, now_ms};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/device-tokens", get(list).post(create))
        .route("/device-tokens/{id}", delete(revoke))
}

#[derive(Debug, Deserialize, Validate)]
pub struct NewToken {
    /// Which tablet or enumerator this is, e.g. `tablet 12 (Ion)`.
    #[validate(length(min = 1, max = 100))]
    pub label: String,
    /// The forms the device may use (at least one).
    #[validate(length(min = 1, max = 200))]
    pub forms: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CreatedToken {
    /// The secret; shown only in this response.
    pub token: String,
    /// Open on the tablet (or show as a QR code) to provision it.
    pub provisioning_url: String,
    pub device: DeviceToken,
}

/// Creates a device token for already published forms, with the audit row
/// `audit` builds written in the same transaction; shared with the CLI.
pub async fn create_token_audited(
    store: &dyn Store,
    created_by: &str,
    new: &NewToken,
    base_url: &str,
    audit: AuditWith<'_, DeviceToken>,
) -> Result<CreatedToken, ApiError> {
    let published = store.list_forms().await?;
    let unknown: Vec<FieldError> = new
        .forms
        .iter()
        .filter(|f| !published.iter().any(|row| &row.form_id == *f))
        .map(|f| FieldError::new("forms", format!("form `{f}` is not published")))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::Validation(unknown));
    }
    let token = new_token(DEVICE_PREFIX);
    let device = store
        .create_device_token_audited(
            NewDeviceToken {
                token_hash: &sha256_hex(&token),
                label: &new.label,
                forms: &new.forms,
                created_by,
            },
            audit,
        )
        .await?;
    Ok(CreatedToken {
        provisioning_url: provisioning_url(base_url, &token),
        token,
        device,
    })
}

/// The app's provisioning screen; the token travels in the fragment, which
/// browsers never send to a server or put in a Referer.
pub fn provisioning_url(base_url: &str, token: &str) -> String {
    format!(
        "{}/#/provision?token={token}",
        base_url.trim_end_matches('/')
    )
}

/// Where the provisioning link points: `--public-url`, else the request's
/// `Host`, but only for a request from this machine (loopback). From
/// anywhere else the `Host` header is whatever the client wrote, and a link
/// built from it would send a tablet, token and all, to that host.
fn base_url(
    state: &AppState,
    headers: &HeaderMap,
    address: Option<std::net::IpAddr>,
) -> Result<String, ApiError> {
    if let Some(url) = &state.options.public_url {
        return Ok(url.clone());
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (host, address) {
        (Some(host), Some(ip)) if ip.is_loopback() => Ok(format!("http://{host}")),
        _ => Err(ApiError::Refused {
            status: StatusCode::CONFLICT,
            code: "public_url_required",
            message: "this server does not know its public address, so it cannot build a \
                      provisioning link: start it with --public-url https://... (or \
                      FIELDFORM_PUBLIC_URL), or create the token from the server machine itself"
                .into(),
            fields: Vec::new(),
        }),
    }
}

async fn create(
    State(state): State<AppState>,
    Coordinator(user): Coordinator,
    headers: HeaderMap,
    address: Option<Extension<ClientAddress>>,
    ValidatedJson(new): ValidatedJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let actor = format!("user:{}", user.username);
    let address = address.and_then(|Extension(ClientAddress(ip))| ip);
    let base = base_url(&state, &headers, address)?;
    let audit = |device: &DeviceToken| AuditEntry {
        at: now_ms(),
        actor: actor.clone(),
        action: "device_token.create".into(),
        target: format!("device:{}", device.id),
        details: json!({ "label": device.label, "forms": device.forms }),
    };
    let created =
        create_token_audited(state.store.as_ref(), &actor, &new, &base, Some(&audit)).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// A device as the console lists it: the token's row, and what it sent.
#[derive(Debug, Serialize)]
struct ListedDevice {
    #[serde(flatten)]
    device: DeviceToken,
    /// Responses it sent (a correction is the same response).
    submissions: i64,
    /// When the server last received one (Unix ms).
    last_submission_at: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
) -> Result<Json<Vec<ListedDevice>>, ApiError> {
    let activity = state.store.device_activity().await?;
    let devices = state.store.list_device_tokens().await?;
    Ok(Json(
        devices
            .into_iter()
            .map(|device| {
                let sent = activity.iter().find(|a| a.device_id == device.id);
                ListedDevice {
                    submissions: sent.map_or(0, |a| a.responses),
                    last_submission_at: sent.map(|a| a.last_received_at),
                    device,
                }
            })
            .collect(),
    ))
}

async fn revoke(
    State(state): State<AppState>,
    Coordinator(user): Coordinator,
    Path(id): Path<String>,
) -> Result<Json<DeviceToken>, ApiError> {
    let not_found = || ApiError::NotFound {
        what: format!("device token `{id}`"),
    };
    let number: i64 = id.parse().map_err(|_| not_found())?;
    let actor = format!("user:{}", user.username);
    let audit = |device: &DeviceToken| AuditEntry {
        at: now_ms(),
        actor: actor.clone(),
        action: "device_token.revoke".into(),
        target: format!("device:{}", device.id),
        details: json!({ "label": device.label }),
    };
    let device = state
        .store
        .revoke_device_token_audited(number, Some(&audit))
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(device))
}
