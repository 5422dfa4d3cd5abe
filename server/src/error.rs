//! One error type for every route, mapped to a status code and a stable
//! machine-readable code, so handlers can use `?`. Clients (the app, the
//! tests, scripts) branch on `error.code`, never on the message.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use crate::store::StoreError;

/// A problem with one field of a request or submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name or JSON path (`answers.age`, `password`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("this route needs a session token or a device token (Authorization: Bearer ...)")]
    Unauthenticated,
    #[error("the bearer token is not valid (unknown or expired)")]
    InvalidToken,
    #[error("this device token has been revoked")]
    TokenRevoked,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("the request body does not have the expected shape: {0}")]
    InvalidJson(String),
    #[error("the request has {} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("the request body is larger than this server accepts")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    InvalidForm {
        message: String,
        errors: Vec<String>,
    },
    /// A refusal with its own status and code (used for submission items).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("too many requests: retry in {retry_after} s")]
    RateLimited { retry_after: u64 },
    #[error("database error")]
    Database(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        ApiError::Internal(format!("{error:#}"))
    }
}

impl ApiError {
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::InvalidToken => (StatusCode::UNAUTHORIZED, "invalid_token"),
            ApiError::TokenRevoked => (StatusCode::UNAUTHORIZED, "token_revoked"),
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            ApiError::InvalidJson(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json"),
            ApiError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::InvalidForm { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_form"),
            ApiError::Refused { status, code, .. } => (*status, code),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            // The database refuses writes or cannot be reached (read-only
            // file, full disk, server down): worth retrying later.
            ApiError::Database(e) if e.is_unavailable() => {
                (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable")
            }
            ApiError::Database(_) => (StatusCode::INTERNAL_SERVER_ERROR, "database"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The `error` object of the JSON body. A server-side failure's detail
    /// (SQL, file paths, a stored form's errors) goes to the log under a
    /// random reference, and the client gets only that reference.
    pub fn body(&self) -> Value {
        let (status, code) = self.status_and_code();
        let message = match self {
            ApiError::Internal(_) | ApiError::Database(_) => {
                let reference = error_reference();
                tracing::error!(reference = %reference, error = ?self, "request failed");
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    format!(
                        "the database is unavailable (read-only, full or unreachable); \
                         retry later, reference {reference}"
                    )
                } else {
                    format!("internal error, reference {reference}")
                }
            }
            _ => self.to_string(),
        };
        let mut body = json!({ "code": code, "message": message });
        match self {
            ApiError::Validation(fields) | ApiError::Refused { fields, .. }
                if !fields.is_empty() =>
            {
                body["fields"] = json!(fields);
            }
            ApiError::InvalidForm { errors, .. } => body["errors"] = json!(errors),
            _ => {}
        }
        body
    }
}

/// A short random id that ties a client's report to the log line.
fn error_reference() -> String {
    use rand::Rng;
    let value: u64 = rand::thread_rng().r#gen();
    format!("{value:016x}")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = self.status_and_code();
        if status.is_server_error()
            && !matches!(self, ApiError::Internal(_) | ApiError::Database(_))
        {
            // `body` logs the others with their reference.
            tracing::error!(error = ?self, "request failed");
        }
        let mut response = (status, Json(json!({ "error": self.body() }))).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if let ApiError::RateLimited { retry_after } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12: the detail of an internal error stays in the log.
    #[test]
    fn internal_detail_is_not_sent() {
        let body = ApiError::Internal("SELECT secret FROM /var/lib/x".into()).body();
        assert_eq!(body["code"], "internal");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("internal error, reference "),
            "{message}"
        );
        assert!(!body.to_string().contains("secret"), "{body}");
        // Each failure gets its own reference.
        assert_ne!(
            ApiError::Internal("x".into()).body()["message"],
            ApiError::Internal("x".into()).body()["message"]
        );
    }
}
