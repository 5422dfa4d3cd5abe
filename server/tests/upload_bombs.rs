//! Spreadsheet bombs uploaded to `POST /api/forms` (issue 12): each is
//! refused with a located 422 within seconds, the server keeps serving, and
//! a real workbook still publishes. The bombs are generated here
//! (`fieldform_xlsform::bombs`), never committed. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::{Backend, TestApp, TestServer};
use fieldform_server::config::Options;
use fieldform_server::store::Role;
use fieldform_xlsform::bombs;
use serde_json::Value;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ODS: &str = "application/vnd.oasis.opendocument.spreadsheet";
const XLS: &str = "application/vnd.ms-excel";

/// How long a refusal may take, generously for a debug build on a busy machine.
const QUICKLY: Duration = Duration::from_secs(5);

/// The server with a coordinator signed in; shared with concurrent tasks.
async fn app(backend: Backend) -> Arc<TestApp> {
    let options = Options {
        rate_per_second: 10_000.0,
        rate_burst: 10_000.0,
        ..Options::default()
    };
    let server = TestServer::start(backend, options).await;
    Arc::new(TestApp::with_users(server, &[Role::Coordinator]).await)
}

impl TestApp {
    async fn upload(&self, content_type: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let (status, _, body) = self
            .raw(
                Method::POST,
                "/api/forms",
                Some(&self.coordinator),
                content_type,
                bytes,
            )
            .await;
        (status, body)
    }

    /// Uploads `bomb` and checks it is refused, quickly, with `expected` in
    /// the message; then that the server still answers.
    async fn refuses(&self, what: &str, content_type: &str, bomb: Vec<u8>, expected: &str) {
        let started = Instant::now();
        let (status, body) = self.upload(content_type, bomb).await;
        let took = started.elapsed();
        eprintln!("{what}: {status} in {took:?}");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(body["error"]["code"], "invalid_form", "{what}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{what}: {message}");
        assert!(took < QUICKLY, "{what} took {took:?}");
        let (status, _, _) = self
            .raw(
                Method::GET,
                "/api/forms",
                None,
                "application/json",
                Body::empty(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "after {what}");
    }
}

async fn every_bomb_is_refused_and_the_server_keeps_serving(backend: Backend) {
    let app = app(backend).await;
    app.refuses(
        "A1 and XFD1048576",
        XLSX,
        bombs::xlsx_far_cells(),
        "sheet `survey`: the used range A1:XFD1048576 is too large",
    )
    .await;
    // About 6.5 MB (under the 8 MiB body limit) inflating to 1 GiB, once
    // declared honestly and once behind a header claiming 1 KB.
    let inflates = "the workbook inflates to more than 67,108,864 bytes";
    let bomb = bombs::zip_bomb("xl/worksheets/sheet1.xml", 1 << 30, 1 << 30);
    assert!(bomb.len() < 8 << 20, "{} bytes", bomb.len());
    app.refuses("deflate bomb", XLSX, bomb, inflates).await;
    let bomb = bombs::zip_bomb("xl/sharedStrings.xml", 1024, 1 << 30);
    app.refuses("lying deflate bomb", XLSX, bomb, inflates)
        .await;
    app.refuses(
        "ods number-columns-repeated=100000000",
        ODS,
        bombs::ods_repeated(100_000_000, 1),
        "sheet `survey`: the used range A1:HJUNYV1 is too large",
    )
    .await;
    app.refuses(
        "ods number-rows-repeated=100000000",
        ODS,
        bombs::ods_repeated(1, 100_000_000),
        "sheet `survey`: the used range A1:A100000000 is too large",
    )
    .await;
    app.refuses(
        "xls cells at A1 and IV65536",
        XLS,
        bombs::xls_far_cells(),
        "sheet `survey`: the used range A1:IV65536 is too large",
    )
    .await;
    app.refuses(
        // The declared grid is shrunk to the one real cell before calamine
        // reads it, so the file is harmless: an ordinary form error.
        "xls DIMENSIONS of 4 billion rows",
        XLS,
        bombs::xls_dimensions(),
        "survey: no `type` column",
    )
    .await;
    app.refuses(
        "xls sector chain loop",
        XLS,
        bombs::xls_chain_loop(),
        "the .xls file is damaged: a sector chain loops",
    )
    .await;

    // Many at once: each waits for one of the few parse permits, none
    // takes the server down.
    let started = Instant::now();
    let mut uploads = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (kind, bomb) = if i % 2 == 0 {
            (XLSX, bombs::xlsx_far_cells())
        } else {
            (ODS, bombs::ods_repeated(100_000_000, 1))
        };
        let app = app.clone();
        uploads.spawn(async move { app.upload(kind, bomb).await });
    }
    while let Some(result) = uploads.join_next().await {
        let (status, body) = result.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let took = started.elapsed();
    eprintln!("8 concurrent bombs refused in {took:?}");
    assert!(took < QUICKLY * 2, "{took:?}");

    let workbook = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../forms/ssc_annual_report.xlsx"),
    )
    .unwrap();
    let (status, body) = app.upload(XLSX, workbook).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a real workbook after the bombs: {body}"
    );
}

on_both_backends!(every_bomb_is_refused_and_the_server_keeps_serving);
