//! The console's requests: the signed-in person's session token on every
//! call, any method and body (a workbook is sent as the file itself), and
//! one reading of the reply: JSON, or why not.

use gloo_net::http::{Method, RequestBuilder};
use serde_json::Value;
use wasm_bindgen::JsValue;

use crate::sync::credential;

/// Why a console request gave no usable answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No reply at all (offline, cut, timed out).
    Network(String),
    /// The session is missing, expired or signed out (401).
    SignedOut,
    /// The server refused with its JSON error body (`{"error": …}`).
    Refused { status: u16, error: Value },
    /// Something other than the server's JSON answered.
    Unexpected(String),
}

impl Failure {
    /// The server's message, else a description.
    pub fn message(&self) -> String {
        match self {
            Failure::Network(m) | Failure::Unexpected(m) => m.clone(),
            Failure::SignedOut => "401".to_owned(),
            Failure::Refused { status, error } => error["message"]
                .as_str()
                .map_or_else(|| status.to_string(), str::to_owned),
        }
    }
}

/// A body to send.
pub enum Body {
    None,
    Json(Value),
    /// Sent as is (a `File` or `Blob`), with this content type.
    Raw(JsValue, String),
    /// A `FormData`, sent as `multipart/form-data` (the browser writes the
    /// content type, with its boundary).
    Multipart(web_sys::FormData),
}

/// Longest wait for a console request (an upload can be slow to parse).
const TIMEOUT_MS: u32 = 120_000;

/// `method path` with the session token; `Ok` is the reply's JSON (or
/// `Null` for an empty 2xx reply).
pub async fn call(method: Method, path: &str, body: Body) -> Result<Value, Failure> {
    let controller = web_sys::AbortController::new()
        .map_err(|_| Failure::Network("no AbortController".into()))?;
    let signal = controller.signal();
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .abort_signal(Some(&signal));
    if let Some(token) = credential::token() {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let timeout = gloo_timers::callback::Timeout::new(TIMEOUT_MS, move || controller.abort());
    let request = match body {
        Body::None => builder.build(),
        Body::Json(value) => builder
            .header("Content-Type", "application/json")
            .body(value.to_string()),
        Body::Raw(value, content_type) => builder.header("Content-Type", &content_type).body(value),
        Body::Multipart(form) => builder.body(form),
    }
    .map_err(|e| Failure::Unexpected(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    let status = response.status();
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|t| crate::sync::protocol::is_json(&t));
    let text = response
        .text()
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    drop(timeout);
    read(status, json, &text)
}

/// The reply as the console uses it (pure, so it is tested natively).
fn read(status: u16, json: bool, text: &str) -> Result<Value, Failure> {
    let value = || serde_json::from_str::<Value>(text);
    match status {
        200..=299 if text.trim().is_empty() => Ok(Value::Null),
        200..=299 if json => value().map_err(|e| Failure::Unexpected(e.to_string())),
        401 => Err(Failure::SignedOut),
        _ if json => match value() {
            Ok(v) if v["error"].is_object() => Err(Failure::Refused {
                status,
                error: v["error"].clone(),
            }),
            _ => Err(Failure::Unexpected(format!("{status}: {}", text.trim()))),
        },
        _ => Err(Failure::Unexpected(format!(
            "{status}: the network answered, not the Fieldform server"
        ))),
    }
}

/// `s` for a URL path segment or query value.
pub fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

#[cfg(test)]
mod tests {
    use super::{Failure, read};
    use serde_json::json;

    #[test]
    fn reads_answers_refusals_and_strangers() {
        assert_eq!(read(200, true, r#"{"a":1}"#), Ok(json!({"a": 1})));
        assert_eq!(read(204, false, ""), Ok(serde_json::Value::Null));
        assert_eq!(read(401, true, "{}"), Err(Failure::SignedOut));
        let refused = read(
            422,
            true,
            r#"{"error":{"code":"invalid_form","message":"bad","errors":["x"]}}"#,
        );
        let Err(failure @ Failure::Refused { status: 422, .. }) = refused else {
            panic!("{refused:?}");
        };
        assert_eq!(failure.message(), "bad");
        assert!(matches!(
            read(200, false, "<html>portal</html>"),
            Err(Failure::Unexpected(_))
        ));
        assert!(matches!(
            read(502, false, "Bad Gateway"),
            Err(Failure::Unexpected(_))
        ));
    }
}
