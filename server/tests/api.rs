//! HTTP integration tests: every route, in process (`tower::ServiceExt::oneshot`),
//! on SQLite and on PostgreSQL.
//!
//! The PostgreSQL variants need `FIELDFORM_TEST_DATABASE_URL` (a server
//! where the user may create databases; `cargo xtask test` starts a
//! throwaway cluster and sets it). Without it they fail, on purpose: a
//! backend that is not tested must not look tested.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Backend, TestApp, TestServer, error_code, uuid};
use fieldform_server::config::Options;
use fieldform_server::store::Role;
use serde_json::{Value, json};

fn test_options() -> Options {
    Options {
        max_batch: 50,
        max_body_bytes: 256 * 1024,
        request_timeout: Duration::from_secs(30),
        rate_per_second: 10_000.0,
        rate_burst: 10_000.0,
        public_url: Some("https://survey.example.org".into()),
        ..Options::default()
    }
}

fn household_form(version: &str) -> Value {
    json!({
        "format": 1,
        "id": "household",
        "version": version,
        "title": { "en": "Household" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "items": [
            { "kind": "question", "name": "name", "type": "text", "label": { "en": "Name" } },
            { "kind": "question", "name": "age", "type": "integer", "label": { "en": "Age" },
              "relevant": "${name} != ''" }
        ]
    })
}

fn other_form() -> Value {
    let mut form = household_form("1");
    form["id"] = json!("other");
    form["title"] = json!({ "en": "Other" });
    form
}

/// The server with an admin, a coordinator and an enumerator signed in,
/// both forms published and a device token scoped to `household`.
async fn app_with(backend: Backend, options: Options) -> TestApp {
    let server = TestServer::start(backend, options).await;
    let mut app =
        TestApp::with_users(server, &[Role::Admin, Role::Coordinator, Role::Enumerator]).await;
    app.publish(&app.coordinator, household_form("1")).await;
    app.publish(&app.coordinator, other_form()).await;
    app.device = app
        .device_token(&app.coordinator, "tablet 1", &["household"])
        .await;
    app
}

async fn app(backend: Backend) -> TestApp {
    app_with(backend, test_options()).await
}

impl TestApp {
    /// Current and superseded revisions stored for `form`.
    async fn stored(&self, form: &str) -> Vec<fieldform_server::store::StoredSubmission> {
        self.store.list_submissions(form).await.unwrap()
    }
}

fn submission(id: &str, name: &str) -> Value {
    json!({
        "instance_id": id,
        "form_id": "household",
        "form_version": "1",
        "answers": { "name": name, "age": "42" }
    })
}

// ---------------------------------------------------------------------------

async fn authorization_matrix(backend: Backend) {
    let app = app(backend).await;
    // Who calls, in this order: anonymous, device, enumerator, coordinator, admin.
    let callers: [(&str, Option<String>); 5] = [
        ("anonymous", None),
        ("device", Some(app.device.clone())),
        ("enumerator", Some(app.enumerator.clone())),
        ("coordinator", Some(app.coordinator.clone())),
        ("admin", Some(app.admin.clone())),
    ];
    const OK: u16 = 200;
    const NEW: u16 = 201;
    const UNAUTH: u16 = 401;
    const FORBID: u16 = 403;
    // A device token to revoke per caller (each revocation needs its own).
    let mut revocable = Vec::new();
    for _ in 0..callers.len() {
        let (_, _, body) = app
            .call(
                Method::POST,
                "/api/device-tokens",
                Some(&app.coordinator),
                Some(json!({ "label": "spare", "forms": ["other"] })),
            )
            .await;
        revocable.push(body["device"]["id"].as_i64().unwrap());
    }
    // A stored submission for coordinators to review.
    let reviewed = uuid();
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            Some(&app.device),
            Some(submission(&reviewed, "Reviewed")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for (i, (who, token)) in callers.iter().enumerate() {
        let token = token.as_deref();
        let cases: Vec<(Method, String, Option<Value>, u16)> = vec![
            (Method::GET, "/healthz".into(), None, OK),
            (Method::GET, "/api/forms".into(), None, OK),
            (
                Method::GET,
                "/api/forms/household/versions/1".into(),
                None,
                OK,
            ),
            (
                Method::GET,
                "/api/me".into(),
                None,
                if i == 0 { UNAUTH } else { OK },
            ),
            (
                Method::POST,
                "/api/forms".into(),
                Some(household_form("1")),
                [UNAUTH, FORBID, FORBID, OK, OK][i],
            ),
            (
                Method::POST,
                "/api/forms/other/close".into(),
                None,
                [UNAUTH, FORBID, FORBID, OK, OK][i],
            ),
            (
                Method::POST,
                "/api/forms/other/open?version=1".into(),
                None,
                [UNAUTH, FORBID, FORBID, OK, OK][i],
            ),
            (
                Method::GET,
                "/api/forms/household/submissions".into(),
                None,
                [UNAUTH, FORBID, FORBID, OK, OK][i],
            ),
            (
                Method::POST,
                "/api/submissions".into(),
                Some(submission(&uuid(), who)),
                [UNAUTH, NEW, NEW, NEW, NEW][i],
            ),
            (
                Method::POST,
                "/api/submissions/batch".into(),
                Some(json!({ "submissions": [submission(&uuid(), who)] })),
                [UNAUTH, OK, OK, OK, OK][i],
            ),
            (
                Method::POST,
                format!("/api/submissions/{reviewed}/reviews"),
                Some(json!({ "status": "received" })),
                [UNAUTH, FORBID, FORBID, NEW, NEW][i],
            ),
            (
                Method::GET,
                format!("/api/submissions/{reviewed}/reviews"),
                None,
                [UNAUTH, FORBID, FORBID, OK, OK][i],
            ),
            (
                Method::GET,
                "/api/corrections".into(),
                None,
                [UNAUTH, OK, OK, OK, OK][i],
            ),
            (
                Method::GET,
                "/api/users".into(),
                None,
                [UNAUTH, FORBID, FORBID, FORBID, OK][i],
            ),
            (
                Method::POST,
                "/api/users".into(),
                Some(
                    json!({ "username": format!("new-{i}"), "password": "long-enough-1", "role": "enumerator" }),
                ),
                [UNAUTH, FORBID, FORBID, FORBID, NEW][i],
            ),
            (
                Method::PUT,
                "/api/users/enum/role".into(),
                Some(json!({ "role": "enumerator" })),
                [UNAUTH, FORBID, FORBID, FORBID, OK][i],
            ),
            (
                Method::GET,
                "/api/device-tokens".into(),
                None,
                [UNAUTH, FORBID, FORBID, OK, OK][i],
            ),
            (
                Method::POST,
                "/api/device-tokens".into(),
                Some(json!({ "label": "t", "forms": ["household"] })),
                [UNAUTH, FORBID, FORBID, NEW, NEW][i],
            ),
            (
                Method::DELETE,
                format!("/api/device-tokens/{}", revocable[i]),
                None,
                [UNAUTH, FORBID, FORBID, OK, OK][i],
            ),
            (
                Method::GET,
                "/api/audit".into(),
                None,
                [UNAUTH, FORBID, FORBID, FORBID, OK][i],
            ),
        ];
        for (method, uri, body, expected) in cases {
            let (status, _, answer) = app.call(method.clone(), &uri, token, body).await;
            assert_eq!(status.as_u16(), expected, "{who} {method} {uri}: {answer}");
            if expected == UNAUTH {
                assert_eq!(
                    error_code(&answer),
                    "unauthenticated",
                    "{who} {method} {uri}"
                );
            }
            if expected == FORBID {
                assert_eq!(error_code(&answer), "forbidden", "{who} {method} {uri}");
            }
        }
    }
    // Logging out: people only; afterwards the token is dead.
    let (status, _, _) = app
        .call(Method::DELETE, "/api/sessions/current", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = app
        .call(
            Method::DELETE,
            "/api/sessions/current",
            Some(&app.device),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = app
        .call(
            Method::DELETE,
            "/api/sessions/current",
            Some(&app.enumerator),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, body) = app
        .call(Method::GET, "/api/me", Some(&app.enumerator), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "invalid_token");
}

async fn bad_inputs(backend: Backend) {
    let app = app(backend).await;
    let device = Some(app.device.as_str());

    let (status, _, body) = app
        .raw(
            Method::POST,
            "/api/submissions",
            device,
            "application/json",
            "{\"instance_id\": ",
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "malformed_json"),
        "{body}"
    );

    let (status, _, body) = app
        .raw(Method::POST, "/api/submissions", device, "text/plain", "{}")
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );

    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions/batch",
            device,
            Some(json!({ "submissions": "not a list" })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json")
    );

    // Wrong types inside a submission: the item is refused, with its fields.
    let mut wrong = submission("not-a-uuid", "x");
    wrong["answers"] = json!(["a list"]);
    let (status, _, body) = app
        .call(Method::POST, "/api/submissions", device, Some(wrong))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_submission"),
        "{body}"
    );
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["instance_id", "answers"]);

    let mut unknown_field = submission(&uuid(), "x");
    unknown_field["answers"]["shoe_size"] = json!("44");
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(unknown_field),
        )
        .await;
    assert_eq!(error_code(&body), "invalid_submission", "{body}");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The engine re-validates the answers: types, constraints, required.
    let mut not_a_number = submission(&uuid(), "x");
    not_a_number["answers"]["age"] = json!("forty");
    let (status, _, body) = app
        .call(Method::POST, "/api/submissions", device, Some(not_a_number))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_submission")
    );
    assert_eq!(body["error"]["fields"][0]["field"], "answers.age", "{body}");

    let mut unknown_version = submission(&uuid(), "x");
    unknown_version["form_version"] = json!("9");
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(unknown_version),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "unknown_form_version")
    );

    // The device is scoped to `household`.
    let mut other = submission(&uuid(), "x");
    other["form_id"] = json!("other");
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(other.clone()),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "form_not_allowed")
    );
    // ...while a coordinator may submit to it.
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            Some(&app.coordinator),
            Some(other),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Closed forms refuse submissions.
    let (status, _, _) = app
        .call(
            Method::POST,
            "/api/forms/household/close",
            Some(&app.coordinator),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(submission(&uuid(), "x")),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "form_closed")
    );
    let (status, _, _) = app
        .call(
            Method::POST,
            "/api/forms/household/open",
            Some(&app.coordinator),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Oversized body (the test limit is 256 KiB).
    let big = json!({ "submissions": [submission(&uuid(), &"x".repeat(300 * 1024))] });
    let (status, _, body) = app
        .call(Method::POST, "/api/submissions/batch", device, Some(big))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );

    // Too many in one batch.
    let many: Vec<Value> = (0..51).map(|_| submission(&uuid(), "x")).collect();
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions/batch",
            device,
            Some(json!({ "submissions": many })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );

    // Unknown and revoked tokens.
    let (status, _, body) = app
        .call(Method::GET, "/api/forms", Some("ffd_0000"), None)
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "invalid_token")
    );
    let (_, _, me) = app.call(Method::GET, "/api/me", device, None).await;
    let id = me["device"]["id"].as_i64().unwrap();
    let (status, _, _) = app
        .call(
            Method::DELETE,
            &format!("/api/device-tokens/{id}"),
            Some(&app.coordinator),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(submission(&uuid(), "x")),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "token_revoked")
    );

    // Request validation: username characters, short password, unknown role.
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/users",
            Some(&app.admin),
            Some(json!({ "username": "a b", "password": "short", "role": "coordinator" })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["password", "username"], "{body}");
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/users",
            Some(&app.admin),
            Some(json!({ "username": "abc", "password": "long-enough-1", "role": "king" })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json")
    );
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/users",
            Some(&app.admin),
            Some(
                json!({ "username": "coord", "password": "long-enough-1", "role": "coordinator" }),
            ),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "username_taken")
    );

    // Device tokens only for published forms.
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/device-tokens",
            Some(&app.coordinator),
            Some(json!({ "label": "t", "forms": ["nope"] })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );

    // Wrong password.
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/sessions",
            None,
            Some(json!({ "username": "coord", "password": "wrong-password" })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "bad_credentials")
    );

    // Errors made by the framework itself are JSON with a code too.
    let (status, headers, body) = app
        .call(Method::GET, "/api/submissions", device, None)
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    assert!(headers.contains_key(header::ALLOW));
    let (status, _, body) = app
        .call(Method::GET, "/api/audit?limit=many", Some(&app.admin), None)
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "bad_request"),
        "{body}"
    );

    // Unknown API routes answer JSON too.
    let (status, _, body) = app.call(Method::GET, "/api/nope", None, None).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

