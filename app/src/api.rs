//! Talking to the collection server.

use fieldform_engine::model::{Language, Text};
use serde::Deserialize;

/// One published form version, as `/api/forms` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
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
    #[error("the server answered {status}: {body}")]
    Status { status: u16, body: String },
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
        let body = response.text().await.unwrap_or_default();
        return Err(ApiError::Status {
            status: response.status(),
            body,
        });
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
        let body = response.text().await.unwrap_or_default();
        return Err(ApiError::Status {
            status: response.status(),
            body,
        });
    }
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    fieldform_engine::model::Form::from_json(&text).map_err(|e| ApiError::Decode(e.to_string()))
}
