//! Serving the app's release build: hashed assets are immutable, while
//! `index.html` and the service worker must never be cached, or devices
//! would keep running an old app. A missing file is 404: only navigation
//! paths (no file extension) fall back to `index.html`, so a stale page
//! asking for an old hashed asset gets an error rather than HTML cached
//! for a year under the asset's name. The build holds two documents: the
//! enumerator's app at `/` and the coordinators' console, its own build in
//! `console/`, at `/console/` (navigation below it falls back to the
//! console's `index.html`, never the enumerator's).

use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::Html;
use axum::routing::{MethodRouter, get};
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

pub fn service(app_dir: &Path) -> MethodRouter {
    if !app_dir.join("index.html").is_file() {
        let msg = format!(
            "<!doctype html><title>Fieldform</title><p>The app is not built: no index.html in \
             <code>{}</code>. Run <code>cargo xtask serve</code>.</p>",
            app_dir.display()
        );
        return get(move || async move { Html(msg) });
    }
    let files = ServeDir::new(app_dir);
    // `cargo xtask build-app` writes `.br` and `.gz` beside each hashed
    // asset; the smallest one the browser accepts is sent. Only for those:
    // their name changes with their content, so a sibling cannot be stale,
    // while an edited `sw.js` or `index.html` must never be answered from
    // an older copy (a deployment would then never reach the devices).
    let compressed = ServeDir::new(app_dir)
        .precompressed_br()
        .precompressed_gzip();
    let pages = files
        .clone()
        .fallback(ServeFile::new(app_dir.join("index.html")));
    let console_pages = files
        .clone()
        .fallback(ServeFile::new(app_dir.join("console").join("index.html")));
    get(move |req: Request<Body>| async move {
        let path = req.uri().path().to_owned();
        let served = if is_hashed_asset(&path) {
            compressed.oneshot(req).await
        } else if !is_navigation(&path) {
            files.oneshot(req).await
        } else if is_console(&path) {
            console_pages.oneshot(req).await
        } else {
            pages.oneshot(req).await
        };
        let mut response = match served {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        };
        let status = response.status();
        let cache = if is_hashed_asset(&path)
            && (status.is_success() || status == StatusCode::NOT_MODIFIED)
        {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        Ok::<Response<Body>, std::convert::Infallible>(response)
    })
}

/// A path the app routes itself (its last segment has no extension), as
/// opposed to a file that either exists or does not.
fn is_navigation(path: &str) -> bool {
    !path.rsplit('/').next().unwrap_or("").contains('.')
}

/// A path in the console's document (`/console`, `/console/…`).
fn is_console(path: &str) -> bool {
    path.strip_prefix("/console")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Trunk names build outputs `name-<hex hash>.ext` (and `name-<hash>_bg.wasm`).
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::{is_console, is_hashed_asset, is_navigation};

    #[test]
    fn only_paths_without_an_extension_are_navigation() {
        assert!(is_navigation("/"));
        assert!(is_navigation("/forms/household"));
        assert!(is_navigation("/v1.2/forms"));
        assert!(!is_navigation("/fieldform-app-deadbeef.js"));
        assert!(!is_navigation("/icons/icon-192.png"));
    }

    #[test]
    fn the_console_is_its_own_path() {
        assert!(is_console("/console"));
        assert!(is_console("/console/"));
        assert!(is_console("/console/devices"));
        assert!(!is_console("/consoles"));
        assert!(!is_console("/"));
        assert!(!is_console("/forms/console"));
    }

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/fieldform-app-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/fieldform-app-1a2b3c4d5e6f7a8b.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/sw.js"));
    }
}