async fn idempotent_batches(backend: Backend) {
    let app = app(backend).await;
    let batch: Vec<Value> = (0..50)
        .map(|i| submission(&uuid(), &format!("p{i}")))
        .collect();
    let body = json!({ "submissions": batch });
    for round in 0..3 {
        let (status, _, answer) = app
            .call(
                Method::POST,
                "/api/submissions/batch",
                Some(&app.device),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), 50);
        let expected = if round == 0 { "created" } else { "duplicate" };
        for (i, result) in results.iter().enumerate() {
            assert_eq!(result["status"], expected, "round {round}: {result}");
            assert_eq!(result["index"], i);
            assert_eq!(result["revision"], 1);
        }
    }
    assert_eq!(app.stored("household").await.len(), 50);

    // The same instance twice in one batch is stored once; key order does not matter.
    let id = uuid();
    let reordered = json!({
        "answers": { "age": "42", "name": "twice" },
        "form_version": "1", "form_id": "household", "instance_id": id
    });
    let (_, _, answer) = app
        .call(
            Method::POST,
            "/api/submissions/batch",
            Some(&app.device),
            Some(json!({ "submissions": [submission(&id, "twice"), reordered, {"bad": true}] })),
        )
        .await;
    let statuses: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["created", "duplicate", "rejected"], "{answer}");
    assert_eq!(app.stored("household").await.len(), 51);

    // A single resend is 200 "already have it".
    let (status, _, answer) = app
        .call(
            Method::POST,
            "/api/submissions",
            Some(&app.device),
            Some(submission(&id, "twice")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["status"], "duplicate");
}

