//! Device tokens (`/api/device-tokens`): a coordinator provisions an
//! enumerator tablet with a long-lived token scoped to some forms, shown
//! once with a link the coordinator can display as a QR code.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

use super::AppState;
use super::extract::{Coordinator, ValidatedJson};
use crate::auth::{DEVICE_PREFIX, new_token, sha256_hex};
use crate::error::{ApiError, FieldError};
use crate::store::{DeviceToken, NewDeviceToken, Store};

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

/// Creates a device token for already published forms; shared with the CLI.
pub async fn create_token(
    store: &dyn Store,
    created_by: &str,
    new: &NewToken,
    base_url: &str,
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
        .create_device_token(NewDeviceToken {
            token_hash: &sha256_hex(&token),
            label: &new.label,
            forms: &new.forms,
            created_by,
        })
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

fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.options.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn create(
    State(state): State<AppState>,
    Coordinator(user): Coordinator,
    headers: HeaderMap,
    ValidatedJson(new): ValidatedJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let actor = format!("user:{}", user.username);
    let created = create_token(
        state.store.as_ref(),
        &actor,
        &new,
        &base_url(&state, &headers),
    )
    .await?;
    state
        .audit(
            &actor,
            "device_token.create",
            &format!("device:{}", created.device.id),
            json!({ "label": created.device.label, "forms": created.device.forms }),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn list(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
) -> Result<Json<Vec<DeviceToken>>, ApiError> {
    Ok(Json(state.store.list_device_tokens().await?))
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
    let device = state
        .store
        .revoke_device_token(number)
        .await?
        .ok_or_else(not_found)?;
    state
        .audit(
            &format!("user:{}", user.username),
            "device_token.revoke",
            &format!("device:{}", device.id),
            json!({ "label": device.label }),
        )
        .await?;
    Ok(Json(device))
}
