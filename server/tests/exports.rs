//! Issue 13, exports: `GET /api/forms/{id}/export` on a shipped form
//! (`ggs_household`) with submissions sent through the API, a correction
//! and reviews; every format read back, the filters, who may export, a
//! failure mid-way, a large export that streams, and `fieldform export`.
//! On SQLite and on PostgreSQL (see `api.rs` for
//! `FIELDFORM_TEST_DATABASE_URL`).

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::io::Cursor;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use calamine::{Reader, Xlsx};
use common::{Backend, TestApp, TestServer, unzip};
use fieldform_server::config::Options;
use fieldform_server::store::{NewSubmission, Role, SharedStore};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const FORM: &str = "ggs_household";
const VERSION: &str = "2026.1";
/// The corrected response (two revisions) and the approved one, from the
/// export crate's fixtures.
const CORRECTED: &str = "0195a1b2-0000-7000-8000-00000000000a";
const APPROVED: &str = "0195a1b2-0000-7000-8000-00000000000b";

fn form_file() -> Value {
    let text = std::fs::read_to_string(common::forms(&format!("{FORM}.form.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The export crate's fixture records of the shipped form.
fn fixtures() -> Vec<Value> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../export/tests/fixtures/ggs_household.records.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fixture(instance_id: &str, revision: u64) -> Value {
    fixtures()
        .into_iter()
        .find(|r| r["instance_id"] == instance_id && r["revision"] == revision)
        .unwrap()
}

/// A submission of a fixture record as a device sends it. The fixtures'
/// household numbers (`MD-0412`) are not the six digits the form checks.
fn submission(record: &Value) -> Value {
    let mut meta = record["meta"].clone();
    meta.as_object_mut().unwrap().remove("instance_name");
    let mut answers = record["answers"].clone();
    let hh_id = answers["intro"]["hh_id"]
        .as_str()
        .unwrap()
        .replace("MD-", "10");
    answers["intro"]["hh_id"] = json!(hh_id);
    json!({
        "instance_id": record["instance_id"],
        "form_id": FORM,
        "form_version": VERSION,
        "meta": meta,
        "answers": answers,
    })
}

/// A server with the shipped form published, a coordinator, an
/// enumerator and a device token; no submissions.
async fn empty_app(backend: Backend) -> TestApp {
    let options = Options {
        request_timeout: Duration::from_secs(60),
        rate_per_second: 10_000.0,
        rate_burst: 10_000.0,
        public_url: Some("https://survey.example.org".into()),
        ..Options::default()
    };
    let server = TestServer::start(backend, options).await;
    let mut app = TestApp::with_users(server, &[Role::Coordinator, Role::Enumerator]).await;
    app.publish(&app.coordinator, form_file()).await;
    app.device = app
        .device_token(&app.coordinator, "tablet 7", &[FORM])
        .await;
    app
}

/// Sets when a revision was received (the server's clock is now; the
/// filters need days apart).
async fn set_received(app: &TestApp, instance_id: &str, revision: i64, at: &str) {
    let millis = match fieldform_engine::expr::date::parse_iso(at, 0).unwrap() {
        fieldform_engine::expr::date::Parsed::DateTime { millis, .. } => millis,
        other => panic!("{other:?}"),
    };
    let sql = "UPDATE submissions SET received_at = $1 WHERE instance_id = $2 AND revision = $3";
    app.execute(sql, |q| {
        q.bind(millis).bind(instance_id.to_owned()).bind(revision)
    })
    .await;
}

/// The fixtures sent through the API: the corrected response's first
/// revision (reviewed `has_issues`), its correction (not reviewed again),
/// and a response reviewed `approved`; then their times as in the fixtures.
async fn app(backend: Backend) -> TestApp {
    let app = empty_app(backend).await;
    let (enumerator, coord) = (app.enumerator.clone(), app.coordinator.clone());
    for record in [fixture(CORRECTED, 1), fixture(APPROVED, 1)] {
        let (status, body) = app
            .call_as(
                Method::POST,
                "/api/submissions",
                &enumerator,
                Some(submission(&record)),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    for (id, status, comment) in [
        (CORRECTED, "has_issues", "check the birth year"),
        (APPROVED, "approved", ""),
    ] {
        let (code, body) = app
            .call_as(
                Method::POST,
                &format!("/api/submissions/{id}/reviews"),
                &coord,
                Some(json!({ "status": status, "comment": comment })),
            )
            .await;
        assert_eq!(code, StatusCode::CREATED, "{body}");
    }
    let mut correction = submission(&fixture(CORRECTED, 2));
    correction["corrects"] = json!(CORRECTED);
    let (status, body) = app
        .call_as(
            Method::POST,
            "/api/submissions",
            &enumerator,
            Some(correction),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "corrected", "{body}");
    set_received(&app, CORRECTED, 1, "2026-03-02T08:10:12.345Z").await;
    set_received(&app, APPROVED, 1, "2026-03-02T10:15:00.000Z").await;
    set_received(&app, CORRECTED, 2, "2026-03-03T09:00:00.000Z").await;
    app
}

impl TestApp {
    fn export_request(&self, query: &str, token: Option<&str>) -> Request<Body> {
        let mut builder = Request::builder()
            .method(Method::GET)
            .uri(format!("/api/forms/{FORM}/export?{query}"));
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        builder.body(Body::empty()).unwrap()
    }

    /// A coordinator's export: the status, headers and whole body.
    async fn export(&self, query: &str) -> (StatusCode, HeaderMap, Bytes) {
        self.send_bytes(self.export_request(query, Some(&self.coordinator)))
            .await
    }

    /// A coordinator's CSV export, unzipped; asserts it succeeded.
    async fn csv(&self, query: &str) -> Vec<(String, String)> {
        let (status, _, body) = self.export(&format!("format=csv&{query}")).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        unzip(&body)
    }
}

/// The rows of a CSV text (header first).
fn rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// `column` of every data row of a CSV table.
fn column(text: &str, column: &str) -> Vec<String> {
    let rows = rows(text);
    let at = rows[0].iter().position(|c| c == column).unwrap();
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

fn key(id: &str) -> String {
    format!("uuid:{id}")
}

async fn every_format(backend: Backend) {
    let app = app(backend).await;

    // The CSV zip: ODK Central's tables and the codebook.
    let (status, headers, body) = app.export("format=csv").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{FORM}-{VERSION}-"))
            && disposition.ends_with(".zip\""),
        "{disposition}"
    );
    assert_eq!(headers["x-fieldform-total"], "2");
    let files = unzip(&body);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "ggs_household.csv",
            "ggs_household-hh_member.csv",
            "ggs_household-child.csv",
            "ggs_household-codebook.csv",
            "ggs_household-choices.csv",
        ]
    );
    // In the order stored: the correction came last.
    let main = &files[0].1;
    assert_eq!(column(main, "KEY"), [key(APPROVED), key(CORRECTED)]);
    assert_eq!(
        column(main, "SubmissionDate"),
        ["2026-03-02T10:15:00.000Z", "2026-03-03T09:00:00.000Z"]
    );
    // The correction is not reviewed again: Central's `edited`.
    assert_eq!(column(main, "ReviewState"), ["approved", "edited"]);
    assert_eq!(column(main, "Edits"), ["0", "1"]);
    assert_eq!(column(main, "SubmitterID"), ["user:enum", "user:enum"]);
    assert_eq!(column(main, "DeviceID"), ["tab-07", "tab-07"]);
    assert_eq!(column(main, "FormVersion"), [VERSION, VERSION]);
    // The correction's answers, not the first revision's.
    let respondent = |id: &str, revision| {
        fixture(id, revision)["answers"]["respondent"]["resp_birth_year"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(
        column(main, "respondent-resp_birth_year"),
        [String::new(), respondent(CORRECTED, 2)]
    );
    // Repeat rows point at their response.
    let members = &files[1].1;
    let parents = column(members, "PARENT_KEY");
    assert!(!parents.is_empty());
    assert!(parents.iter().all(|p| *p == key(CORRECTED)), "{parents:?}");
    assert_eq!(
        parents.len(),
        fixture(CORRECTED, 2)["answers"]["household"]["hh_member"]
            .as_array()
            .unwrap()
            .len()
    );
    assert!(
        files[3]
            .1
            .starts_with("table,column,field,type,list_name,value,label::")
    );

    // XLSX: the same tables as sheets, and the codebook.
    let (status, headers, body) = app.export("format=xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).unwrap();
    let sheets = workbook.sheet_names();
    assert_eq!(sheets[0], "ggs_household");
    assert!(sheets.contains(&"codebook".to_owned()), "{sheets:?}");
    let range = workbook.worksheet_range("ggs_household").unwrap();
    assert_eq!(range.height(), 3, "a header and two responses");
    let header_row: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let key_at = header_row.iter().position(|c| c == "KEY").unwrap();
    let keys: Vec<String> = range
        .rows()
        .skip(1)
        .map(|r| r[key_at].to_string())
        .collect();
    assert_eq!(keys, [key(APPROVED), key(CORRECTED)]);

    // JSON: the response trees.
    let (status, headers, body) = app.export("format=json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let entries: Vec<Value> = serde_json::from_slice(&body).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["instance_id"], CORRECTED);
    assert_eq!(entries[1]["revision"], 2);
    assert_eq!(entries[1]["form_id"], FORM);
    assert_eq!(entries[1]["received_at"], "2026-03-03T09:00:00.000Z");
    assert_eq!(entries[0]["review_status"], "approved");
    assert_eq!(entries[0]["meta"]["device"], "tab-07");

    // NDJSON: one per line.
    let (status, headers, body) = app.export("format=ndjson&superseded=true").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/x-ndjson");
    assert_eq!(headers["x-fieldform-total"], "3");
    let lines: Vec<Value> = String::from_utf8(body.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let revisions: Vec<(&str, i64, bool, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["instance_id"].as_str().unwrap(),
                l["revision"].as_i64().unwrap(),
                l["superseded"].as_bool().unwrap(),
                l["review_status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        revisions,
        [
            (CORRECTED, 1, true, "has_issues"),
            (APPROVED, 1, false, "approved"),
            (CORRECTED, 2, false, "received"),
        ]
    );

    // The codebook alone.
    let (status, headers, body) = app.export("format=codebook").await;
    assert_eq!(status, StatusCode::OK);
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.ends_with("-codebook.zip\""), "{disposition}");
    let files = unzip(&body);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["ggs_household-codebook.csv", "ggs_household-choices.csv"]
    );
    assert!(
        files[1].1.starts_with("list_name,value,label::"),
        "{}",
        &files[1].1[..80]
    );

    // Each export is in the audit log: who took which data out.
    let audit = app.store.list_audit(100).await.unwrap();
    let exports: Vec<&str> = audit
        .iter()
        .filter(|e| e.action == "form.export")
        .map(|e| {
            assert_eq!(e.actor, "user:coord");
            assert_eq!(e.target, format!("form:{FORM}@{VERSION}"));
            e.details["format"].as_str().unwrap()
        })
        .collect();
    assert_eq!(exports, ["codebook", "ndjson", "json", "xlsx", "csv"]);

    // Labels in Romanian, split select_multiple columns, no codebook.
    let files = app
        .csv("values=labels&lang=ro&select_multiple=split&codebook=false")
        .await;
    assert_eq!(files.len(), 3, "no codebook");
    let main = &files[0].1;
    let sex = column(main, "respondent-resp_sex");
    assert_ne!(sex[1], "female", "a label, not the code");
    assert!(!sex[1].is_empty());
    assert!(
        rows(main)[0]
            .iter()
            .any(|c| c == "fertility-fert_factors/finances"),
        "split columns"
    );
}

async fn filters(backend: Backend) {
    let app = app(backend).await;
    let keys = |files: &[(String, String)]| column(&files[0].1, "KEY");

    // Dates: `to` takes the whole day, `from` is inclusive.
    let files = app.csv("to=2026-03-02").await;
    assert_eq!(keys(&files), [key(APPROVED)]);
    let files = app.csv("from=2026-03-03").await;
    assert_eq!(keys(&files), [key(CORRECTED)]);
    let files = app
        .csv("from=2026-03-02T10:15:00Z&to=2026-03-02T10:15:00.001Z")
        .await;
    assert_eq!(keys(&files), [key(APPROVED)]);
    let files = app.csv("from=2026-03-04").await;
    assert_eq!(rows(&files[0].1).len(), 1, "only the header");

    // Superseded revisions: with their own key and the `Superseded` column.
    let files = app.csv("superseded=true&to=2026-03-02").await;
    assert_eq!(
        keys(&files),
        [format!("uuid:{CORRECTED}@rev1"), key(APPROVED)]
    );
    assert_eq!(column(&files[0].1, "Superseded"), ["1", "0"]);

    // Review status: of each revision (a correction is unreviewed).
    let files = app.csv("review=approved").await;
    assert_eq!(keys(&files), [key(APPROVED)]);
    let files = app.csv("review=received").await;
    assert_eq!(keys(&files), [key(CORRECTED)]);
    let files = app.csv("review=has_issues").await;
    assert_eq!(
        rows(&files[0].1).len(),
        1,
        "the has_issues revision was corrected"
    );
    let files = app.csv("review=has_issues,approved&superseded=true").await;
    assert_eq!(
        keys(&files),
        [format!("uuid:{CORRECTED}@rev1"), key(APPROVED)]
    );
    let (status, headers, _) = app
        .export("review=has_issues,approved&superseded=true")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-fieldform-total"], "2");

    // The version picks the columns; an unknown one is 404.
    let (status, headers, _) = app.export(&format!("version={VERSION}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-fieldform-total"], "2");
    let (status, _, body) = app.export("version=2099.1").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "{}",
        String::from_utf8_lossy(&body)
    );
}

async fn access_and_bad_parameters(backend: Backend) {
    let app = app(backend).await;
    let code = |body: &[u8]| -> Value { serde_json::from_slice(body).unwrap() };
    for (token, status) in [
        (Some(app.enumerator.as_str()), StatusCode::FORBIDDEN),
        (Some(app.device.as_str()), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let (got, _, body) = app
            .send_bytes(app.export_request("format=csv", token))
            .await;
        assert_eq!(got, status, "{}", String::from_utf8_lossy(&body));
        assert!(code(&body)["error"]["code"].is_string());
    }

    let (status, _, body) = app.export("format=pdf").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = code(&body);
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["fields"][0]["field"], "format");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("csv, xlsx, json, ndjson, codebook"),
        "{body}"
    );

    let (status, _, body) = app.export("values=labels&lang=de").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = code(&body);
    assert_eq!(body["error"]["fields"][0]["field"], "lang");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("en, ro, ru"),
        "{body}"
    );

    let (status, _, body) = app.export("from=2026-02-30&review=fine").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = code(&body)["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["from", "review"]);

    let (status, _, body) = app
        .send_bytes(
            Request::builder()
                .uri("/api/forms/nope/export")
                .header(header::AUTHORIZATION, format!("Bearer {}", app.coordinator))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body)["error"]["code"], "not_found");
}

/// A stored response the export cannot read makes the body end in an
/// error, not in a shorter file that looks complete.
async fn a_failure_mid_way_aborts_the_body(backend: Backend) {
    let app = app(backend).await;
    app.execute(
        "UPDATE submissions SET answers = $1 WHERE instance_id = $2",
        |q| q.bind("not JSON").bind(APPROVED),
    )
    .await;
    for format in ["csv", "json", "xlsx"] {
        let response = app
            .router
            .clone()
            .oneshot(app.export_request(&format!("format={format}"), Some(&app.coordinator)))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "the headers went first");
        let body = response.into_body().collect().await;
        assert!(body.is_err(), "{format}: the body must end in an error");
    }
}

/// Submissions stored straight through the store (fast), as revision 1 of
/// new instances with the correction's answers.
async fn insert_many(store: &SharedStore, count: usize) {
    let answers = fieldform_server::submissions::canonical_json(&fixture(CORRECTED, 2)["answers"]);
    let meta = fieldform_server::submissions::canonical_json(&json!({ "device": "bulk" }));
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let batch: Vec<NewSubmission> = chunk
            .iter()
            .map(|i| NewSubmission {
                instance_id: format!("0195a1b2-0000-7000-8000-{i:012}"),
                form_id: FORM.into(),
                form_version: VERSION.into(),
                answers: answers.clone(),
                meta: meta.clone(),
                content_hash: format!("bulk-{i}"),
                correction: false,
                submitted_by: "device:1".into(),
                may_correct_any: false,
            })
            .collect();
        store.ingest(&batch).await.unwrap();
    }
}

/// An export's body, frame by frame.
async fn frames(app: &TestApp, query: &str) -> (HeaderMap, Vec<axum::body::Bytes>) {
    let response = app
        .router
        .clone()
        .oneshot(app.export_request(query, Some(&app.coordinator)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let mut body = response.into_body();
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().await {
        frames.push(frame.unwrap().into_data().unwrap());
    }
    (headers, frames)
}

/// The first bytes of a large export come while the rest is still being
/// made: the body comes in many chunks, the first a small part of the
/// whole, and the NDJSON (not compressed) is larger than everything the
/// server lets wait for the client, so it cannot have been made first.
async fn a_large_export_streams(backend: Backend) {
    let app = empty_app(backend).await;
    insert_many(&app.store, 2000).await;

    let (headers, frames_of_zip) = frames(&app, "format=csv").await;
    assert_eq!(headers["x-fieldform-total"], "2000");
    let first = &frames_of_zip[0];
    assert!(first.starts_with(b"PK\x03\x04"), "a zip's first entry");
    let whole: Vec<u8> = frames_of_zip.concat();
    assert!(frames_of_zip.len() >= 3, "{} frames", frames_of_zip.len());
    assert!(
        first.len() * 10 < whole.len(),
        "first {} bytes of {}",
        first.len(),
        whole.len()
    );
    let files = unzip(&whole);
    assert_eq!(rows(&files[0].1).len(), 2001);

    let (headers, frames_of_lines) = frames(&app, "format=ndjson").await;
    assert_eq!(headers["x-fieldform-total"], "2000");
    let whole: Vec<u8> = frames_of_lines.concat();
    // 8 chunks of 32 KiB may wait for the client (`http::exports`).
    assert!(whole.len() > 2 * 8 * 32 * 1024, "{} bytes", whole.len());
    assert!(
        frames_of_lines[0].len() * 10 < whole.len(),
        "first {} bytes of {}",
        frames_of_lines[0].len(),
        whole.len()
    );
    assert!(
        frames_of_lines.iter().all(|f| f.len() <= 64 * 1024),
        "chunks stay small"
    );
    assert_eq!(String::from_utf8(whole).unwrap().lines().count(), 2000);
}

on_both_backends!(
    every_format,
    filters,
    access_and_bad_parameters,
    a_failure_mid_way_aborts_the_body,
    a_large_export_streams,
);

/// `fieldform export` writes the same CSV zip from the database, and
/// refuses bad options by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_exports_the_csv_zip() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let form = common::forms(&format!("{FORM}.form.json"))
        .display()
        .to_string();
    let run = common::fieldform(["form", "publish", &form, "--data-dir", &data]);
    assert!(run.ok, "{}", run.stderr);
    let url = format!("sqlite://{data}/fieldform.db");
    let store = fieldform_server::store::open(&url).await.unwrap();
    insert_many(&store, 3).await;

    let out = dir.path().join("export.zip");
    let out_text = out.display().to_string();
    let run = common::fieldform([
        "export",
        FORM,
        "--format",
        "csv",
        "--out",
        &out_text,
        "--data-dir",
        &data,
    ]);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "Wrote 3 submission(s) of form `{FORM}` (columns of version `{VERSION}`) to {out_text}.\n"
        )
    );
    let files = unzip(&std::fs::read(&out).unwrap());
    assert_eq!(files[0].0, "ggs_household.csv");
    assert_eq!(
        column(&files[0].1, "KEY"),
        (0..3)
            .map(|i| format!("uuid:0195a1b2-0000-7000-8000-{i:012}"))
            .collect::<Vec<_>>()
    );
    assert!(!dir.path().join("export.zip.partial").exists());

    let run = common::fieldform([
        "export",
        FORM,
        "--format",
        "pdf",
        "--values",
        "codes",
        "--lang",
        "de",
        "--out",
        &out_text,
        "--data-dir",
        &data,
    ]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("--format: unknown format `pdf`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--lang: a language applies only"),
        "{}",
        run.stderr
    );
    let run = common::fieldform(["export", "nope", "--out", &out_text, "--data-dir", &data]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("form `nope` not found"),
        "{}",
        run.stderr
    );
}
