//! The app's release build over real HTTP: pages fall back to
//! `index.html` (no-cache), existing hashed assets are immutable, and a
//! missing file is 404, never `index.html` cached for a year under an
//! asset's name. The console is its own document under `/console/`.

use std::path::Path;

use fieldform_server::config::{Config, Options};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const INDEX: &str = "<!doctype html><title>Fieldform</title><p>the app</p>";
const ASSET: &str = "console.log('the app');";
const CONSOLE_INDEX: &str = "<!doctype html><title>Fieldform console</title><p>the console</p>";
const CONSOLE_ASSET: &str = "console.log('the console');";
// What `cargo xtask build-app` writes beside each file (here markers: the
// server sends the bytes as they are, with their encoding named).
const ASSET_GZ: &str = "gzip bytes of the asset";
const ASSET_BR: &str = "brotli bytes of the asset";
// Left beside files that are not hashed (an older build's, or an edit
// after the build): never sent.
const STALE: &str = "an older copy";

/// Status, headers (names lowercased) and body of a plain HTTP/1.1 GET.
async fn get(addr: &str, path: &str) -> (u16, Vec<(String, String)>, String) {
    get_accepting(addr, path, None).await
}

/// The same, with an `Accept-Encoding` header.
async fn get_accepting(
    addr: &str,
    path: &str,
    encodings: Option<&str>,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to the test server");
    let accept = encodings
        .map(|e| format!("Accept-Encoding: {e}\r\n"))
        .unwrap_or_default();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{accept}Connection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send the request");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .expect("read the response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("a response head ending in a blank line");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn write_build(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the app directory");
    std::fs::write(dir.join("index.html"), INDEX).expect("write index.html");
    std::fs::write(dir.join("fieldform-app-1a2b3c4d5e6f7a8b.js"), ASSET).expect("write an asset");
    std::fs::write(dir.join("fieldform-app-1a2b3c4d5e6f7a8b.js.gz"), ASSET_GZ).expect("write .gz");
    std::fs::write(dir.join("fieldform-app-1a2b3c4d5e6f7a8b.js.br"), ASSET_BR).expect("write .br");
    for stale in ["index.html.br", "index.html.gz", "sw.js.br", "sw.js.gz"] {
        std::fs::write(dir.join(stale), STALE).expect("write a stale copy");
    }
    std::fs::write(
        dir.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .expect("write sw.js");
    let console = dir.join("console");
    std::fs::create_dir_all(&console).expect("create the console's directory");
    std::fs::write(console.join("index.html"), CONSOLE_INDEX).expect("write the console's index");
    std::fs::write(
        console.join("fieldform-console-0a1b2c3d4e5f6a7b.js"),
        CONSOLE_ASSET,
    )
    .expect("write a console asset");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_files_are_404_and_pages_fall_back_to_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app_dir = dir.path().join("dist");
    write_build(&app_dir);
    let config = Config {
        addr: "127.0.0.1:0".parse().expect("address"),
        data_dir: dir.path().join("data"),
        // An explicit SQLite file: a DATABASE_URL in the environment is not read here.
        database_url: Some(format!(
            "sqlite://{}",
            dir.path().join("fieldform.db").display()
        )),
        forms_dir: None,
        app_dir,
    };
    let server = fieldform_server::start_with(config, Options::default())
        .await
        .expect("start the server");
    let addr = server.addr.to_string();

    // Navigation paths: the app's index, never cached.
    for path in ["/", "/forms/household", "/responses/abc"] {
        let (status, headers, body) = get(&addr, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, INDEX, "{path}");
        assert_eq!(header(&headers, "cache-control"), "no-cache", "{path}");
    }

    // The console's document, for its navigation paths; `/console` is
    // sent to `/console/` (relative fragments stay in the console).
    for path in ["/console/", "/console/devices", "/console/index.html"] {
        let (status, headers, body) = get(&addr, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, CONSOLE_INDEX, "{path}");
        assert_eq!(header(&headers, "cache-control"), "no-cache", "{path}");
    }
    let (status, headers, _) = get(&addr, "/console").await;
    assert!((300..400).contains(&status), "/console: {status}");
    assert_eq!(header(&headers, "location"), "/console/");
    let (status, headers, body) =
        get(&addr, "/console/fieldform-console-0a1b2c3d4e5f6a7b.js").await;
    assert_eq!(status, 200);
    assert_eq!(body, CONSOLE_ASSET);
    assert_eq!(
        header(&headers, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let (status, _, body) = get(&addr, "/console/fieldform-console-deadbeefdeadbeef.js").await;
    assert_eq!(status, 404, "{body}");

    // An existing hashed asset: itself, for a year.
    let (status, headers, body) = get(&addr, "/fieldform-app-1a2b3c4d5e6f7a8b.js").await;
    assert_eq!(status, 200);
    assert_eq!(body, ASSET);
    assert_eq!(
        header(&headers, "cache-control"),
        "public, max-age=31536000, immutable"
    );

    // Precompressed: the smallest encoding the browser accepts, named.
    let asset = "/fieldform-app-1a2b3c4d5e6f7a8b.js";
    for (accepts, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), "br", ASSET_BR),
        (Some("gzip"), "gzip", ASSET_GZ),
        (Some("identity"), "", ASSET),
        (None, "", ASSET),
    ] {
        let (status, headers, got) = get_accepting(&addr, asset, accepts).await;
        assert_eq!(status, 200, "{accepts:?}");
        assert_eq!(got, body, "{accepts:?}");
        assert_eq!(
            header(&headers, "content-encoding"),
            encoding,
            "{accepts:?}"
        );
        assert_eq!(
            header(&headers, "cache-control"),
            "public, max-age=31536000, immutable"
        );
    }
    // Unhashed files are always sent as they are: a copy beside them may
    // be older (a deployment that edits sw.js must reach the devices).
    for path in ["/forms/household", "/index.html", "/sw.js"] {
        let (status, headers, got) =
            get_accepting(&addr, path, Some("gzip, deflate, br, zstd")).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&headers, "content-encoding"), "", "{path}");
        assert_ne!(got, STALE, "{path}");
    }

    // The service worker: itself, never cached.
    let (status, headers, _) = get(&addr, "/sw.js").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "cache-control"), "no-cache");

    // Missing files: 404, neither the index nor immutable.
    for path in [
        "/fieldform-app-deadbeef.js",
        "/fieldform-app-deadbeefdeadbeef_bg.wasm",
        "/missing.css",
        "/icons/none.png",
    ] {
        let (status, headers, body) = get(&addr, path).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains(INDEX), "{path} answered with index.html");
        assert_eq!(header(&headers, "cache-control"), "no-cache", "{path}");
    }

    server.shutdown().await.expect("stop the server");
}
