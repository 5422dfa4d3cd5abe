//! Extractors: JSON bodies mapped to [`ApiError`] (with `validator` checks
//! for [`ValidatedJson`]), and who is calling, one extractor per level of
//! access so that a handler's signature states its authorization.

use axum::Json;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use validator::Validate;

use super::AppState;
use crate::auth::{DEVICE_PREFIX, Principal, SESSION_PREFIX, sha256_hex};
use crate::error::{ApiError, FieldError};
use crate::store::{Role, User};

/// A JSON body; malformed JSON is 400 `malformed_json`, the wrong shape 422
/// `invalid_json`, a body over the limit 413 `payload_too_large`.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => ApiError::InvalidJson(e.body_text()),
        JsonRejection::JsonSyntaxError(e) => ApiError::MalformedJson(e.body_text()),
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::UnsupportedMediaType("send JSON with `Content-Type: application/json`".into())
        }
        JsonRejection::BytesRejection(e) => bytes_rejection(e),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        other => ApiError::MalformedJson(other.body_text()),
    }
}

pub fn bytes_rejection(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::MalformedJson(rejection.body_text())
    }
}

/// A JSON body that also passes its `#[derive(Validate)]` rules; failures
/// are 422 `validation_failed` with one entry per field.
pub struct ValidatedJson<T>(pub T);

impl<T, S> FromRequest<S> for ValidatedJson<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ApiJson(value) = ApiJson::<T>::from_request(req, state).await?;
        value.validate().map_err(|errors| {
            let mut fields: Vec<FieldError> = errors
                .field_errors()
                .into_iter()
                .flat_map(|(field, list)| {
                    list.iter().map(move |e| {
                        let message = e
                            .message
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_else(|| e.code.to_string());
                        FieldError::new(field.to_string(), message)
                    })
                })
                .collect();
            fields.sort_by(|a, b| a.field.cmp(&b.field));
            ApiError::Validation(fields)
        })?;
        Ok(ValidatedJson(value))
    }
}

/// The raw bearer token of the request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Who sent the request: `None` without a token; an unknown, expired or
/// revoked token is an error rather than anonymous access, so that a
/// device learns at once that it must be provisioned again.
async fn principal(parts: &Parts, state: &AppState) -> Result<Option<Principal>, ApiError> {
    // The rate limiter already verified this token.
    if let Some(Verified(principal)) = parts.extensions.get::<Verified>() {
        return Ok(Some(principal.clone()));
    }
    let Some(token) = bearer(&parts.headers) else {
        return Ok(None);
    };
    verify(state, token).await
}

/// A principal whose token was verified earlier in this request.
#[derive(Clone)]
pub struct Verified(pub Principal);

/// The principal a bearer token belongs to; an unknown, expired or revoked
/// token is an error.
pub async fn verify(state: &AppState, token: &str) -> Result<Option<Principal>, ApiError> {
    let hash = sha256_hex(token);
    if token.starts_with(SESSION_PREFIX) {
        match state.store.session_user(&hash).await? {
            Some(user) => Ok(Some(Principal::User(user))),
            None => Err(ApiError::InvalidToken),
        }
    } else if token.starts_with(DEVICE_PREFIX) {
        match state.store.device_token(&hash).await? {
            Some(device) if device.revoked_at.is_some() => Err(ApiError::TokenRevoked),
            Some(device) => Ok(Some(Principal::Device(device))),
            None => Err(ApiError::InvalidToken),
        }
    } else {
        Err(ApiError::InvalidToken)
    }
}

/// Anyone; the principal if a valid token was sent.
pub struct MaybeAuth(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(MaybeAuth(principal(parts, state).await?))
    }
}

/// Any signed-in person or provisioned device.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        principal(parts, state)
            .await?
            .map(Auth)
            .ok_or(ApiError::Unauthenticated)
    }
}

async fn user_with_role(parts: &Parts, state: &AppState, role: Role) -> Result<User, ApiError> {
    match principal(parts, state).await? {
        None => Err(ApiError::Unauthenticated),
        Some(Principal::User(user)) if user.role >= role => Ok(user),
        Some(_) => Err(ApiError::Forbidden(format!(
            "this needs the {} role",
            role.as_str()
        ))),
    }
}

/// A coordinator or an admin.
pub struct Coordinator(pub User);

impl FromRequestParts<AppState> for Coordinator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        user_with_role(parts, state, Role::Coordinator)
            .await
            .map(Coordinator)
    }
}

/// An admin.
pub struct Admin(pub User);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        user_with_role(parts, state, Role::Admin).await.map(Admin)
    }
}