async fn conflicts_and_corrections(backend: Backend) {
    let app = app(backend).await;
    let id = uuid();
    let device = Some(app.device.as_str());
    let (status, _, _) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(submission(&id, "Ana")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Same id, different content: conflict, nothing stored.
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(submission(&id, "Ana Maria")),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "conflict"),
        "{body}"
    );
    assert_eq!(app.stored("household").await.len(), 1);

    // Declared as a correction: a new revision, the old one superseded.
    let mut correction = submission(&id, "Ana Maria");
    correction["corrects"] = json!(id);
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(correction.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["revision"].as_i64()),
        (Some("corrected"), Some(2))
    );
    let stored = app.stored("household").await;
    assert_eq!(stored.len(), 2);
    assert!(stored[0].superseded && !stored[1].superseded);
    assert_eq!(stored[1].answers["name"], "Ana Maria");

    // Resending the correction is a duplicate; resending the original now conflicts.
    let (status, _, body) = app
        .call(Method::POST, "/api/submissions", device, Some(correction))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("duplicate"))
    );
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            device,
            Some(submission(&id, "Ana")),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "conflict")
    );

    // `corrects` must name the submission's own instance.
    let mut wrong = submission(&id, "Ana B");
    wrong["corrects"] = json!(uuid());
    let (status, _, body) = app
        .call(Method::POST, "/api/submissions", device, Some(wrong))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_submission")
    );
    assert_eq!(app.stored("household").await.len(), 2);

    // In a batch, a conflict is one item's result.
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions/batch",
            device,
            Some(json!({ "submissions": [submission(&id, "Ana C"), submission(&uuid(), "Bo")] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"][0]["error"]["code"], "conflict", "{body}");
    assert_eq!(body["results"][0]["http_status"], 409);
    assert_eq!(body["results"][1]["status"], "created");
}

async fn catalog_and_etags(backend: Backend) {
    let app = app(backend).await;
    let ids = |body: &Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}@{}",
                    e["id"].as_str().unwrap(),
                    e["version"].as_str().unwrap()
                )
            })
            .collect()
    };
    let (status, headers, body) = app.call(Method::GET, "/api/forms", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body), ["household@1", "other@1"]);
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();

    let request = |etag: &str, token: Option<&str>, uri: &str| {
        let mut builder = Request::get(uri).header(header::IF_NONE_MATCH, etag);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        builder.body(Body::empty()).unwrap()
    };
    let (status, _, _) = app.send(request(&etag, None, "/api/forms")).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);

    // The device sees only its forms.
    let (_, _, body) = app
        .call(Method::GET, "/api/forms", Some(&app.device), None)
        .await;
    assert_eq!(ids(&body), ["household@1"]);

    // A new version changes the ETag.
    let (status, _, _) = app
        .call(
            Method::POST,
            "/api/forms",
            Some(&app.coordinator),
            Some(household_form("2")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, headers, body) = app.send(request(&etag, None, "/api/forms")).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(headers[header::ETAG].to_str().unwrap(), etag);
    assert_eq!(ids(&body), ["household@1", "household@2", "other@1"]);

    // Closed versions disappear for everyone but coordinators.
    let (status, _, _) = app
        .call(
            Method::POST,
            "/api/forms/household/close?version=1",
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, body) = app.call(Method::GET, "/api/forms", None, None).await;
    assert_eq!(ids(&body), ["household@2", "other@1"]);
    let (_, _, body) = app
        .call(Method::GET, "/api/forms", Some(&app.coordinator), None)
        .await;
    assert_eq!(ids(&body), ["household@1", "household@2", "other@1"]);
    assert_eq!(body[0]["open"], false);
    let (status, _, _) = app
        .call(Method::GET, "/api/forms/household/versions/1", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .call(
            Method::GET,
            "/api/forms/other/versions/1",
            Some(&app.device),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "out of the device's scope");

    // Definitions: the published form, with an ETag that answers 304.
    let (status, headers, body) = app
        .call(
            Method::GET,
            "/api/forms/household/versions/2",
            Some(&app.device),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["version"], "2");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let (status, _, _) = app
        .send(request(
            &etag,
            Some(&app.device),
            "/api/forms/household/versions/2",
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);

    // Versions are immutable; broken forms are refused with every error.
    let mut changed = household_form("2");
    changed["title"] = json!({ "en": "Changed" });
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/forms",
            Some(&app.coordinator),
            Some(changed),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "version_exists")
    );
    let mut broken = household_form("3");
    broken["items"][1]["relevant"] = json!("${nope} > 1");
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/forms",
            Some(&app.coordinator),
            Some(broken),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_form")
    );
    assert!(
        body["error"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("nope"),
        "{body}"
    );
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/forms",
            Some(&app.coordinator),
            Some(json!({ "format": 1 })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_form")
    );
    let (status, _, _) = app
        .call(
            Method::POST,
            "/api/forms/nope/close",
            Some(&app.coordinator),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn audit_log(backend: Backend) {
    let app = app(backend).await;
    let (status, _, _) = app
        .call(
            Method::PUT,
            "/api/users/enum/role",
            Some(&app.admin),
            Some(json!({ "role": "coordinator" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = app
        .call(
            Method::POST,
            "/api/forms/other/close",
            Some(&app.coordinator),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = app
        .call(
            Method::PUT,
            "/api/users/root/role",
            Some(&app.admin),
            Some(json!({ "role": "enumerator" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, _, body) = app
        .call(Method::GET, "/api/audit", Some(&app.admin), None)
        .await;
    let actions: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "form.close",
            "user.role",
            "device_token.create",
            "form.publish",
            "form.publish"
        ],
        "{body}"
    );
    assert_eq!(body[1]["actor"], "user:root");
    assert_eq!(body[1]["target"], "user:enum");
}

async fn protection(backend: Backend) {
    let app = app_with(
        backend,
        Options {
            rate_per_second: 0.01,
            rate_burst: 3.0,
            ..test_options()
        },
    )
    .await;
    // Setup used the coordinator's token; a fresh device token has a full bucket.
    let (_, headers, _) = app
        .call(Method::GET, "/api/forms", Some(&app.device), None)
        .await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    app.call(Method::GET, "/api/forms", Some(&app.device), None)
        .await;
    app.call(Method::GET, "/api/forms", Some(&app.device), None)
        .await;
    let (status, headers, body) = app
        .call(Method::GET, "/api/forms", Some(&app.device), None)
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(headers.contains_key(header::RETRY_AFTER));
    // Another token has its own bucket.
    let (status, _, _) = app
        .call(Method::GET, "/api/forms", Some(&app.admin), None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn password_guessing(backend: Backend) {
    let app = app(backend).await;
    let attempt = |username: &'static str, password: &'static str| {
        app.call(
            Method::POST,
            "/api/sessions",
            None,
            Some(json!({ "username": username, "password": password })),
        )
    };
    // Issue 12: failures slow down the address that makes them, on that
    // account (five free, then 1 s, 2 s, ... up to 15 min); they no longer
    // lock the account (other addresses: tests/issue12_smaller.rs). The
    // limiter's clock stands still, so however slow argon2 is here, no
    // wait runs out behind the test's back.
    for _ in 0..6 {
        let (status, _, _) = attempt("coord", "guess-guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits now, for any spelling of the name.
    let (status, headers, body) = attempt("Coord", "password-123").await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert_eq!(headers[header::RETRY_AFTER], "1");
    // Other accounts are unaffected.
    app.login("root", "password-123").await;
    // A second later the right password works.
    app.clock.advance(Duration::from_secs(1));
    app.login("coord", "password-123").await;
}

async fn concurrent_duplicates(backend: Backend) {
    let app = std::sync::Arc::new(app(backend).await);
    // Eight devices race to send the same batch: one wins, the others are
    // told "already have it" (on PostgreSQL via the unique index and a retry).
    let batch: Vec<Value> = (0..20)
        .map(|i| submission(&uuid(), &format!("r{i}")))
        .collect();
    let body = json!({ "submissions": batch });
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            let body = body.clone();
            tokio::spawn(async move {
                app.call(
                    Method::POST,
                    "/api/submissions/batch",
                    Some(&app.device),
                    Some(body),
                )
                .await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let (status, _, answer) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{answer}");
        for result in answer["results"].as_array().unwrap() {
            match result["status"].as_str().unwrap() {
                "created" => created += 1,
                "duplicate" => {}
                other => panic!("unexpected {other}: {result}"),
            }
        }
    }
    assert_eq!(created, 20);
    assert_eq!(app.stored("household").await.len(), 20);
}

async fn provisioning_link(backend: Backend) {
    let app = app(backend).await;
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/device-tokens",
            Some(&app.coordinator),
            Some(json!({ "label": "tablet 7", "forms": ["household", "other"] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let token = body["token"].as_str().unwrap();
    assert_eq!(
        body["provisioning_url"],
        format!("https://survey.example.org/#/provision?token={token}")
    );
    let (_, _, list) = app
        .call(
            Method::GET,
            "/api/device-tokens",
            Some(&app.coordinator),
            None,
        )
        .await;
    assert!(!list.to_string().contains(token), "tokens are never listed");
    let (status, _, me) = app.call(Method::GET, "/api/me", Some(token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["device"]["forms"], json!(["household", "other"]));
}

/// Designers upload their XLSForm workbook directly; a broken one comes back
/// with every error located by sheet, row and column.
async fn xlsform_upload(backend: Backend) {
    let app = app(backend).await;
    let coord = Some(app.coordinator.as_str());
    let workbook = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../forms/ssc_annual_report.xlsx"),
    )
    .unwrap();
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let (status, _, body) = app
        .raw(Method::POST, "/api/forms", coord, xlsx, workbook.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["id"].as_str(), body["version"].as_str()),
        (Some("ssc_annual_report"), Some("2026.1"))
    );
    let (status, _, _) = app
        .raw(Method::POST, "/api/forms", coord, xlsx, workbook)
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the same workbook again is already published"
    );
    let (_, _, list) = app.call(Method::GET, "/api/forms", None, None).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "ssc_annual_report"),
        "{list}"
    );

    let broken =
        "survey,type,name,label,relevant\n,integer,hh_size,Size,\n,text,q1,Q1,${hh_sise} > 1\n";
    let (status, _, body) = app
        .raw(Method::POST, "/api/forms", coord, "text/csv", broken)
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_form"),
        "{body}"
    );
    let errors = body["error"]["fields"].to_string() + &body["error"]["message"].to_string();
    assert!(
        errors.contains(
            "survey row 3, column relevant: ${hh_sise} is not a field; did you mean ${hh_size}?"
        ),
        "{body}"
    );

    let (status, _, body) = app
        .raw(Method::POST, "/api/forms", coord, "image/png", "x")
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
}

async fn sync_limits_and_receipt_time(backend: Backend) {
    let app = app(backend).await;
    // Every principal learns the limits its batches must fit.
    for token in [&app.device, &app.enumerator, &app.coordinator, &app.admin] {
        let (status, _, body) = app.call(Method::GET, "/api/me", Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["limits"],
            json!({ "max_batch": 50, "max_body_bytes": 256 * 1024 }),
            "{body}"
        );
        assert!(body["kind"].is_string(), "{body}");
    }
    let before = fieldform_server::store::now_ms();
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions/batch",
            Some(&app.device),
            Some(json!({ "submissions": [submission(&uuid(), "Timed")] })),
        )
        .await;
    let after = fieldform_server::store::now_ms();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"][0]["status"], "created", "{body}");
    let received_at = body["received_at"].as_i64().unwrap();
    assert!(
        (before..=after).contains(&received_at),
        "{before} <= {received_at} <= {after}"
    );
}

/// POSTs a review as the coordinator; returns (status, body).
async fn review(app: &TestApp, instance_id: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, answer) = app
        .call(
            Method::POST,
            &format!("/api/submissions/{instance_id}/reviews"),
            Some(&app.coordinator),
            Some(body),
        )
        .await;
    (status, answer)
}

/// The instance ids `token` is asked to correct, in order.
async fn corrections(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, _, body) = app
        .call(Method::GET, "/api/corrections", Some(token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["corrections"].as_array().unwrap().clone()
}

async fn reviews(backend: Backend) {
    let app = app(backend).await;
    let id = uuid();
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            Some(&app.device),
            Some(submission(&id, "Ana")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Created against the current revision; the path's case does not matter.
    let (status, body) = review(&app, &id.to_uppercase(), json!({ "status": "received" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let first_id = body["id"].as_i64().unwrap();
    assert_eq!(body["instance_id"], id.as_str(), "{body}");
    assert_eq!(body["revision"], 1);
    assert_eq!(body["status"], "received");
    assert_eq!(body["comment"], "");
    assert_eq!(body["author"], "user:coord");
    assert!(body["created_at"].as_i64().unwrap() > 0);
    let (status, body) = review(
        &app,
        &id,
        json!({ "status": "approved", "comment": "looks fine" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Listed oldest first, for coordinators.
    let (status, _, body) = app
        .call(
            Method::GET,
            &format!("/api/submissions/{id}/reviews"),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let statuses: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["received", "approved"], "{body}");
    assert_eq!(body[0]["id"].as_i64(), Some(first_id));

    // Unknown instances are 404 on both routes.
    let unknown = uuid();
    let (status, body) = review(&app, &unknown, json!({ "status": "received" })).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&unknown),
        "{body}"
    );
    let (status, _, body) = app
        .call(
            Method::GET,
            &format!("/api/submissions/{unknown}/reviews"),
            Some(&app.coordinator),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );

    // Enumerators and devices may not review.
    for token in [&app.enumerator, &app.device] {
        let (status, _, body) = app
            .call(
                Method::POST,
                &format!("/api/submissions/{id}/reviews"),
                Some(token),
                Some(json!({ "status": "approved" })),
            )
            .await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::FORBIDDEN, "forbidden")
        );
    }

    // A request for correction or a rejection must say why.
    for bad in [
        json!({ "status": "has_issues" }),
        json!({ "status": "has_issues", "comment": "  " }),
        json!({ "status": "rejected", "comment": "" }),
        json!({ "status": "approved", "comment": "é".repeat(2001) }),
    ] {
        let (status, body) = review(&app, &id, bad.clone()).await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{bad}: {body}"
        );
        assert_eq!(body["error"]["fields"][0]["field"], "comment", "{body}");
    }
    // 2000 characters (not bytes) is the limit.
    let (status, body) = review(
        &app,
        &id,
        json!({ "status": "approved", "comment": "é".repeat(2000) }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = review(&app, &id, json!({ "status": "lost" })).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json"),
        "{body}"
    );

    // Nothing refused was stored; every review is audited.
    let (_, _, body) = app
        .call(
            Method::GET,
            &format!("/api/submissions/{id}/reviews"),
            Some(&app.coordinator),
            None,
        )
        .await;
    assert_eq!(body.as_array().unwrap().len(), 3, "{body}");
    let (_, _, body) = app
        .call(Method::GET, "/api/audit", Some(&app.admin), None)
        .await;
    let reviews: Vec<&Value> = body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "submission.review")
        .collect();
    assert_eq!(reviews.len(), 3, "{body}");
    assert_eq!(reviews[0]["actor"], "user:coord");
    assert_eq!(reviews[0]["target"], format!("submission:{id}"));
    assert_eq!(reviews[0]["details"]["status"], "approved");
}

async fn corrections_requested(backend: Backend) {
    let app = app(backend).await;
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/device-tokens",
            Some(&app.coordinator),
            Some(json!({ "label": "tablet 2", "forms": ["household"] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let other_device = body["token"].as_str().unwrap().to_owned();
    let (mine, approved_later, theirs, by_enumerator) = (uuid(), uuid(), uuid(), uuid());
    for (token, id) in [
        (&app.device, &mine),
        (&app.device, &approved_later),
        (&other_device, &theirs),
        (&app.enumerator, &by_enumerator),
    ] {
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/submissions",
                Some(token),
                Some(submission(id, "Ana")),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert!(corrections(&app, &app.device).await.is_empty());
    for id in [&mine, &approved_later, &theirs, &by_enumerator] {
        let (status, body) = review(
            &app,
            id,
            json!({ "status": "has_issues", "comment": format!("check the age of {id}") }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Only the latest review counts.
    let (status, body) = review(&app, &approved_later, json!({ "status": "approved" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Each caller learns of its own submissions only.
    let listed = corrections(&app, &app.device).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let correction = &listed[0];
    assert_eq!(correction["instance_id"], mine.as_str());
    assert_eq!(correction["form_id"], "household");
    assert_eq!(correction["form_version"], "1");
    assert_eq!(correction["revision"], 1);
    assert_eq!(correction["comment"], format!("check the age of {mine}"));
    assert_eq!(correction["author"], "user:coord");
    assert!(correction["requested_at"].as_i64().unwrap() > 0);
    let ids = |list: Vec<Value>| -> Vec<String> {
        list.iter()
            .map(|c| c["instance_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(corrections(&app, &other_device).await),
        [theirs.as_str()]
    );
    assert_eq!(
        ids(corrections(&app, &app.enumerator).await),
        [by_enumerator.as_str()]
    );
    assert!(corrections(&app, &app.coordinator).await.is_empty());

    // The device sends its correction: a new revision, no longer listed.
    let mut corrected = submission(&mine, "Ana Maria");
    corrected["corrects"] = json!(mine);
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions/batch",
            Some(&app.device),
            Some(json!({ "submissions": [corrected] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"][0]["status"], "corrected", "{body}");
    assert!(corrections(&app, &app.device).await.is_empty());

    // Sent back again: the new revision is the one to correct.
    let (status, body) = review(
        &app,
        &mine,
        json!({ "status": "has_issues", "comment": "still wrong" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["revision"], 2);
    let listed = corrections(&app, &app.device).await;
    assert_eq!(ids(listed.clone()), [mine.as_str()]);
    assert_eq!(listed[0]["revision"], 2);
    assert_eq!(listed[0]["comment"], "still wrong");
}

on_both_backends!(
    authorization_matrix,
    bad_inputs,
    idempotent_batches,
    conflicts_and_corrections,
    catalog_and_etags,
    audit_log,
    protection,
    password_guessing,
    concurrent_duplicates,
    provisioning_link,
    xlsform_upload,
    sync_limits_and_receipt_time,
    reviews,
    corrections_requested,
);

// ---------------------------------------------------------------------------
// Issue 12, items 4, 5, 7 and 9: corrections stay in their lane, re-sends
// after a form closes, form ids and versions, and rate-limit keys.

mod issue12_access {
    use super::*;
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    async fn post(app: &TestApp, token: &str, item: Value) -> (StatusCode, Value) {
        let (status, _, body) = app
            .call(Method::POST, "/api/submissions", Some(token), Some(item))
            .await;
        (status, body)
    }

    fn in_form(id: &str, form: &str, name: &str) -> Value {
        let mut item = submission(id, name);
        item["form_id"] = json!(form);
        item
    }

    fn correcting(mut item: Value) -> Value {
        item["corrects"] = item["instance_id"].clone();
        item
    }

    /// Item 5: a correction must keep the original's form and come from its
    /// submitter or a coordinator; others learn only that the id is taken.
    pub(super) async fn corrections_stay_in_their_lane(backend: Backend) {
        let app = app(backend).await;
        let (device, enumerator) = (app.device.clone(), app.enumerator.clone());
        // The enumerator's submissions, one per form.
        let other_id = uuid();
        let (status, body) = post(&app, &enumerator, in_form(&other_id, "other", "Eve")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let household_id = uuid();
        let (status, body) = post(&app, &enumerator, submission(&household_id, "Eve")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // The device (scoped to `household`) cannot supersede the `other`
        // form's submission by naming its id in a `household` correction.
        let (status, body) = post(&app, &device, correcting(submission(&other_id, "Mal"))).await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::CONFLICT, "instance_not_yours"),
            "{body}"
        );
        // Nor correct another submitter's submission in its own form.
        let (status, body) =
            post(&app, &device, correcting(submission(&household_id, "Mal"))).await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::CONFLICT, "instance_not_yours"),
            "{body}"
        );
        // A plain conflicting re-use of the id says the same, without the
        // revision; in a batch too.
        let (status, body) = post(&app, &device, submission(&household_id, "Mal")).await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::CONFLICT, "instance_not_yours"),
            "{body}"
        );
        assert!(!body.to_string().contains("revision"), "{body}");
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/submissions/batch",
                Some(&device),
                Some(json!({ "submissions": [submission(&household_id, "Mal")] })),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let result = &body["results"][0];
        assert_eq!(result["error"]["code"], "instance_not_yours", "{body}");
        assert!(result.get("revision").is_none(), "{body}");
        // Nothing changed.
        let other = app.stored("other").await;
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].answers["name"], "Eve");
        let household = app.stored("household").await;
        assert_eq!(household.len(), 1);
        assert_eq!(household[0].answers["name"], "Eve");

        // The submitter cannot move its submission to another form.
        let (status, body) = post(
            &app,
            &enumerator,
            correcting(submission(&other_id, "Eve B")),
        )
        .await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "correction_form_mismatch"),
            "{body}"
        );
        assert_eq!(app.stored("household").await.len(), 1);
        assert_eq!(app.stored("other").await.len(), 1);

        // A coordinator may correct anyone's; the submitter still may after.
        let (status, body) = post(
            &app,
            &app.coordinator,
            correcting(submission(&household_id, "Eve C")),
        )
        .await;
        assert_eq!(
            (status, body["revision"].as_i64()),
            (StatusCode::CREATED, Some(2)),
            "{body}"
        );
        let (status, body) = post(
            &app,
            &enumerator,
            correcting(submission(&household_id, "Eve D")),
        )
        .await;
        assert_eq!(
            (status, body["revision"].as_i64()),
            (StatusCode::CREATED, Some(3)),
            "{body}"
        );
        // And the device still cannot.
        let (status, body) =
            post(&app, &device, correcting(submission(&household_id, "Mal"))).await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::CONFLICT, "instance_not_yours"),
            "{body}"
        );
    }

    /// Item 7: an exact re-send is a duplicate even after the form closed.
    pub(super) async fn resend_after_close_is_a_duplicate(backend: Backend) {
        let app = app(backend).await;
        let device = app.device.clone();
        let id = uuid();
        let (status, body) = post(&app, &device, submission(&id, "Ana")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/forms/household/close",
                Some(&app.coordinator),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The reply was lost; the device sends the same again.
        let (status, body) = post(&app, &device, submission(&id, "Ana")).await;
        assert_eq!(
            (status, body["status"].as_str(), body["revision"].as_i64()),
            (StatusCode::OK, Some("duplicate"), Some(1)),
            "{body}"
        );
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/submissions/batch",
                Some(&device),
                Some(json!({ "submissions": [submission(&id, "Ana"), submission(&uuid(), "Bo")] })),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["results"][0]["status"], "duplicate", "{body}");
        assert_eq!(body["results"][1]["error"]["code"], "form_closed", "{body}");

        // The same content from another credential (a tablet enrolled
        // again) is a duplicate too: it already holds the whole content.
        let (status, body) = post(&app, &app.enumerator, submission(&id, "Ana")).await;
        assert_eq!(
            (status, body["status"].as_str()),
            (StatusCode::OK, Some("duplicate")),
            "{body}"
        );
        // Anything else is still refused: other content, a correction, a
        // new instance.
        for (token, item) in [
            (&device, submission(&id, "Ana B")),
            (&device, correcting(submission(&id, "Ana B"))),
            (&device, submission(&uuid(), "Bo")),
        ] {
            let (status, body) = post(&app, token, item).await;
            assert_eq!(
                (status, error_code(&body)),
                (StatusCode::CONFLICT, "form_closed"),
                "{body}"
            );
        }
        assert_eq!(app.stored("household").await.len(), 1);
    }

    /// Item 9: ids and versions are XML-name-like and at most 64 characters.
    pub(super) async fn form_ids_and_versions_are_checked(backend: Backend) {
        let app = app(backend).await;
        let publish = |id: &str, version: &str| {
            let mut form = household_form(version);
            form["id"] = json!(id);
            app.call(
                Method::POST,
                "/api/forms",
                Some(&app.coordinator),
                Some(form),
            )
        };
        let long = format!("f{}", "x".repeat(64));
        for (id, version, field) in [
            ("../../etc", "1", "id"),
            ("<script>", "1", "id"),
            ("a/b", "1", "id"),
            ("1abc", "1", "id"),
            (long.as_str(), "1", "id"),
            ("fine", "../1", "version"),
            ("fine", "1 <b>", "version"),
            ("fine", "..", "version"),
        ] {
            let (status, _, body) = publish(id, version).await;
            assert_eq!(
                (status, error_code(&body)),
                (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
                "`{id}` `{version}`: {body}"
            );
            assert_eq!(body["error"]["fields"][0]["field"], field, "{body}");
        }
        let catalog = app.call(Method::GET, "/api/forms", None, None).await.2;
        assert!(!catalog.to_string().contains("fine"), "{catalog}");

        // The longest allowed, and the usual shapes, publish.
        let longest = format!("_{}", "x".repeat(63));
        for (id, version) in [
            (longest.as_str(), "1"),
            ("ggs.household-v2", "2024-06-01"),
            ("survey_b", "v1.2_rc"),
        ] {
            let (status, _, body) = publish(id, version).await;
            assert_eq!(status, StatusCode::CREATED, "`{id}` `{version}`: {body}");
        }
        // The shipped forms pass.
        for name in ["ggs_household.form.json", "ssc_annual_report.form.json"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../forms")
                .join(name);
            let form =
                fieldform_engine::model::Form::from_json(&std::fs::read_to_string(&path).unwrap())
                    .unwrap();
            fieldform_server::catalog::check_key(&form).unwrap();
        }
    }

    async fn from(
        app: &TestApp,
        peer: &str,
        forwarded: Option<&str>,
        token: Option<&str>,
    ) -> StatusCode {
        let peer: SocketAddr = peer.parse().unwrap();
        let mut builder = Request::builder()
            .method(Method::GET)
            .uri("/api/forms")
            .extension(ConnectInfo(peer));
        if let Some(forwarded) = forwarded {
            builder = builder.header("x-forwarded-for", forwarded);
        }
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        app.send(builder.body(Body::empty()).unwrap()).await.0
    }

    /// Item 4: made-up tokens share their address's bucket; a verified token
    /// has its own; `X-Forwarded-For` counts only from a trusted proxy.
    pub(super) async fn rate_limit_keys(backend: Backend) {
        let app = app_with(
            backend,
            Options {
                rate_per_second: 0.01,
                rate_burst: 3.0,
                trusted_proxies: vec!["10.9.9.9".parse().unwrap()],
                ..test_options()
            },
        )
        .await;
        let random = || format!("{}{}", fieldform_server::auth::SESSION_PREFIX, uuid());
        for _ in 0..3 {
            assert_eq!(
                from(&app, "10.0.0.1:1000", None, Some(&random())).await,
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(
            from(&app, "10.0.0.1:1001", None, Some(&random())).await,
            StatusCode::TOO_MANY_REQUESTS,
            "a fresh made-up token must not get a fresh bucket"
        );
        assert_eq!(
            from(&app, "10.0.0.1:1002", None, Some("not-even-a-token")).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            from(&app, "10.0.0.1:1003", None, None).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // A verified token from that address has its own bucket.
        assert_eq!(
            from(&app, "10.0.0.1:1004", None, Some(&app.device)).await,
            StatusCode::OK
        );
        // Another address is unaffected.
        assert_eq!(
            from(&app, "10.0.0.2:1000", None, Some(&random())).await,
            StatusCode::UNAUTHORIZED
        );

        // From an untrusted peer, `X-Forwarded-For` changes nothing.
        for (i, expected) in [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS,
        ]
        .into_iter()
        .enumerate()
        {
            let forged = format!("192.0.2.{i}");
            assert_eq!(
                from(&app, "10.0.0.3:1000", Some(&forged), None).await,
                expected
            );
        }
        // Behind the trusted proxy, each client has its own bucket; what
        // the client wrote left of the proxy's entry is not believed.
        for _ in 0..3 {
            assert_eq!(
                from(&app, "10.9.9.9:1000", Some("203.0.113.7"), None).await,
                StatusCode::OK
            );
        }
        assert_eq!(
            from(
                &app,
                "10.9.9.9:1000",
                Some("198.51.100.1, 203.0.113.7"),
                None
            )
            .await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            from(&app, "10.9.9.9:1000", Some("203.0.113.8"), None).await,
            StatusCode::OK
        );
    }

    on_both_backends!(
        corrections_stay_in_their_lane,
        resend_after_close_is_a_duplicate,
        form_ids_and_versions_are_checked,
        rate_limit_keys,
    );
}

// ---------------------------------------------------------------------------
/// Issue 12, items 1 and 3: input that used to crash the server or make it
/// build (and answer) megabytes.
mod issue12_limits {
    use super::*;

    /// Item 1: a constraint of 5,000 `-` signs aborted the whole process
    /// (stack overflow in the parser). Now a located refusal, and the
    /// server goes on serving.
    pub(super) async fn deep_expression_is_refused_on_publish(backend: Backend) {
        let app = app(backend).await;
        let coord = app.coordinator.clone();
        let mut form = household_form("1");
        form["id"] = json!("deep");
        form["items"][1]["constraint"] = json!(format!("{}1", "-".repeat(5_000)));
        let (status, _, body) = app
            .call(Method::POST, "/api/forms", Some(&coord), Some(form))
            .await;
        assert!(status.is_client_error(), "{status} {body:.500}");
        let text = body.to_string();
        assert!(
            text.contains("too deeply nested (more than 256 levels) at position 256"),
            "{text:.1000}"
        );
        assert!(text.contains("age"), "names the field: {text:.1000}");
        let (status, _, _) = app.call(Method::GET, "/api/forms", None, None).await;
        assert_eq!(status, StatusCode::OK);
    }

    fn roster_form() -> Value {
        json!({
            "format": 1,
            "id": "roster",
            "version": "1",
            "title": { "en": "Roster" },
            "languages": [{ "code": "en", "name": "English" }],
            "default_language": "en",
            "items": [
                { "kind": "question", "name": "n", "type": "integer", "label": { "en": "How many?" } },
                { "kind": "repeat", "name": "member", "label": { "en": "Member" },
                  "repeat_count": "${n}", "items": [
                    { "kind": "question", "name": "who", "type": "text",
                      "label": { "en": "Name" }, "required": "true()" }
                ]}
            ]
        })
    }

    fn counted(n: &str) -> Value {
        json!({
            "instance_id": uuid(),
            "form_id": "roster",
            "form_version": "1",
            "answers": { "n": n }
        })
    }

    /// Item 3: a 790-byte submission with a count of 99,999,999 built
    /// 10,000 instances and a 9 MB refusal (457 MB for a batch of 50).
    pub(super) async fn amplified_submissions_get_small_refusals(backend: Backend) {
        let app = app(backend).await;
        let (coord, enumerator) = (app.coordinator.clone(), app.enumerator.clone());
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/forms",
                Some(&coord),
                Some(roster_form()),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        let started = std::time::Instant::now();
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/submissions",
                Some(&enumerator),
                Some(counted("99999999")),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:.500}");
        let size = body.to_string().len();
        assert!(size < 20_000, "one refusal is {size} bytes");
        assert!(
            body.to_string().contains("more than 1000 instances"),
            "{body:.500}"
        );

        // Allowed instances, each failing a check: the list is capped.
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/submissions",
                Some(&enumerator),
                Some(counted("900")),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:.500}");
        let size = body.to_string().len();
        assert!(size < 20_000, "one refusal is {size} bytes");
        let fields = body["error"]["fields"].as_array().expect("fields");
        assert_eq!(fields.len(), 51, "{body:.500}");

        let batch: Vec<Value> = (0..50).map(|_| counted("99999999")).collect();
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/submissions/batch",
                Some(&enumerator),
                Some(json!({ "submissions": batch })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body:.500}");
        let size = body.to_string().len();
        assert!(size < 1_000_000, "a batch reply is {size} bytes");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
        assert!(app.stored("roster").await.is_empty());
        // And the server still takes a good one.
        let mut good = counted("1");
        good["answers"]["member"] = json!([{ "who": "Ana" }]);
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/submissions",
                Some(&enumerator),
                Some(good),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body:.500}");
    }

    on_both_backends!(
        deep_expression_is_refused_on_publish,
        amplified_submissions_get_small_refusals,
    );
}
