//! Logging in and out (`/api/sessions`) and `/api/me`.

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use validator::Validate;

use super::AppState;
use super::extract::{Auth, ValidatedJson, bearer};
use super::security::{ClientAddress, LoginThrottle};
use crate::accounts::{bounded_hashing, verify_password};
use crate::auth::{Principal, SESSION_LIFETIME_MS, SESSION_PREFIX, new_token, sha256_hex};
use crate::error::ApiError;
use crate::store::{User, now_ms};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions", post(login))
        .route("/sessions/current", delete(logout))
        .route("/me", get(me))
}

#[derive(Debug, Deserialize, Validate)]
struct Login {
    #[validate(length(min = 1, max = 64))]
    username: String,
    #[validate(length(min = 1, max = 1024))]
    password: String,
}

#[derive(Serialize)]
struct Session {
    /// Send as `Authorization: Bearer <token>`; shown only here.
    token: String,
    expires_at: i64,
    user: User,
}

async fn login(
    State(state): State<AppState>,
    address: Option<Extension<ClientAddress>>,
    ValidatedJson(login): ValidatedJson<Login>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let address = address.and_then(|Extension(ClientAddress(ip))| ip);
    let throttle_key = LoginThrottle::key(address, &login.username);
    if let Err(retry_after) = state.login_throttle.check(&throttle_key) {
        return Err(ApiError::RateLimited { retry_after });
    }
    // Case-insensitive; the case as typed only picks between two older
    // accounts that differ in nothing else (see migration 0004).
    let found = state.store.find_user(login.username.trim()).await?;
    // Verify even for unknown users, so timing does not tell which exist.
    let hash = found.as_ref().map(|f| f.password_hash.clone());
    let password = login.password;
    // Bounded: parallel logins must not run unbounded argon2 at once.
    let ok = bounded_hashing(move || {
        verify_password(&password, hash.as_deref().unwrap_or(DUMMY_HASH.as_str()))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("password check: {e}")))?;
    let user = match found {
        Some(found) if ok => found.user,
        _ => {
            state.login_throttle.failed(&throttle_key);
            return Err(ApiError::BadCredentials);
        }
    };
    state.login_throttle.succeeded(&throttle_key);
    let token = new_token(SESSION_PREFIX);
    let expires_at = now_ms() + SESSION_LIFETIME_MS;
    state
        .store
        .create_session(&sha256_hex(&token), user.id, expires_at)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Session {
            token,
            expires_at,
            user,
        }),
    ))
}

/// An argon2id hash of a random password nobody knows.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::accounts::hash_password(&crate::accounts::random_password()).unwrap_or_default()
});

async fn logout(
    State(state): State<AppState>,
    Auth(principal): Auth,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let Principal::User(_) = principal else {
        return Err(ApiError::Forbidden(
            "device tokens are revoked by a coordinator, not logged out".into(),
        ));
    };
    if let Some(token) = bearer(&headers) {
        state.store.delete_session(&sha256_hex(token)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Who the token belongs to, and the limits a sync client sizes its
/// batches by.
async fn me(State(state): State<AppState>, Auth(principal): Auth) -> Json<Value> {
    let mut me = match principal {
        Principal::User(user) => json!({ "kind": "user", "user": user }),
        Principal::Device(device) => json!({ "kind": "device", "device": device }),
    };
    me["limits"] = json!({
        "max_batch": state.options.max_batch,
        "max_body_bytes": state.options.max_body_bytes,
    });
    Json(me)
}
