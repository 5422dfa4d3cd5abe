//! Talking to the collection server.

use fieldform_engine::model::{Language, Text};
use serde::{Deserialize, Serialize};

/// One published form version, as `/api/forms` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub languages: Vec<Language>,
    pub default_language: String,
    pub open: bool,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("cannot reach the server: {0}")]
    Network(String),
    /// `message` is the server's own explanation when it sent one.
    #[error("the server answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("unexpected answer from the server: {0}")]
    Decode(String),
}

/// The forms this device may fill in.
pub async fn fetch_catalog() -> Result<Vec<CatalogEntry>, ApiError> {
    let response = gloo_net::http::Request::get("/api/forms")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(status_error(response).await);
    }
    response
        .json()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

impl CatalogEntry {
    /// The title in `lang`, else in the form's default language.
    pub fn title_in(&self, lang: &str) -> &str {
        self.title
            .get(lang, &self.default_language)
            .unwrap_or(&self.id)
    }
}

/// One version of a form, as published.
pub async fn fetch_definition(
    id: String,
    version: String,
) -> Result<fieldform_engine::model::Form, ApiError> {
    let url = format!(
        "/api/forms/{}/versions/{}",
        js_sys::encode_uri_component(&id),
        js_sys::encode_uri_component(&version)
    );
    let response = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(status_error(response).await);
    }
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    fieldform_engine::model::Form::from_json(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

/// A refusal, with the message of the server's JSON error body
/// (`{"error": {"code", "message"}}`) or else the body as sent.
async fn status_error(response: gloo_net::http::Response) -> ApiError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    ApiError::Status {
        status,
        message: error_message(&body),
    }
}

fn error_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| body.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::error_message;

    #[test]
    fn shows_the_servers_message() {
        assert_eq!(
            error_message(
                r#"{"error":{"code":"not_found","message":"form `x` version `1` does not exist"}}"#
            ),
            "form `x` version `1` does not exist"
        );
        assert_eq!(error_message("Bad Gateway\n"), "Bad Gateway");
    }
}
