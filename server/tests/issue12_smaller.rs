//! Issue 12, the smaller items: password guessing slows the guesser (not
//! the account), case-insensitive usernames, provisioning links need a
//! public URL, paged submissions, no internal detail in error replies, and
//! audit rows in the action's transaction. Each runs on SQLite and on
//! PostgreSQL (`FIELDFORM_TEST_DATABASE_URL`, see `common::pg`).

#[macro_use]
mod common;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use common::{Backend, PASSWORD, TestApp, TestServer, error_code, uuid};
use fieldform_server::config::Options;
use fieldform_server::http::security::LoginThrottle;
use fieldform_server::store::Role;
use serde_json::{Value, json};

fn options(public_url: Option<&str>) -> Options {
    Options {
        rate_per_second: 10_000.0,
        rate_burst: 10_000.0,
        public_url: public_url.map(str::to_owned),
        ..Options::default()
    }
}

fn form() -> Value {
    json!({
        "format": 1,
        "id": "household",
        "version": "1",
        "title": { "en": "Household" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "items": [
            { "kind": "question", "name": "name", "type": "text", "label": { "en": "Name" } }
        ]
    })
}

/// The server with an admin and a coordinator signed in and [`form`]
/// published.
async fn app(backend: Backend, options: Options) -> TestApp {
    let server = TestServer::start(backend, options).await;
    let app = TestApp::with_users(server, &[Role::Admin, Role::Coordinator]).await;
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/forms",
            Some(&app.coordinator),
            Some(form()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app
}

impl TestApp {
    async fn login(&self, username: &str, password: &str) -> String {
        let (status, _, body) = self.attempt(username, password, None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// A login from `from` (the peer address the server sees), if given.
    async fn attempt(
        &self,
        username: &str,
        password: &str,
        from: Option<&str>,
    ) -> (StatusCode, HeaderMap, Value) {
        self.call_from(
            Method::POST,
            "/api/sessions",
            None,
            Some(json!({ "username": username, "password": password })),
            from,
        )
        .await
    }

    async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        self.call_from(method, uri, token, body, None).await
    }

    async fn call_from(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
        from: Option<&str>,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut request = TestServer::request(method, uri, token, body);
        request.headers_mut().insert(
            header::HOST,
            HeaderValue::from_static("survey.evil.example"),
        );
        if let Some(from) = from {
            let addr: SocketAddr = from.parse().expect("socket address");
            request.extensions_mut().insert(ConnectInfo(addr));
        }
        self.send(request).await
    }

    async fn audit_actions(&self) -> Vec<String> {
        let (status, _, body) = self
            .call(
                Method::GET,
                "/api/audit?limit=1000",
                Some(&self.admin),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array()
            .expect("audit list")
            .iter()
            .map(|e| format!("{} {}", e["action"].as_str().unwrap_or(""), e["target"]))
            .collect()
    }
}

// ---------------------------------------------------------------------------

/// Wrong passwords slow down the address that sends them, for that account
/// only; the owner, from elsewhere, still logs in at once.
async fn guessing_slows_the_guesser_not_the_owner(backend: Backend) {
    let app = app(backend, options(Some("https://survey.example.org"))).await;
    let guesser = Some("198.51.100.7:40000");
    let owner = Some("203.0.113.9:50000");
    for _ in 0..LoginThrottle::FREE_FAILURES + 1 {
        let (status, _, body) = app.attempt("coord", "guess-guess", guesser).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    // The guesser now waits, even with the right password, whatever the case.
    let (status, headers, body) = app.attempt("COORD", PASSWORD, guesser).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert_eq!(headers[header::RETRY_AFTER], "1");
    // The owner does not: another address, the right password.
    let (status, _, body) = app.attempt("coord", PASSWORD, owner).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Nor does the guesser on another account.
    let (status, _, body) = app.attempt("root", PASSWORD, guesser).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Each further failure doubles the wait.
    app.clock.advance(Duration::from_secs(1));
    let (status, _, _) = app.attempt("coord", "guess-again", guesser).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, headers, _) = app.attempt("coord", PASSWORD, guesser).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers[header::RETRY_AFTER], "2");
    app.clock.advance(Duration::from_secs(2));
    let (status, _, body) = app.attempt("coord", PASSWORD, guesser).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // ... and success starts that address afresh.
    let (status, _, _) = app.attempt("coord", "one-typo", guesser).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, body) = app.attempt("coord", PASSWORD, guesser).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// `Ana` and `ana` are one account: stored lowercased, found in any case,
/// and a second spelling is refused, even against an older account that
/// was stored with capitals before this rule.
async fn usernames_are_case_insensitive(backend: Backend) {
    let app = app(backend, options(Some("https://survey.example.org"))).await;
    let admin = Some(app.admin.as_str());
    let (status, _, user) = app
        .call(
            Method::POST,
            "/api/users",
            admin,
            Some(json!({ "username": "Ana.Lopez", "password": PASSWORD, "role": "enumerator" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["username"], "ana.lopez");
    app.login("ANA.lopez", PASSWORD).await;
    app.login(" ana.lopez ", PASSWORD).await;
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/users",
            admin,
            Some(json!({ "username": "ana.LOPEZ", "password": PASSWORD, "role": "admin" })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "username_taken")
    );
    let (status, _, body) = app
        .call(
            Method::PUT,
            "/api/users/Ana.Lopez/role",
            admin,
            Some(json!({ "role": "coordinator" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["username"], "ana.lopez");

    // Accounts from before the rule, differing only in case, both stay
    // usable: an exact match wins.
    let bob = fieldform_server::accounts::hash_password("bob-upper-pass").expect("hash");
    let low = fieldform_server::accounts::hash_password("bob-lower-pass").expect("hash");
    app.sql(&format!(
        "INSERT INTO users (username, role, password_hash, created_at) VALUES \
         ('Bob', 'enumerator', '{bob}', 1), ('bob', 'enumerator', '{low}', 2)"
    ))
    .await;
    app.login("Bob", "bob-upper-pass").await;
    app.login("bob", "bob-lower-pass").await;
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/users",
            admin,
            Some(json!({ "username": "BOB", "password": PASSWORD, "role": "enumerator" })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "username_taken")
    );
}

/// Without `--public-url`, a provisioning link is built from `Host` only
/// for a request from this machine; from anywhere else it is refused, and
/// nothing is created.
async fn provisioning_needs_a_public_url(backend: Backend) {
    let app = app(backend, options(None)).await;
    let coord = Some(app.coordinator.as_str());
    let new = json!({ "label": "tablet 1", "forms": ["household"] });
    for from in [Some("203.0.113.9:50000"), None] {
        let (status, _, body) = app
            .call_from(
                Method::POST,
                "/api/device-tokens",
                coord,
                Some(new.clone()),
                from,
            )
            .await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::CONFLICT, "public_url_required"),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("--public-url"),
            "{body}"
        );
    }
    let (_, _, list) = app
        .call(Method::GET, "/api/device-tokens", coord, None)
        .await;
    assert_eq!(list, json!([]), "nothing was created");
    let (status, _, body) = app
        .call_from(
            Method::POST,
            "/api/device-tokens",
            coord,
            Some(new.clone()),
            Some("127.0.0.1:50000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = body["token"].as_str().expect("token");
    assert_eq!(
        body["provisioning_url"],
        format!("http://survey.evil.example/#/provision?token={token}"),
        "from loopback, the Host header is the operator's own"
    );
    // With a public URL, any address gets a link to it.
    let app = self::app(backend, options(Some("https://survey.example.org"))).await;
    let (status, _, body) = app
        .call_from(
            Method::POST,
            "/api/device-tokens",
            Some(app.coordinator.as_str()),
            Some(new),
            Some("203.0.113.9:50000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        body["provisioning_url"]
            .as_str()
            .unwrap_or_default()
            .starts_with("https://survey.example.org/#/provision?token=")
    );
}

/// A form's submissions come a page at a time, each exactly once, in the
/// order stored, following `Link: rel="next"`.
async fn submissions_come_in_pages(backend: Backend) {
    let app = app(backend, options(Some("https://survey.example.org"))).await;
    let coord = Some(app.coordinator.as_str());
    let mut sent = Vec::new();
    for _ in 0..6 {
        let batch: Vec<Value> = (0..50)
            .map(|i| {
                let id = uuid();
                sent.push(id.clone());
                json!({ "instance_id": id, "form_id": "household", "form_version": "1",
                        "answers": { "name": format!("n{i}") } })
            })
            .collect();
        let (status, _, body) = app
            .call(
                Method::POST,
                "/api/submissions/batch",
                coord,
                Some(json!({ "submissions": batch })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mut seen = Vec::new();
    let mut next = Some("/api/forms/household/submissions?limit=70".to_owned());
    let mut pages = 0;
    while let Some(uri) = next.take() {
        let (status, headers, body) = app.call(Method::GET, &uri, coord, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = body.as_array().expect("a page is a list");
        assert!(page.len() <= 70);
        seen.extend(
            page.iter()
                .map(|s| s["instance_id"].as_str().expect("id").to_owned()),
        );
        pages += 1;
        next = headers.get(header::LINK).map(|link| {
            let link = link.to_str().expect("ascii");
            assert!(link.ends_with(">; rel=\"next\""), "{link}");
            link[1..link.find('>').expect("<uri>")].to_owned()
        });
        assert!(pages <= 10, "paging does not end");
    }
    assert_eq!(pages, 5, "300 rows in pages of 70");
    assert_eq!(seen, sent, "each submission once, in the order stored");
    // Without parameters: the default page (all 300 here), no next link.
    let (status, headers, body) = app
        .call(Method::GET, "/api/forms/household/submissions", coord, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().map(Vec::len), Some(300));
    assert!(headers.get(header::LINK).is_none());
    for bad in ["limit=0", "limit=1001", "after=x"] {
        let (status, _, body) = app
            .call(
                Method::GET,
                &format!("/api/forms/household/submissions?{bad}"),
                coord,
                None,
            )
            .await;
        assert!(status.is_client_error(), "{bad}: {status} {body}");
    }
}

/// A failure inside the server answers a generic message with a reference,
/// never the detail (here: a stored form that no longer parses).
async fn internal_errors_do_not_leak(backend: Backend) {
    let app = app(backend, options(Some("https://survey.example.org"))).await;
    app.sql(
        "INSERT INTO form_versions (form_id, version, title, languages, default_language, \
         definition, etag, is_open, published_at) VALUES ('broken', '1', '{\"en\":\"B\"}', \
         '[]', 'en', '{\"SECRET-DETAIL\": ', 'x', TRUE, 1)",
    )
    .await;
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/submissions",
            Some(app.coordinator.as_str()),
            Some(
                json!({ "instance_id": uuid(), "form_id": "broken", "form_version": "1",
                         "answers": {} }),
            ),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        "{body}"
    );
    let message = body["error"]["message"].as_str().unwrap_or_default();
    let reference = message
        .strip_prefix("internal error, reference ")
        .unwrap_or_else(|| panic!("generic message: {message}"));
    assert_eq!(reference.len(), 16, "{message}");
    assert!(
        reference.chars().all(|c| c.is_ascii_hexdigit()),
        "{message}"
    );
    let text = body.to_string();
    for detail in ["SECRET", "broken", "stored form", "EOF"] {
        assert!(!text.contains(detail), "{detail} leaked: {text}");
    }
}

/// An audited action and its audit row commit together: a refused action
/// leaves no row, a successful one exactly one, and when the row cannot be
/// written the action is rolled back.
async fn audit_rows_commit_with_their_action(backend: Backend) {
    let app = app(backend, options(Some("https://survey.example.org"))).await;
    let admin = Some(app.admin.as_str());
    let coord = Some(app.coordinator.as_str());
    let before = app.audit_actions().await.len();
    let new_user = json!({ "username": "eve", "password": PASSWORD, "role": "enumerator" });
    let (status, _, body) = app
        .call(Method::POST, "/api/users", admin, Some(new_user.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _, _) = app
        .call(Method::POST, "/api/users", admin, Some(new_user))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, _) = app
        .call(Method::DELETE, "/api/device-tokens/999", coord, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .call(
            Method::PUT,
            "/api/users/nobody/role",
            admin,
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .call(Method::POST, "/api/forms/nosuchform/close", coord, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .call(
            Method::POST,
            "/api/submissions/0190b4e7-a2c5-7f1d-8c1e-3d2e1f0a9b8c/reviews",
            coord,
            Some(json!({ "status": "approved", "comment": "" })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let after = app.audit_actions().await;
    assert_eq!(after.len(), before + 1, "{after:?}");
    assert_eq!(after[0], "user.create \"user:eve\"");

    // The audit table goes missing: every audited action fails whole.
    app.sql("ALTER TABLE audit_log RENAME TO audit_log_away")
        .await;
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/users",
            admin,
            Some(json!({ "username": "mallory", "password": PASSWORD, "role": "admin" })),
        )
        .await;
    assert!(status.is_server_error(), "{status} {body}");
    let (status, _, body) = app
        .call(
            Method::POST,
            "/api/device-tokens",
            coord,
            Some(json!({ "label": "tablet 9", "forms": ["household"] })),
        )
        .await;
    assert!(status.is_server_error(), "{status} {body}");
    let (status, _, body) = app
        .call(
            Method::PUT,
            "/api/users/eve/role",
            admin,
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert!(status.is_server_error(), "{status} {body}");
    let (status, _, body) = app
        .call(Method::POST, "/api/forms/household/close", coord, None)
        .await;
    assert!(status.is_server_error(), "{status} {body}");
    app.sql("ALTER TABLE audit_log_away RENAME TO audit_log")
        .await;
    assert!(
        app.store
            .find_user("mallory")
            .await
            .expect("query")
            .is_none(),
        "the account was rolled back with its audit row"
    );
    let eve = app
        .store
        .find_user("eve")
        .await
        .expect("query")
        .expect("eve");
    assert_eq!(
        eve.user.role,
        Role::Enumerator,
        "the role change was rolled back"
    );
    let (_, _, tokens) = app
        .call(Method::GET, "/api/device-tokens", coord, None)
        .await;
    assert_eq!(tokens, json!([]), "the token was rolled back");
    let (_, _, forms) = app.call(Method::GET, "/api/forms", None, None).await;
    assert!(
        forms.to_string().contains("\"household\""),
        "closing the form was rolled back: {forms}"
    );
    assert_eq!(app.audit_actions().await.len(), before + 1);
}

on_both_backends!(
    guessing_slows_the_guesser_not_the_owner,
    usernames_are_case_insensitive,
    provisioning_needs_a_public_url,
    submissions_come_in_pages,
    internal_errors_do_not_leak,
    audit_rows_commit_with_their_action,
);
