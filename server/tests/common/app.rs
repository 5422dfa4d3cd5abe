//! An in-process server on a fresh database, called through
//! `tower::ServiceExt::oneshot`: requests, logins, users, forms and device
//! tokens as the tests set them up.

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use fieldform_server::config::{Config, Options};
use fieldform_server::http::security::ManualClock;
use fieldform_server::http::{AppState, router};
use fieldform_server::store::{Role, SharedStore};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::backend::{Backend, database_url};

/// Every test user's password.
pub const PASSWORD: &str = "password-123";

/// A server, its store and the database behind it.
pub struct TestServer {
    pub router: Router,
    pub store: SharedStore,
    pub url: String,
    pub backend: Backend,
    /// The rate limiters' time: it stands still unless a test advances it,
    /// so limits do not depend on how fast this machine runs argon2.
    pub clock: Arc<ManualClock>,
    /// The data directory, when the server owns it (removed on drop).
    _dir: Option<tempfile::TempDir>,
}

impl TestServer {
    /// A server on a fresh database of `backend`, in a temporary directory.
    pub async fn start(backend: Backend, options: Options) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = database_url(backend, dir.path()).await;
        let mut server = TestServer::open(&url, dir.path(), options).await;
        server._dir = Some(dir);
        server
    }

    /// A server on the database at `url`, with `data_dir` (the caller's).
    pub async fn open(url: &str, data_dir: &Path, options: Options) -> TestServer {
        let store = fieldform_server::store::open(url)
            .await
            .expect("open store");
        let config = Config {
            addr: "127.0.0.1:0".parse().expect("addr"),
            data_dir: data_dir.to_path_buf(),
            database_url: Some(url.to_owned()),
            forms_dir: None,
            app_dir: data_dir.join("no-app"),
        };
        let clock = Arc::new(ManualClock::new());
        let router = router(
            AppState::with_clock(store.clone(), options, clock.clone()),
            &config,
        );
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        TestServer {
            router,
            store,
            url: url.to_owned(),
            backend,
            clock,
            _dir: None,
        }
    }

    /// Creates the users (with [`PASSWORD`]), in order.
    pub async fn create_users(&self, users: &[(&str, Role)]) {
        for &(name, role) in users {
            fieldform_server::accounts::create_user(self.store.as_ref(), name, role, PASSWORD)
                .await
                .expect("hash")
                .expect("create user");
        }
    }

    /// Signs in; asserts it succeeded and returns the session token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, _, body) = self
            .call(
                Method::POST,
                "/api/sessions",
                None,
                Some(json!({ "username": username, "password": password })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Publishes a form (a `.form.json` value); asserts it succeeded.
    pub async fn publish(&self, token: &str, form: Value) {
        let (status, _, body) = self
            .call(Method::POST, "/api/forms", Some(token), Some(form))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    /// Creates a device token for `forms`; asserts it succeeded.
    pub async fn device_token(&self, token: &str, label: &str, forms: &[&str]) -> String {
        let (status, _, body) = self
            .call(
                Method::POST,
                "/api/device-tokens",
                Some(token),
                Some(json!({ "label": label, "forms": forms })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// A request with an optional bearer token and JSON body.
    pub fn request(
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Request<Body> {
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
        builder.body(body).expect("request")
    }

    /// Sends a request; the answer's status, headers and whole body.
    pub async fn send_bytes(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, headers, bytes)
    }

    /// Sends a request; the body read by [`json_or_text`].
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
        let (status, headers, bytes) = self.send_bytes(request).await;
        (status, headers, json_or_text(&bytes))
    }

    /// `method uri` with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        self.send(Self::request(method, uri, token, body)).await
    }

    /// `method uri` as `token`: the status and the body.
    pub async fn call_as(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, _, body) = self.call(method, uri, Some(token), body).await;
        (status, body)
    }

    /// `method uri` with a body of any content type.
    pub async fn raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(builder.body(body.into()).expect("request")).await
    }
}

/// A server with its users signed in: `root` (admin), `coord`
/// (coordinator) and `enum` (enumerator), those a test file asks for. It
/// derefs to the [`TestServer`]; each file adds its own helpers in its
/// own `impl TestApp`.
pub struct TestApp {
    pub server: TestServer,
    /// Session tokens; empty for a role the file did not ask for.
    pub admin: String,
    pub coordinator: String,
    pub enumerator: String,
    /// A device token, empty until the file's setup makes one.
    pub device: String,
}

impl TestApp {
    /// Creates a user for each of `roles` (as above), then signs them in.
    pub async fn with_users(server: TestServer, roles: &[Role]) -> TestApp {
        let name = |role: &Role| match role {
            Role::Admin => "root",
            Role::Coordinator => "coord",
            Role::Enumerator => "enum",
        };
        let users: Vec<(&str, Role)> = roles.iter().map(|role| (name(role), *role)).collect();
        server.create_users(&users).await;
        let mut app = TestApp {
            server,
            admin: String::new(),
            coordinator: String::new(),
            enumerator: String::new(),
            device: String::new(),
        };
        for (name, role) in users {
            let token = app.server.login(name, PASSWORD).await;
            match role {
                Role::Admin => app.admin = token,
                Role::Coordinator => app.coordinator = token,
                Role::Enumerator => app.enumerator = token,
            }
        }
        app
    }

    /// A server on a fresh database of `backend` with limits no test
    /// reaches (30 s a request, 10,000 requests a second) and a user for
    /// each of `roles` signed in.
    pub async fn unlimited(backend: Backend, roles: &[Role]) -> TestApp {
        let options = Options {
            request_timeout: std::time::Duration::from_secs(30),
            rate_per_second: 10_000.0,
            rate_burst: 10_000.0,
            ..Options::default()
        };
        TestApp::with_users(TestServer::start(backend, options).await, roles).await
    }
}

impl Deref for TestApp {
    type Target = TestServer;

    fn deref(&self) -> &TestServer {
        &self.server
    }
}

/// A reply body: nothing is `null`, JSON is parsed, anything else is kept
/// as a string so assertions can show it.
pub fn json_or_text(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
    }
}
