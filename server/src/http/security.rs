//! Security headers (with a Content-Security-Policy that still lets the
//! Trunk-built app run) and the per-token rate limit.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::AppState;
use crate::auth::sha256_hex;
use crate::error::ApiError;

/// The Content-Security-Policy of the app build in a directory, recomputed
/// whenever its `index.html` changes, so rebuilding the app while the
/// server runs needs no restart.
#[derive(Debug)]
pub struct Csp {
    app_dir: std::path::PathBuf,
    cached: Mutex<Option<(Option<std::time::SystemTime>, axum::http::HeaderValue)>>,
}

impl Csp {
    pub fn new(app_dir: &Path) -> Self {
        Self {
            app_dir: app_dir.to_owned(),
            cached: Mutex::new(None),
        }
    }

    /// The policy for the build as it is now on disk.
    pub fn current(&self) -> axum::http::HeaderValue {
        let modified = std::fs::metadata(self.app_dir.join("index.html"))
            .and_then(|m| m.modified())
            .ok();
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((when, value)) = cached.as_ref()
            && *when == modified
        {
            return value.clone();
        }
        let value = axum::http::HeaderValue::from_str(&content_security_policy(&self.app_dir))
            .unwrap_or(axum::http::HeaderValue::from_static("default-src 'self'"));
        *cached = Some((modified, value.clone()));
        value
    }
}

/// The Content-Security-Policy for everything the server sends.
///
/// Trunk's `index.html` starts the app with an inline module script, so
/// that script is allowed by its hash (computed from the built file, see
/// [`Csp`]); `'wasm-unsafe-eval'` lets it compile the WebAssembly.
/// Nothing else inline, nothing from elsewhere.
pub fn content_security_policy(app_dir: &Path) -> String {
    let mut script_src = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
    if let Ok(html) = std::fs::read_to_string(app_dir.join("index.html")) {
        script_src.extend(
            inline_scripts(&html)
                .into_iter()
                .map(|script| format!("'sha256-{}'", base64_sha256(script))),
        );
    }
    format!(
        "default-src 'self'; script-src {}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        script_src.join(" ")
    )
}

fn base64_sha256(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// The text of each `<script>` without a `src`: exactly the bytes the
/// browser hashes (between `>` and `</script>`).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..open_end];
        let body_and_rest = &after[open_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        if !attributes.contains("src=") {
            scripts.push(&body_and_rest[..close]);
        }
        rest = &body_and_rest[close..];
    }
    scripts
}

/// Token buckets keyed by the caller's token hash (or address).
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Beyond this many tracked callers, full buckets are forgotten.
const MAX_TRACKED: usize = 10_000;

impl RateLimiter {
    pub fn new(per_second: f64, burst: f64) -> Self {
        RateLimiter {
            per_second: per_second.max(0.001),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` if `key` may make a request now, else seconds to wait.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() > MAX_TRACKED {
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * rate < burst
            });
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / self.per_second).ceil();
            Err(wait.max(1.0) as u64)
        }
    }
}

/// Middleware: one bucket per bearer token (by hash: the raw token is not
/// kept in memory longer than the request), else per client address.
pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let key = match token {
        Some(token) => format!("token:{}", sha256_hex(token)),
        None => match request.extensions().get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(addr)) => format!("ip:{}", addr.ip()),
            None => "anonymous".to_owned(),
        },
    };
    match state.rate.check(&key) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => ApiError::RateLimited { retry_after }.into_response(),
    }
}

/// Middleware: errors that axum and tower-http produce themselves (405,
/// 408 from the timeout, rejections of path and query parameters) come
/// without a JSON body; under `/api` they get the same
/// `{"error": {"code", "message"}}` shape as every other error.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    use axum::http::StatusCode as S;
    let code = match status {
        S::BAD_REQUEST => "bad_request",
        S::NOT_FOUND => "not_found",
        S::METHOD_NOT_ALLOWED => "method_not_allowed",
        S::REQUEST_TIMEOUT => "timeout",
        S::PAYLOAD_TOO_LARGE => "payload_too_large",
        S::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        S::UNPROCESSABLE_ENTITY => "invalid_json",
        _ if status.is_server_error() => "internal",
        _ => "bad_request",
    };
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let message = if text.trim().is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    let mut fixed = (
        status,
        axum::Json(serde_json::json!({ "error": { "code": code, "message": message } })),
    )
        .into_response();
    // Keep `Allow`, `Retry-After` and the like.
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            fixed.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_follows_a_rebuilt_app_without_restart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = dir.path().join("index.html");
        let write = |script: &str, seconds: u64| {
            std::fs::write(&index, format!("<script type=\"module\">{script}</script>"))
                .expect("write index");
            let file = std::fs::File::options()
                .write(true)
                .open(&index)
                .expect("open");
            file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
                .expect("set mtime");
        };
        let csp = Csp::new(dir.path());
        write("old()", 1_000);
        let old = csp.current();
        assert!(
            old.to_str()
                .unwrap_or_default()
                .contains(&base64_sha256("old()"))
        );
        write("new()", 2_000);
        let new = csp.current();
        assert!(
            new.to_str()
                .unwrap_or_default()
                .contains(&base64_sha256("new()"))
        );
        assert!(
            !new.to_str()
                .unwrap_or_default()
                .contains(&base64_sha256("old()"))
        );
    }

    #[test]
    fn finds_inline_scripts_only() {
        let html = "<script type=\"module\">\nimport x;\n</script>\
                    <script src=\"/a.js\"></script><script>b()</script>";
        assert_eq!(inline_scripts(html), vec!["\nimport x;\n", "b()"]);
    }

    #[test]
    fn hashes_like_browsers_do() {
        // echo -n "alert(1)" | openssl dgst -sha256 -binary | base64
        assert_eq!(
            base64_sha256("alert(1)"),
            "bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI="
        );
    }

    #[test]
    fn the_policy_allows_the_built_apps_inline_script() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("index.html"),
            "<html><head><script type=\"module\">alert(1)</script></head></html>",
        )
        .expect("write");
        let csp = content_security_policy(dir.path());
        assert!(
            csp.contains(
                "script-src 'self' 'wasm-unsafe-eval' \
                 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=';"
            ),
            "{csp}"
        );
        assert!(!content_security_policy(&dir.path().join("none")).contains("sha256"));
    }

    #[test]
    fn buckets_refill_and_limit() {
        let limiter = RateLimiter::new(1.0, 2.0);
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert_eq!(limiter.check("a"), Err(1));
        assert!(limiter.check("b").is_ok());
    }
}
