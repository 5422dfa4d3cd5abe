//! Where the server listens and keeps its data, and its limits.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Everything `fieldform serve` needs; flags and environment variables fill it in.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// Holds the SQLite database (unless `database_url` points elsewhere).
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; `None` means `<data_dir>/fieldform.db`.
    pub database_url: Option<String>,
    /// Form files (`*.form.json`) published at start.
    pub forms_dir: Option<PathBuf>,
    /// The release build of the app, served at `/`.
    pub app_dir: PathBuf,
}

impl Config {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("fieldform.db").display()),
        }
    }
}

/// Limits and settings with sensible defaults (kept apart from [`Config`]
/// so that adding one does not touch every caller that builds a `Config`).
#[derive(Debug, Clone)]
pub struct Options {
    /// Most submissions accepted in one `POST /api/submissions/batch`.
    pub max_batch: usize,
    /// Largest request body; bigger requests get 413 `payload_too_large`.
    pub max_body_bytes: usize,
    /// A request taking longer is answered 408.
    pub request_timeout: Duration,
    /// Requests per second allowed per verified token (else per client address).
    pub rate_per_second: f64,
    /// Requests allowed in a burst above that rate.
    pub rate_burst: f64,
    /// The address devices reach the server at (e.g. `https://survey.example.org`),
    /// used in provisioning links; `None`: taken from the request's `Host`,
    /// but only for requests from loopback (anyone else could name any host).
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client: requests
    /// from these addresses are rate limited by the address they forward
    /// for; the header is ignored from anyone else (it is trivial to forge).
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_batch: 50,
            // A batch of 50 long household interviews stays well below this,
            // and so do the shipped form definitions.
            max_body_bytes: 8 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            // Generous: a device syncs in a few requests; this is against
            // runaway clients and password guessing, not normal use.
            rate_per_second: 20.0,
            rate_burst: 200.0,
            public_url: None,
            trusted_proxies: Vec::new(),
        }
    }
}
