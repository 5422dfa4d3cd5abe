//! Talking to the collection server.

/// The catalog's types are the server's own (defined once, in the engine).
pub use fieldform_engine::wire::{AttachmentInfo, CatalogEntry};

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

/// The forms this device may fill in (those of its credential, if it
/// has one).
pub async fn fetch_catalog() -> Result<Vec<CatalogEntry>, ApiError> {
    get("/api/forms")
        .await?
        .json()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
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
    let text = get_text(&url).await?;
    fieldform_engine::model::Form::from_json(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

/// A data file of a form version, as text (the engine reads only UTF-8
/// CSV, XML and GeoJSON files).
pub async fn fetch_attachment(id: &str, version: &str, name: &str) -> Result<String, ApiError> {
    let url = format!(
        "/api/forms/{}/versions/{}/attachments/{}",
        js_sys::encode_uri_component(id),
        js_sys::encode_uri_component(version),
        js_sys::encode_uri_component(name)
    );
    get_text(&url).await
}

/// `GET url` with the device's credential; a reply that is not a success
/// is an error carrying the server's explanation.
async fn get(url: &str) -> Result<gloo_net::http::Response, ApiError> {
    let response = authorized(gloo_net::http::Request::get(url))
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(status_error(response).await);
    }
    Ok(response)
}

/// [`get`], the body read as text.
async fn get_text(url: &str) -> Result<String, ApiError> {
    get(url)
        .await?
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

/// `request` with the device's credential, if it has one.
fn authorized(request: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
    match crate::sync::credential::token() {
        Some(token) => request.header("Authorization", &format!("Bearer {token}")),
        None => request,
    }
}

/// A raw reply: status, content type, `Retry-After` and body.
#[derive(Debug, Clone)]
pub struct RawReply {
    pub status: u16,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub body: String,
}

impl RawReply {
    /// Whether the body is JSON (as the server's answers are; a captive
    /// portal's page is not).
    pub fn is_json(&self) -> bool {
        crate::sync::protocol::is_json(&self.content_type)
    }

    /// The server's explanation in its error body, else the body as sent.
    pub fn error_message(&self) -> String {
        error_message(&self.body)
    }
}

/// Longest wait for any one request: a connection that hangs (a portal
/// that never answers, a server killed mid-request) must not stall sync.
const REQUEST_TIMEOUT_MS: u32 = 60_000;

/// Sends `method path` with `token` and an optional JSON body, and reads
/// the whole reply whatever its status; only a failure to get any reply
/// (offline, cut, timed out) is an error.
pub async fn exchange(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<RawReply, String> {
    use gloo_net::http::{Method, RequestBuilder};
    let method = match method {
        "POST" => Method::POST,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    };
    let controller =
        web_sys::AbortController::new().map_err(|_| "no AbortController".to_owned())?;
    let signal = controller.signal();
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .abort_signal(Some(&signal));
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let timeout =
        gloo_timers::callback::Timeout::new(REQUEST_TIMEOUT_MS, move || controller.abort());
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body)
            .map_err(|e| e.to_string())?,
        None => builder.build().map_err(|e| e.to_string())?,
    };
    let response = request.send().await.map_err(|e| e.to_string())?;
    let headers = response.headers();
    let reply = RawReply {
        status: response.status(),
        content_type: headers.get("content-type").unwrap_or_default(),
        retry_after: headers.get("retry-after"),
        body: response.text().await.map_err(|e| e.to_string())?,
    };
    drop(timeout);
    Ok(reply)
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
