//! Security headers (with a Content-Security-Policy that still lets the
//! Trunk-built app run), the per-token rate limit and the slowdown of
//! password guessing.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::AppState;
use super::extract::{Verified, bearer, verify};
use crate::error::ApiError;

/// The documents of the app build whose inline scripts the policy allows:
/// the enumerator's app and the coordinators' console.
const DOCUMENTS: [&str; 2] = ["index.html", "console/index.html"];

/// When each of [`DOCUMENTS`] was last written (`None`: missing).
type Stamps = [Option<std::time::SystemTime>; DOCUMENTS.len()];

/// The Content-Security-Policy of the app build in a directory, recomputed
/// whenever one of its documents changes, so rebuilding the app while the
/// server runs needs no restart.
#[derive(Debug)]
pub struct Csp {
    app_dir: std::path::PathBuf,
    cached: Mutex<Option<(Stamps, axum::http::HeaderValue)>>,
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
        let modified: Stamps = DOCUMENTS.map(|document| {
            std::fs::metadata(self.app_dir.join(document))
                .and_then(|m| m.modified())
                .ok()
        });
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
/// Trunk's `index.html` (and the console's, `console/index.html`) starts
/// the app with an inline module script, so that script is allowed by its
/// hash (computed from the built file, see [`Csp`]); `'wasm-unsafe-eval'`
/// lets it compile the WebAssembly. Nothing else inline, nothing from
/// elsewhere.
pub fn content_security_policy(app_dir: &Path) -> String {
    let mut script_src = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
    for document in DOCUMENTS {
        if let Ok(html) = std::fs::read_to_string(app_dir.join(document)) {
            script_src.extend(
                inline_scripts(&html)
                    .into_iter()
                    .map(|script| format!("'sha256-{}'", base64_sha256(script))),
            );
        }
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

/// Where the rate limiter reads the time: the real monotonic clock in the
/// server, a hand-driven one in tests (so a test of refills or of the
/// password limit does not depend on how fast argon2 runs on the machine).
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told to ([`ManualClock::advance`]).
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> Self {
        ManualClock {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(|e| e.into_inner());
        *elapsed += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Token buckets keyed by the caller's token hash (or address).
///
/// Kept as each caller's "theoretical arrival time" (GCRA): the bucket is
/// full when that time is not after now, and each request pushes it one
/// interval later. Whole durations rather than fractional token counts, so
/// that waiting exactly the `Retry-After` asked is always enough (adding
/// up sixths of a token in floating point fell short of a whole one).
pub struct RateLimiter {
    /// The time one request's token takes to come back.
    interval: Duration,
    /// How far ahead of now a caller's schedule may run: the burst.
    tolerance: Duration,
    clock: Arc<dyn Clock>,
    schedule: Mutex<HashMap<String, Instant>>,
}

/// Beyond this many tracked callers, full buckets are forgotten.
const MAX_TRACKED: usize = 10_000;

impl RateLimiter {
    pub fn new(per_second: f64, burst: f64) -> Self {
        Self::with_clock(per_second, burst, Arc::new(SystemClock))
    }

    pub fn with_clock(per_second: f64, burst: f64, clock: Arc<dyn Clock>) -> Self {
        let interval = 1.0 / per_second.max(0.001);
        let burst = burst.max(1.0);
        RateLimiter {
            interval: Duration::try_from_secs_f64(interval).unwrap_or(Duration::MAX),
            tolerance: Duration::try_from_secs_f64(interval * (burst - 1.0))
                .unwrap_or(Duration::MAX),
            clock,
            schedule: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` if `key` may make a request now, else whole seconds to wait.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = self.clock.now();
        let Ok(mut schedule) = self.schedule.lock() else {
            return Ok(());
        };
        if schedule.len() > MAX_TRACKED {
            schedule.retain(|_, due| *due > now);
        }
        let due = schedule.get(key).map_or(now, |due| (*due).max(now));
        // `now + tolerance` overflows only for absurd limits: no limit then.
        let Some(horizon) = now.checked_add(self.tolerance) else {
            return Ok(());
        };
        if due <= horizon {
            schedule.insert(
                key.to_owned(),
                due.checked_add(self.interval).unwrap_or(due),
            );
            Ok(())
        } else {
            let wait = due - horizon;
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Err(seconds.max(1))
        }
    }
}

/// Middleware: one bucket per verified principal, else per client address.
///
/// A token gets its own bucket only once it has been verified: keying by
/// whatever `Authorization` header arrives would give each made-up token a
/// fresh bucket and bypass the per-address limit. The verified principal
/// is handed on to the extractors, so the token is looked up once.
pub async fn rate_limit(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let verified = match bearer(request.headers()) {
        Some(token) => verify(&state, token).await.ok().flatten(),
        None => None,
    };
    let address = client_address(&request, &state.options.trusted_proxies);
    request.extensions_mut().insert(ClientAddress(address));
    let key = match verified {
        Some(principal) => {
            let key = format!("principal:{}", principal.name());
            request.extensions_mut().insert(Verified(principal));
            key
        }
        None => match address {
            Some(ip) => format!("ip:{ip}"),
            None => "anonymous".to_owned(),
        },
    };
    match state.rate.check(&key) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => ApiError::RateLimited { retry_after }.into_response(),
    }
}

/// The client's address as [`client_address`] found it, for handlers
/// (set by [`rate_limit`] on every `/api` request).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

/// Password attempts that fail, counted per (client address, account).
///
/// A fixed number of free failures, then each further failure makes that
/// address wait twice as long as the last (1 s, 2 s, 4 s, ... up to
/// [`LoginThrottle::MAX_DELAY`]) before its next attempt on that account.
/// Keyed by the pair, so a guesser slows itself down without locking the
/// account's owner out: the right password from another address still
/// works at once. A success from an address forgets its failures; so does
/// an hour without one.
pub struct LoginThrottle {
    clock: Arc<dyn Clock>,
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    /// No attempt from this address on this account before then.
    blocked_until: Instant,
}

impl LoginThrottle {
    /// Failures allowed before the first delay (typos, a forgotten caps lock).
    pub const FREE_FAILURES: u32 = 5;
    /// The longest wait between two attempts: 15 minutes.
    pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
    /// Failures are forgotten after this long without another.
    pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

    pub fn new(clock: Arc<dyn Clock>) -> Self {
        LoginThrottle {
            clock,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The key of an attempt: usernames are case-insensitive.
    pub fn key(address: Option<IpAddr>, username: &str) -> String {
        let address = address.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        format!(
            "{address} {}",
            crate::accounts::normalize_username(username)
        )
    }

    /// `Ok` if an attempt may be made now, else whole seconds to wait.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = self.clock.now();
        let Ok(failures) = self.failures.lock() else {
            return Ok(());
        };
        match failures.get(key) {
            Some(entry) if entry.blocked_until > now => {
                let wait = entry.blocked_until - now;
                Err((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1))
            }
            _ => Ok(()),
        }
    }

    /// A wrong password: the next attempt may have to wait.
    pub fn failed(&self, key: &str) {
        let now = self.clock.now();
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() > MAX_TRACKED {
            failures
                .retain(|_, entry| now.saturating_duration_since(entry.last) < Self::FORGET_AFTER);
        }
        let entry = failures.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            last: now,
            blocked_until: now,
        });
        if now.saturating_duration_since(entry.last) >= Self::FORGET_AFTER {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
        if entry.count > Self::FREE_FAILURES {
            let doublings = (entry.count - Self::FREE_FAILURES - 1).min(20);
            let delay = Duration::from_secs(1u64 << doublings).min(Self::MAX_DELAY);
            entry.blocked_until = now + delay;
        }
    }

    /// The right password: this address starts afresh on this account.
    pub fn succeeded(&self, key: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(key);
        }
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy,
/// the last address in `X-Forwarded-For` that is not itself a trusted proxy
/// (entries further left were written by the client and prove nothing).
pub fn client_address(request: &Request, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let headers = request.headers().get_all("x-forwarded-for");
    let entries: Vec<&str> = headers
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    for entry in entries.iter().rev() {
        let parsed = entry
            .parse::<IpAddr>()
            .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()));
        match parsed {
            Ok(ip) if trusted_proxies.contains(&ip) => continue,
            Ok(ip) => return Some(ip),
            // Garbage where an address should be: trust nothing beyond it.
            Err(_) => break,
        }
    }
    Some(peer)
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

    /// Issue 12, smaller items: guessing slows the guesser down, doubling
    /// up to 15 minutes, and never locks out another address.
    #[test]
    fn login_throttle_doubles_per_address_and_account() {
        let clock = Arc::new(ManualClock::new());
        let throttle = LoginThrottle::new(clock.clone());
        let guesser = LoginThrottle::key(Some([10, 0, 0, 1].into()), "Ana");
        let owner = LoginThrottle::key(Some([10, 0, 0, 2].into()), "ana");
        assert_eq!(
            guesser,
            LoginThrottle::key(Some([10, 0, 0, 1].into()), " ANA ")
        );
        for _ in 0..LoginThrottle::FREE_FAILURES {
            assert_eq!(throttle.check(&guesser), Ok(()));
            throttle.failed(&guesser);
        }
        assert_eq!(throttle.check(&guesser), Ok(()));
        let mut expected = 1;
        for _ in 0..12 {
            throttle.failed(&guesser);
            assert_eq!(throttle.check(&guesser), Err(expected));
            assert_eq!(
                throttle.check(&owner),
                Ok(()),
                "another address is not slowed"
            );
            clock.advance(Duration::from_secs(expected - 1));
            assert_eq!(throttle.check(&guesser), Err(1));
            clock.advance(Duration::from_secs(1));
            assert_eq!(throttle.check(&guesser), Ok(()));
            expected = (expected * 2).min(LoginThrottle::MAX_DELAY.as_secs());
        }
        assert_eq!(expected, 900, "capped at 15 minutes");
        // Success from that address starts it afresh.
        throttle.failed(&guesser);
        throttle.succeeded(&guesser);
        assert_eq!(throttle.check(&guesser), Ok(()));
    }

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
        // The console built afterwards (its own document): followed too.
        std::fs::create_dir(dir.path().join("console")).expect("console dir");
        std::fs::write(
            dir.path().join("console/index.html"),
            "<script type=\"module\">console()</script>",
        )
        .expect("write the console's index");
        let both = csp.current();
        let both = both.to_str().unwrap_or_default();
        assert!(both.contains(&base64_sha256("new()")), "{both}");
        assert!(both.contains(&base64_sha256("console()")), "{both}");
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
        // The console's own document is allowed too.
        std::fs::create_dir(dir.path().join("console")).expect("console dir");
        std::fs::write(
            dir.path().join("console/index.html"),
            "<script type=\"module\">console()</script>",
        )
        .expect("write");
        let csp = content_security_policy(dir.path());
        assert!(csp.contains(&base64_sha256("alert(1)")), "{csp}");
        assert!(csp.contains(&base64_sha256("console()")), "{csp}");
    }

    #[test]
    fn buckets_refill_and_limit() {
        let clock = Arc::new(ManualClock::new());
        let limiter = RateLimiter::with_clock(1.0, 2.0, clock.clone());
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert_eq!(limiter.check("a"), Err(1));
        assert!(limiter.check("b").is_ok(), "buckets are per key");
        // Half a token back: still refused, and told to wait the rest.
        clock.advance(Duration::from_millis(500));
        assert_eq!(limiter.check("a"), Err(1));
        // A whole token back: exactly one request more.
        clock.advance(Duration::from_millis(500));
        assert!(limiter.check("a").is_ok());
        assert_eq!(limiter.check("a"), Err(1));
        // A long pause refills only up to the burst.
        clock.advance(Duration::from_secs(3600));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert_eq!(limiter.check("a"), Err(1));
    }

    #[test]
    fn slow_refills_say_how_long_to_wait() {
        // One request every 4 s (exact in binary, so the waits are exact).
        let clock = Arc::new(ManualClock::new());
        let limiter = RateLimiter::with_clock(0.25, 1.0, clock.clone());
        assert!(limiter.check("a").is_ok());
        assert_eq!(limiter.check("a"), Err(4));
        clock.advance(Duration::from_secs(1));
        assert_eq!(limiter.check("a"), Err(3));
        clock.advance(Duration::from_secs(3));
        assert!(limiter.check("a").is_ok());
        assert_eq!(limiter.check("a"), Err(4));
    }
}
