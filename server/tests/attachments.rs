//! Issue 14, form attachments: a workbook published with its CSV (in one
//! multipart upload, and by `fieldform form publish` from beside it), the
//! file served to whoever may see the form, and submissions checked and
//! recomputed with it (`select_one_from_file`, `pulldata()`). Refusals:
//! a missing file, a bad name, an unused file, a changed file under the
//! same version. On SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Backend, TestApp, TestServer, error_code, uuid};
use fieldform_server::config::Options;
use fieldform_server::store::Role;
use serde_json::{Value, json};

/// An XLSForm (CSV flavour): a village from `villages.csv`, its population
/// looked up with `pulldata()`.
const WORKBOOK: &str = "survey,,,,\n\
    ,type,name,label,calculation\n\
    ,select_one_from_file villages.csv,village,Village,\n\
    ,calculate,population,,\"pulldata('villages', 'population', 'name', ${village})\"\n\
    ,integer,people,People met,\n\
    settings,,,,\n\
    ,form_id,version,,\n\
    ,villages,1,,\n";

const VILLAGES: &str = "name,label,population\n\
    north,North village,1200\n\
    south,South village,800\n";

const BOUNDARY: &str = "ffBoundary7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body: `(part name, file name, content type, bytes)`.
fn multipart(parts: &[(&str, &str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, content_type, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn app(backend: Backend) -> TestApp {
    TestApp::unlimited(backend, &[Role::Coordinator, Role::Enumerator]).await
}

impl TestApp {
    /// `POST /api/forms` as the coordinator.
    async fn publish(&self, content_type: &str, body: impl Into<Body>) -> (StatusCode, Value) {
        let token = self.coordinator.clone();
        let (status, _, body) = self
            .raw(Method::POST, "/api/forms", Some(&token), content_type, body)
            .await;
        (status, body)
    }

    async fn publish_parts(&self, parts: &[(&str, &str, &str, &[u8])]) -> (StatusCode, Value) {
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        self.publish(&content_type, multipart(parts)).await
    }

    /// Publishes `parts`, expecting the refusal `status` with the error
    /// `code`; the refusal's body.
    async fn publish_refused(
        &self,
        parts: &[(&str, &str, &str, &[u8])],
        status: StatusCode,
        code: &str,
    ) -> Value {
        let (got, body) = self.publish_parts(parts).await;
        let files: Vec<&str> = parts.iter().map(|part| part.1).collect();
        assert_eq!(
            (got, error_code(&body)),
            (status, code),
            "{files:?}: {body}"
        );
        body
    }

    async fn publish_villages(&self) -> (StatusCode, Value) {
        self.publish_parts(&[
            (
                "form",
                "villages.csv.xlsform.csv",
                "text/csv",
                WORKBOOK.as_bytes(),
            ),
            (
                "attachment",
                "villages.csv",
                "text/csv",
                VILLAGES.as_bytes(),
            ),
        ])
        .await
    }

    async fn get_raw(
        &self,
        uri: &str,
        token: Option<&str>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut builder = Request::builder().method(Method::GET).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let (status, headers, bytes) = self.send_bytes(builder.body(Body::empty()).unwrap()).await;
        (status, headers, bytes.to_vec())
    }

    async fn submit(&self, village: &str, population: &str) -> (StatusCode, Value, String) {
        let id = uuid();
        let token = self.enumerator.clone();
        let item = json!({
            "instance_id": id, "form_id": "villages", "form_version": "1",
            "status": "complete",
            "answers": { "village": village, "population": population, "people": "4" }
        });
        let (status, body) = self
            .call_as(Method::POST, "/api/submissions", &token, Some(item))
            .await;
        (status, body, id)
    }

    async fn stored_answers(&self, instance_id: &str) -> Value {
        let token = self.coordinator.clone();
        let (status, body) = self
            .call_as(Method::GET, "/api/forms/villages/submissions", &token, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let items = body.get("submissions").cloned().unwrap_or(body);
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["instance_id"] == instance_id)
            .unwrap_or_else(|| panic!("{instance_id} is not stored"))["answers"]
            .clone()
    }
}

const FILE_URI: &str = "/api/forms/villages/versions/1/attachments/villages.csv";

/// `server` serves the published `villages.csv` to anyone, as it was given.
async fn assert_serves_villages(server: &TestServer) {
    let request = Request::builder()
        .uri(FILE_URI)
        .body(Body::empty())
        .unwrap();
    let (status, _, bytes) = server.send_bytes(request).await;
    assert_eq!((status, &bytes[..]), (StatusCode::OK, VILLAGES.as_bytes()));
}

async fn publishes_serves_and_validates_with_the_csv(backend: Backend) {
    let app = app(backend).await;
    let (status, body) = app.publish_villages().await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "published");
    let audit = app.store.list_audit(10).await.unwrap();
    let publish = audit.iter().find(|e| e.action == "form.publish").unwrap();
    assert_eq!(publish.details["attachments"][0]["name"], "villages.csv");

    // The catalog lists the file with its size and hash.
    let (status, _, catalog) = app.call(Method::GET, "/api/forms", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let entry = catalog
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "villages")
        .unwrap()
        .clone();
    let sha = {
        use sha2::Digest as _;
        fieldform_server::auth::hex(&sha2::Sha256::digest(VILLAGES.as_bytes()))
    };
    assert_eq!(
        entry["attachments"],
        json!([{ "name": "villages.csv", "size": VILLAGES.len(), "sha256": sha }])
    );

    // Served as published, to anyone who may see the open form, cached for good.
    let (status, headers, bytes) = app.get_raw(FILE_URI, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, VILLAGES.as_bytes());
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(headers[header::ETAG], format!("\"{sha}\"").as_str());
    let etag = headers[header::ETAG].clone();
    let request = Request::builder()
        .uri(FILE_URI)
        .header(header::IF_NONE_MATCH, etag)
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = app.send_bytes(request).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    for missing in [
        "/api/forms/villages/versions/1/attachments/towns.csv",
        "/api/forms/villages/versions/2/attachments/villages.csv",
        "/api/forms/villages/versions/1/attachments/..%2Fvillages.csv",
    ] {
        let (status, _, _) = app.get_raw(missing, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }

    // The same upload again is already published; the same version with
    // another file is a changed version, refused.
    let (status, body) = app.publish_villages().await;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::OK, &json!("already_published")),
        "{body}"
    );
    let changed = VILLAGES.replace("800", "801");
    app.publish_refused(
        &[
            ("form", "form.csv", "text/csv", WORKBOOK.as_bytes()),
            ("attachment", "villages.csv", "text/csv", changed.as_bytes()),
        ],
        StatusCode::CONFLICT,
        "version_exists",
    )
    .await;

    // A closed version's file is hidden from anonymous callers, as its definition.
    let token = app.coordinator.clone();
    let (status, _) = app
        .call_as(Method::POST, "/api/forms/villages/close", &token, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = app.get_raw(FILE_URI, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, bytes) = app.get_raw(FILE_URI, Some(&token)).await;
    assert_eq!(
        (status, bytes.as_slice()),
        (StatusCode::OK, VILLAGES.as_bytes())
    );
    let (status, _) = app
        .call_as(Method::POST, "/api/forms/villages/open", &token, None)
        .await;
    assert_eq!(status, StatusCode::OK);

    // The server checks the choice against the CSV and recomputes
    // `pulldata()` from it: a wrong population from the device is replaced.
    let (status, body, id) = app.submit("south", "999").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let answers = app.stored_answers(&id).await;
    assert_eq!(answers["village"], "south");
    assert_eq!(answers["population"], "800", "{answers}");
    let (status, body, _) = app.submit("nowhere", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("village"), "{body}");

    // The export reads the same compiled form (with its file).
    let (status, _, bytes) = app
        .get_raw("/api/forms/villages/export?format=json", Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"population\":\"800\""), "{text}");
}

async fn refuses_missing_bad_and_unused_files(backend: Backend) {
    let app = app(backend).await;
    // The workbook alone, as before attachments (a single body): the file is missing.
    let (status, body) = app.publish("text/csv", WORKBOOK).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_form"),
        "{body}"
    );
    let errors = body["error"]["errors"].to_string();
    assert!(
        errors.contains("`villages.csv` (choices of `village`), which was not given"),
        "{errors}"
    );

    // Multipart without the file.
    let body = app
        .publish_refused(
            &[("form", "form.csv", "text/csv", WORKBOOK.as_bytes())],
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_form",
        )
        .await;
    assert!(
        body["error"]["errors"]
            .to_string()
            .contains("part `attachment`"),
        "{body}"
    );

    // A file name with a folder, `..` or markup.
    for bad in [
        "../villages.csv",
        "sub/villages.csv",
        "<b>.csv",
        ".villages.csv",
    ] {
        let body = app
            .publish_refused(
                &[
                    ("form", "form.csv", "text/csv", WORKBOOK.as_bytes()),
                    ("attachment", bad, "text/csv", VILLAGES.as_bytes()),
                ],
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
        assert_eq!(body["error"]["fields"][0]["field"], "attachment", "{body}");
    }

    // A file the form does not use, and a malformed one: every problem at once.
    let body = app
        .publish_refused(
            &[
                ("form", "form.csv", "text/csv", WORKBOOK.as_bytes()),
                (
                    "attachment",
                    "villages.csv",
                    "text/csv",
                    b"name,name\nx,y\n",
                ),
                ("attachment", "towns.csv", "text/csv", VILLAGES.as_bytes()),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_form",
        )
        .await;
    let errors = body["error"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{body}");
    assert!(
        errors[0].as_str().unwrap().contains("villages.csv"),
        "{body}"
    );
    assert!(
        errors[1]
            .as_str()
            .unwrap()
            .contains("`towns.csv` is not used by the form"),
        "{body}"
    );

    // A part that is neither the form nor a file, and no form at all.
    app.publish_refused(
        &[("workbook", "form.csv", "text/csv", WORKBOOK.as_bytes())],
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    app.publish_refused(
        &[(
            "attachment",
            "villages.csv",
            "text/csv",
            VILLAGES.as_bytes(),
        )],
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // Nothing was published by any of these.
    let token = app.coordinator.clone();
    let (_, _, catalog) = app
        .call(Method::GET, "/api/forms", Some(&token), None)
        .await;
    assert_eq!(catalog, json!([]));
}

/// A file over the per-file limit is refused by name (the body itself is
/// within the publishing limit).
async fn refuses_an_oversized_file(backend: Backend) {
    let app = app(backend).await;
    let mut big = VILLAGES.as_bytes().to_vec();
    big.resize(fieldform_server::attachments::MAX_FILE_BYTES + 1, b'\n');
    let body = app
        .publish_refused(
            &[
                ("form", "form.csv", "text/csv", WORKBOOK.as_bytes()),
                ("attachment", "villages.csv", "text/csv", &big),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_form",
        )
        .await;
    assert!(
        body["error"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("`villages.csv` holds"),
        "{body}"
    );
}

/// `fieldform form publish WORKBOOK` takes the CSV from beside the
/// workbook; without it, it says which file is missing and where.
async fn the_command_line_publishes_the_files_beside_the_workbook(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = common::database_url(backend, dir.path()).await;
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    let workbook = forms.join("villages.csv.form.csv");
    std::fs::write(&workbook, WORKBOOK).unwrap();
    let workbook = workbook.display().to_string();

    let run = common::fieldform(["form", "publish", &workbook, "--database-url", &url]);
    assert!(!run.ok, "published without its file");
    let expected = forms.join("villages.csv").display().to_string();
    assert!(
        run.stderr
            .contains("the form needs the data file `villages.csv`")
            && run.stderr.contains(&expected),
        "{}",
        run.stderr
    );

    std::fs::write(forms.join("villages.csv"), VILLAGES).unwrap();
    let run = common::fieldform(["form", "publish", &workbook, "--database-url", &url]);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.contains("Published form `villages` version `1`"),
        "{}",
        run.stdout
    );

    let server = TestServer::open(&url, dir.path(), Options::default()).await;
    assert_serves_villages(&server).await;
}

/// The forms directory published at start: each form file with the data
/// files beside it; one whose file is missing is refused by name, and the
/// others are still published.
async fn the_forms_directory_publishes_files_beside_form_files(backend: Backend) {
    let server = TestServer::start(backend, Options::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let imported = fieldform_xlsform::import_bytes("villages.csv", WORKBOOK.as_bytes()).unwrap();
    let mut form = imported.form;
    std::fs::write(dir.path().join("villages.form.json"), form.to_json()).unwrap();
    std::fs::write(dir.path().join("villages.csv"), VILLAGES).unwrap();
    form.id = "towns".into();
    std::fs::write(dir.path().join("towns.form.json"), form.to_json()).unwrap();

    let results = fieldform_server::catalog::publish_dir(server.store.as_ref(), dir.path()).await;
    let outcomes: Vec<String> = results
        .iter()
        .map(|(path, result)| match result {
            Ok(_) => format!("{path}: ok"),
            Err(e) => format!("{path}: {e}"),
        })
        .collect();
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    // Both forms name `villages.csv`, which is beside both: both publish.
    assert!(outcomes.iter().all(|o| o.ends_with(": ok")), "{outcomes:?}");
    assert_serves_villages(&server).await;

    // Without the file, the form is refused naming it; nothing is stored.
    std::fs::remove_file(dir.path().join("villages.csv")).unwrap();
    form.id = "hamlets".into();
    std::fs::write(dir.path().join("hamlets.form.json"), form.to_json()).unwrap();
    let results = fieldform_server::catalog::publish_dir(server.store.as_ref(), dir.path()).await;
    let (_, hamlets) = results
        .iter()
        .find(|(path, _)| path.ends_with("hamlets.form.json"))
        .unwrap();
    let message = hamlets.as_ref().unwrap_err().to_string();
    assert!(
        message.contains("the form needs the data file `villages.csv`: put it beside the form"),
        "{message}"
    );
    let (_, _, catalog) = server.call(Method::GET, "/api/forms", None, None).await;
    let ids: Vec<&str> = catalog
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["towns", "villages"]);
}

on_both_backends!(
    the_forms_directory_publishes_files_beside_form_files,
    publishes_serves_and_validates_with_the_csv,
    refuses_missing_bad_and_unused_files,
    refuses_an_oversized_file,
    the_command_line_publishes_the_files_beside_the_workbook,
);
