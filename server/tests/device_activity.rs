//! `GET /api/device-tokens` tells the console what each device sent: how
//! many responses (a correction is the same response) and when the last
//! one arrived. Runs on SQLite and on PostgreSQL
//! (`FIELDFORM_TEST_DATABASE_URL`, see `pg`).

#[path = "pg/mod.rs"]
mod pg;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use fieldform_server::config::{Config, Options};
use fieldform_server::http::{AppState, router};
use fieldform_server::store::Role;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

const PASSWORD: &str = "password-123";

struct TestApp {
    router: Router,
    _dir: tempfile::TempDir,
}

async fn app(backend: Backend) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("test.db").display()),
        Backend::Postgres => {
            pg::fresh_database("cargo test -p fieldform-server --test device_activity sqlite::")
                .await
        }
    };
    let store = fieldform_server::store::open(&url)
        .await
        .expect("open store");
    fieldform_server::accounts::create_user(store.as_ref(), "coord", Role::Coordinator, PASSWORD)
        .await
        .expect("hash")
        .expect("create");
    let config = Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.path().to_path_buf(),
        database_url: Some(url),
        forms_dir: None,
        app_dir: dir.path().join("no-app"),
    };
    let options = Options {
        rate_per_second: 10_000.0,
        rate_burst: 10_000.0,
        public_url: Some("https://survey.example.org".into()),
        ..Options::default()
    };
    TestApp {
        router: router(AppState::new(store, options), &config),
        _dir: dir,
    }
}

impl TestApp {
    async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(body) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(builder.body(body).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON body")
        };
        (status, body)
    }
}

fn uuid() -> String {
    let hex = fieldform_server::auth::new_token("");
    format!(
        "{}-{}-7{}-8{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn submission(instance_id: &str, name: &str) -> Value {
    json!({ "instance_id": instance_id, "form_id": "household", "form_version": "1",
            "answers": { "name": name } })
}

async fn each_device_says_what_it_sent(backend: Backend) {
    let app = app(backend).await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/sessions",
            None,
            Some(json!({ "username": "coord", "password": PASSWORD })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let coord = body["token"].as_str().expect("token").to_owned();
    let coord = Some(coord.as_str());
    let form = json!({
        "format": 1, "id": "household", "version": "1", "title": { "en": "Household" },
        "languages": [{ "code": "en", "name": "English" }], "default_language": "en",
        "items": [{ "kind": "question", "name": "name", "type": "text", "label": { "en": "Name" } }]
    });
    let (status, body) = app
        .call(Method::POST, "/api/forms", coord, Some(form))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut tokens = Vec::new();
    for label in ["busy tablet", "idle tablet"] {
        let (status, body) = app
            .call(
                Method::POST,
                "/api/device-tokens",
                coord,
                Some(json!({ "label": label, "forms": ["household"] })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        tokens.push(body["token"].as_str().expect("token").to_owned());
    }
    let busy = Some(tokens[0].as_str());

    // Two responses, one of them corrected: still two responses.
    let (first, second) = (uuid(), uuid());
    for (id, name) in [(&first, "Ana"), (&second, "Ion")] {
        let (status, body) = app
            .call(
                Method::POST,
                "/api/submissions",
                busy,
                Some(submission(id, name)),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let mut correction = submission(&first, "Ana Maria");
    correction["corrects"] = json!(first);
    let (status, body) = app
        .call(Method::POST, "/api/submissions", busy, Some(correction))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A person's submission counts for no device.
    let (status, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            coord,
            Some(submission(&uuid(), "Eva")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, body) = app
        .call(Method::GET, "/api/device-tokens", coord, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let devices = body.as_array().expect("a list");
    let find = |label: &str| {
        devices
            .iter()
            .find(|d| d["label"] == label)
            .unwrap_or_else(|| panic!("{label} in {body}"))
    };
    let (busy, idle) = (find("busy tablet"), find("idle tablet"));
    assert_eq!(busy["submissions"], 2, "{busy}");
    let last = busy["last_submission_at"].as_i64().expect("a time");
    let created = busy["created_at"].as_i64().expect("a time");
    assert!(last >= created, "{busy}");
    assert_eq!(idle["submissions"], 0, "{idle}");
    assert_eq!(idle["last_submission_at"], Value::Null, "{idle}");
    // What the list always said is still there.
    assert_eq!(busy["forms"], json!(["household"]));
    assert_eq!(busy["revoked_at"], Value::Null);
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Postgres).await
                }
            )*
        }
    };
}

on_both_backends!(each_device_says_what_it_sent);
