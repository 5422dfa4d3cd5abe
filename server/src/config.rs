//! Where the server listens and keeps its data.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything `fieldform serve` needs; flags and environment variables fill it in.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// Holds the SQLite database (unless `database_url` points elsewhere).
    pub data_dir: PathBuf,
    /// `sqlite://...`; `None` means `<data_dir>/fieldform.db`.
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
