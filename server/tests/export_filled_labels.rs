//! Issue 14: choice labels that show answers (`${name}`, to pick a
//! household member by name) come out of `GET /api/forms/{id}/export` as
//! the respondent saw them: filled from each response's own answers, per
//! repeat instance, in the language asked for; CSV, XLSX and JSON. The
//! codebook keeps the place holder, as `[name]`. On SQLite and on
//! PostgreSQL (see `api.rs` for `FIELDFORM_TEST_DATABASE_URL`).

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::io::Cursor;

use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use common::{Backend, TestApp, TestServer, unzip};
use fieldform_server::config::Options;
use fieldform_server::store::Role;
use serde_json::{Value, json};

const FORM: &str = "roster";

/// The export crate's `tests/fixtures/roster.form.json`: members named
/// in a repeat; a select in each member's instance and one at the top
/// offer them by name, in English and Romanian (and a select in each
/// member's children, not answered here).
fn form_file() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../export/tests/fixtures/roster.form.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const FIRST: &str = "0190a000-0000-7000-8000-000000000001";
const SECOND: &str = "0190a000-0000-7000-8000-000000000002";

/// Two households with different names.
async fn app(backend: Backend) -> TestApp {
    let server = TestServer::start(backend, Options::default()).await;
    let app = TestApp::with_users(server, &[Role::Coordinator, Role::Enumerator]).await;
    app.publish(&app.coordinator, form_file()).await;
    for (id, answers) in [
        (
            FIRST,
            json!({
                "head": "Ana",
                "member": [{ "name": "Ion", "carer": "h" }, { "name": "Eva", "carer": "m" }],
                "main": "m",
            }),
        ),
        (
            SECOND,
            json!({
                "head": "Dan",
                "member": [{ "name": "Radu", "carer": "m" }, { "name": "Ioana", "carer": "n" }],
                "main": "h",
            }),
        ),
    ] {
        let submission = json!({
            "instance_id": id, "form_id": FORM, "form_version": "1",
            "meta": {}, "answers": answers,
        });
        let (status, body) = app
            .call_as(
                Method::POST,
                "/api/submissions",
                &app.enumerator,
                Some(submission),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    app
}

async fn export(app: &TestApp, query: &str) -> Bytes {
    let request = Request::builder()
        .method(Method::GET)
        .uri(format!("/api/forms/{FORM}/export?{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {}", app.coordinator))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = app.send_bytes(request).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    body
}

/// `column` of every data row of the CSV file `name` in `files`.
fn csv_column(files: &[(String, String)], name: &str, column: &str) -> Vec<String> {
    let text = &files.iter().find(|(n, _)| n == name).unwrap().1;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[at].to_owned())
        .collect()
}

async fn filled_choice_labels(backend: Backend) {
    let app = app(backend).await;

    // CSV, in each language; stored order is sending order.
    let files = unzip(&export(&app, "format=csv&values=labels&lang=en").await);
    assert_eq!(
        csv_column(&files, "roster.csv", "main"),
        ["Ion", "Dan (head)"]
    );
    assert_eq!(
        csv_column(&files, "roster-member.csv", "carer"),
        ["Ana (head)", "Eva", "Radu", "Nobody"]
    );
    // The codebook documents the form: the place holders, readable.
    let choices = &files
        .iter()
        .find(|(n, _)| n == "roster-choices.csv")
        .unwrap()
        .1;
    assert!(
        choices.contains("people,h,[head] (head),[head] (cap)"),
        "{choices}"
    );
    // `m` has no Romanian text: the rows fill the default language's; the
    // codebook shows the form as it is.
    assert!(
        choices.lines().any(|l| l == "people,m,[name],"),
        "{choices}"
    );
    let files = unzip(&export(&app, "format=csv&values=labels&lang=ro").await);
    assert_eq!(
        csv_column(&files, "roster-member.csv", "carer"),
        ["Ana (cap)", "Eva", "Radu", "Nimeni"]
    );
    // Codes stay codes.
    let files = unzip(&export(&app, "format=csv").await);
    assert_eq!(
        csv_column(&files, "roster-member.csv", "carer"),
        ["h", "m", "m", "n"]
    );

    // XLSX, read back.
    let bytes = export(&app, "format=xlsx&values=labels&lang=en").await;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range("member").unwrap();
    let mut rows = range.rows();
    let header = rows.next().unwrap();
    let at = header
        .iter()
        .position(|c| matches!(c, Data::String(s) if s == "carer"))
        .unwrap();
    let carers: Vec<String> = rows.map(|r| r[at].to_string()).collect();
    assert_eq!(carers, ["Ana (head)", "Eva", "Radu", "Nobody"]);
    let range = book.worksheet_range("roster").unwrap();
    let mut rows = range.rows();
    let header = rows.next().unwrap();
    let at = header
        .iter()
        .position(|c| matches!(c, Data::String(s) if s == "main"))
        .unwrap();
    let mains: Vec<String> = rows.map(|r| r[at].to_string()).collect();
    assert_eq!(mains, ["Ion", "Dan (head)"]);

    // JSON: the answers as codes, the labels beside them.
    let body = export(&app, "format=json&values=labels&lang=ro").await;
    let entries: Value = serde_json::from_slice(&body).unwrap();
    let by_id = |id: &str| {
        entries
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["instance_id"] == id)
            .unwrap()
            .clone()
    };
    let first = by_id(FIRST);
    assert_eq!(first["answers"]["member"][1]["carer"], "m");
    // The stored answers are the engine's: each member's (empty) list of
    // children included.
    assert_eq!(
        first["labels"],
        json!({
            "member": [{ "carer": "Ana (cap)", "child": [] }, { "carer": "Eva", "child": [] }],
            "main": "Ion",
        })
    );
    assert_eq!(
        by_id(SECOND)["labels"],
        json!({
            "member": [{ "carer": "Radu", "child": [] }, { "carer": "Nimeni", "child": [] }],
            "main": "Dan (cap)",
        })
    );
}

on_both_backends!(filled_choice_labels);
