//! Issue 13, the console's submissions: `GET /api/forms/{id}/submissions/table`
//! (filters, sorting and paging done by the database) and
//! `GET /api/submissions/{instance_id}` (every revision and its reviews), on
//! the shipped `ggs_household` form with submissions sent through the API,
//! a correction and reviews; who may read them. On SQLite and on
//! PostgreSQL (see `api.rs` for `FIELDFORM_TEST_DATABASE_URL`); then the
//! table at scale on SQLite (`FIELDFORM_TABLE_ROWS`, default 5,000: the
//! times are printed, not asserted).

#![allow(clippy::unwrap_used)]

mod pg;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use fieldform_server::config::{Config, Options};
use fieldform_server::http::security::ManualClock;
use fieldform_server::http::{AppState, router};
use fieldform_server::store::{NewSubmission, Role, SharedStore};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

const FORM: &str = "ggs_household";
const VERSION: &str = "2026.1";
/// Corrected once (two revisions), first reviewed `has_issues`.
const CORRECTED: &str = "0195a1b2-0000-7000-8000-00000000000a";
/// Sent by the device token, reviewed `approved`.
const APPROVED: &str = "0195a1b2-0000-7000-8000-00000000000b";
/// How many rows `insert_many` adds to the two above.
const BULK: usize = 25;

struct TestApp {
    router: Router,
    store: SharedStore,
    url: String,
    coordinator: String,
    enumerator: String,
    device: String,
    _dir: tempfile::TempDir,
}

fn form_file() -> Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../forms/{FORM}.form.json"));
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// One of the export crate's fixture records of the shipped form.
fn fixture(instance_id: &str, revision: u64) -> Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../export/tests/fixtures/ggs_household.records.json");
    let records: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    records
        .into_iter()
        .find(|r| r["instance_id"] == instance_id && r["revision"] == revision)
        .unwrap()
}

/// A fixture record as a device sends it (six-digit household numbers:
/// `MD-0412` becomes `100412`).
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

async fn database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("test.db").display()),
        Backend::Postgres => {
            pg::fresh_database("cargo test -p fieldform-server --test console_api sqlite").await
        }
    }
}

/// A server with the shipped form, a coordinator, an enumerator and a
/// device token; no submissions.
async fn empty_app(backend: Backend) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(backend, dir.path()).await;
    let store = fieldform_server::store::open(&url).await.unwrap();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        database_url: Some(url.clone()),
        forms_dir: None,
        app_dir: dir.path().join("no-app"),
    };
    let options = Options {
        request_timeout: Duration::from_secs(60),
        rate_per_second: 10_000.0,
        rate_burst: 10_000.0,
        public_url: Some("https://survey.example.org".into()),
        ..Options::default()
    };
    let clock = std::sync::Arc::new(ManualClock::new());
    let router = router(AppState::with_clock(store.clone(), options, clock), &config);
    for (name, role) in [("coord", Role::Coordinator), ("enum", Role::Enumerator)] {
        fieldform_server::accounts::create_user(store.as_ref(), name, role, "password-123")
            .await
            .unwrap()
            .unwrap();
    }
    let mut app = TestApp {
        router,
        store,
        url,
        coordinator: String::new(),
        enumerator: String::new(),
        device: String::new(),
        _dir: dir,
    };
    app.coordinator = app.login("coord").await;
    app.enumerator = app.login("enum").await;
    let coord = app.coordinator.clone();
    let (status, body) = app
        .call(Method::POST, "/api/forms", &coord, Some(form_file()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .call(
            Method::POST,
            "/api/device-tokens",
            &coord,
            Some(json!({ "label": "tablet 7", "forms": [FORM] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app.device = body["token"].as_str().unwrap().to_owned();
    app
}

/// The two fixtures through the API (the corrected one by the enumerator,
/// reviewed `has_issues` then corrected; the other by the device, then
/// approved), received in March, and `BULK` more through the store, now.
async fn app(backend: Backend) -> TestApp {
    let app = empty_app(backend).await;
    let (enumerator, device, coord) = (
        app.enumerator.clone(),
        app.device.clone(),
        app.coordinator.clone(),
    );
    for (record, token) in [
        (fixture(CORRECTED, 1), &enumerator),
        (fixture(APPROVED, 1), &device),
    ] {
        let (status, body) = app
            .call(
                Method::POST,
                "/api/submissions",
                token,
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
            .call(
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
        .call(
            Method::POST,
            "/api/submissions",
            &enumerator,
            Some(correction),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for (id, revision, at) in [
        (CORRECTED, 1, 1_772_439_012_345_i64), // 2026-03-02T08:10:12.345Z
        (APPROVED, 1, 1_772_446_500_000),      // 2026-03-02T10:15:00Z
        (CORRECTED, 2, 1_772_528_400_000),     // 2026-03-03T09:00:00Z
    ] {
        execute(
            &app,
            "UPDATE submissions SET received_at = $1 WHERE instance_id = $2 AND revision = $3",
            |q| q.bind(at).bind(id.to_owned()).bind(revision),
        )
        .await;
    }
    insert_many(&app.store, BULK).await;
    app
}

/// Revision 1 of new instances with the correction's answers, straight
/// through the store, from `device:99`.
async fn insert_many(store: &SharedStore, count: usize) {
    let answers = fieldform_server::submissions::canonical_json(&fixture(CORRECTED, 2)["answers"]);
    let batch: Vec<NewSubmission> = (0..count)
        .map(|i| NewSubmission {
            instance_id: format!("0195a1b2-0000-7000-9000-{i:012}"),
            form_id: FORM.into(),
            form_version: VERSION.into(),
            answers: answers.clone(),
            meta: "{}".into(),
            content_hash: format!("bulk-{i}"),
            correction: false,
            submitted_by: "device:99".into(),
            may_correct_any: false,
        })
        .collect();
    store.ingest(&batch).await.unwrap();
}

/// Runs one statement on the test's database, whichever it is.
async fn execute<F>(app: &TestApp, sql: &str, bind: F)
where
    F: for<'q> Fn(Query<'q>) -> Query<'q>,
{
    if app.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&app.url).await.unwrap();
        let Query::Sqlite(query) = bind(Query::Sqlite(sqlx::query(sql))) else {
            unreachable!()
        };
        query.execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&app.url).await.unwrap();
        let Query::Pg(query) = bind(Query::Pg(sqlx::query(sql))) else {
            unreachable!()
        };
        query.execute(&pool).await.unwrap();
        pool.close().await;
    }
}

/// A query for either backend, so a test binds its values once.
enum Query<'q> {
    Sqlite(sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>),
    Pg(sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>),
}

impl<'q> Query<'q> {
    fn bind<T>(self, value: T) -> Self
    where
        T: 'q
            + sqlx::Encode<'q, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>
            + sqlx::Encode<'q, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>
            + Send,
    {
        match self {
            Query::Sqlite(q) => Query::Sqlite(q.bind(value)),
            Query::Pg(q) => Query::Pg(q.bind(value)),
        }
    }
}

impl TestApp {
    async fn login(&self, username: &str) -> String {
        let (status, body) = self
            .request(
                Method::POST,
                "/api/sessions",
                None,
                Some(json!({ "username": username, "password": "password-123" })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    async fn request(
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
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        };
        let response = self.router.clone().oneshot(request.unwrap()).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn call(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.request(method, uri, Some(token), body).await
    }

    /// A coordinator's table with `query`; asserts it succeeded.
    async fn table(&self, query: &str) -> Value {
        let uri = format!("/api/forms/{FORM}/submissions/table?{query}");
        let (status, body) = self.call(Method::GET, &uri, &self.coordinator, None).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        body
    }
}

/// The instance ids of a table page's rows, in order.
fn ids(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["instance_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn filters_and_sorting(backend: Backend) {
    let app = app(backend).await;
    let total = i64::try_from(BULK).unwrap() + 2;

    // Current revisions only, newest first: the March ones last.
    let page = app.table("limit=200").await;
    assert_eq!(page["total"], total);
    assert_eq!(page["next"], Value::Null);
    let all = ids(&page);
    assert_eq!(all.len(), BULK + 2);
    assert_eq!(&all[BULK..], [CORRECTED, APPROVED]);
    let corrected = &page["rows"][BULK];
    assert_eq!(corrected["revision"], 2);
    assert_eq!(
        corrected["review"], "received",
        "a correction is unreviewed"
    );
    assert_eq!(corrected["submitted_by"], "user:enum");
    assert_eq!(corrected["meta"]["enumerator"], "elena.v");
    assert_eq!(corrected["received_at"], 1_772_528_400_000_i64);
    assert_eq!(page["rows"][BULK + 1]["review"], "approved");
    let submitters: Vec<&str> = page["submitters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(submitters.len(), 3, "{submitters:?}");
    assert!(submitters.contains(&"device:99") && submitters.contains(&"user:enum"));
    let device = page["rows"][BULK + 1]["submitted_by"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        device.starts_with("device:") && device != "device:99",
        "{device}"
    );

    let oldest = app.table("sort=received_at&limit=2").await;
    assert_eq!(ids(&oldest), [APPROVED, CORRECTED]);
    assert_eq!(oldest["next"], 2);

    // By review status.
    assert_eq!(ids(&app.table("review=approved").await), [APPROVED]);
    assert_eq!(app.table("review=has_issues").await["total"], 0);
    assert_eq!(app.table("review=received").await["total"], total - 1);
    assert_eq!(app.table("review=rejected").await["total"], 0);

    // By submitter.
    assert_eq!(
        app.table("submitted_by=device:99").await["total"],
        i64::try_from(BULK).unwrap()
    );
    assert_eq!(ids(&app.table("submitted_by=user:enum").await), [CORRECTED]);
    assert_eq!(
        ids(&app.table(&format!("submitted_by={device}")).await),
        [APPROVED]
    );

    // By date: `to` includes its whole day.
    assert_eq!(
        ids(&app.table("from=2026-03-01&to=2026-03-02").await),
        [APPROVED]
    );
    assert_eq!(
        ids(&app
            .table("from=2026-03-02&to=2026-03-03&sort=received_at")
            .await),
        [APPROVED, CORRECTED]
    );
    assert_eq!(app.table("from=2026-03-04").await["total"], total - 2);

    // Free text, in the answers (household 100413 is only the approved
    // one) or the metadata, ignoring case; wildcards are literal.
    assert_eq!(ids(&app.table("q=100413").await), [APPROVED]);
    assert_eq!(
        app.table("q=ELENA.V").await["total"],
        app.table("q=elena.v").await["total"]
    );
    assert_eq!(ids(&app.table("q=100413").await), [APPROVED]);
    assert_eq!(app.table("q=%25%25").await["total"], 0);
    assert_eq!(app.table("q=__").await["total"], 0);
    // Filters combine.
    assert_eq!(
        ids(&app
            .table("q=elena.v&review=approved&submitted_by=user:enum")
            .await),
        Vec::<String>::new()
    );

    // By submitter, both ways.
    for (sort, descending) in [("submitted_by", false), ("-submitted_by", true)] {
        let page = app.table(&format!("sort={sort}&limit=200")).await;
        let by: Vec<String> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["submitted_by"].as_str().unwrap().to_owned())
            .collect();
        let mut sorted = by.clone();
        sorted.sort();
        if descending {
            sorted.reverse();
        }
        assert_eq!(by, sorted, "{sort}");
    }

    // Bad parameters, each named.
    let uri =
        format!("/api/forms/{FORM}/submissions/table?q=a&review=fine&sort=x&limit=0&from=soon");
    let (status, body) = app.call(Method::GET, &uri, &app.coordinator, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: BTreeSet<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from(["q", "review", "sort", "limit", "from"])
    );
}

/// Paging by `next` shows every row once, whatever the sort.
async fn pages_show_each_row_once(backend: Backend) {
    let app = app(backend).await;
    for sort in [
        "-received_at",
        "received_at",
        "submitted_by",
        "-submitted_by",
    ] {
        let mut seen = Vec::new();
        let mut offset = Some(0);
        let mut pages = 0;
        while let Some(at) = offset {
            let page = app.table(&format!("sort={sort}&limit=4&offset={at}")).await;
            assert_eq!(page["total"], i64::try_from(BULK).unwrap() + 2);
            seen.extend(ids(&page));
            offset = page["next"].as_i64();
            pages += 1;
        }
        assert_eq!(pages, (BULK + 2).div_ceil(4), "{sort}");
        let distinct: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(seen.len(), BULK + 2, "{sort}");
        assert_eq!(distinct.len(), BULK + 2, "{sort}: a row twice");
    }
    let past = app.table("offset=1000").await;
    assert_eq!(ids(&past), Vec::<String>::new());
    assert_eq!(past["next"], Value::Null);
}

async fn detail_has_every_revision_and_review(backend: Backend) {
    let app = app(backend).await;
    let uri = format!("/api/submissions/{}", CORRECTED.to_uppercase());
    let (status, body) = app.call(Method::GET, &uri, &app.coordinator, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["instance_id"], CORRECTED);
    assert_eq!(body["form_id"], FORM);
    let revisions = body["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0]["revision"], 1);
    assert_eq!(revisions[0]["superseded"], true);
    assert_eq!(revisions[1]["revision"], 2);
    assert_eq!(revisions[1]["superseded"], false);
    assert_eq!(revisions[1]["form_version"], VERSION);
    assert_eq!(revisions[1]["submitted_by"], "user:enum");
    assert_eq!(revisions[1]["meta"]["device"], "tab-07");
    assert_eq!(revisions[0]["received_at"], 1_772_439_012_345_i64);
    assert_eq!(revisions[1]["answers"]["intro"]["hh_id"], "100412");
    let reviews = body["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0]["status"], "has_issues");
    assert_eq!(reviews[0]["revision"], 1);
    assert_eq!(reviews[0]["comment"], "check the birth year");
    assert_eq!(reviews[0]["author"], "user:coord");

    let (status, body) = app
        .call(
            Method::GET,
            "/api/submissions/0195a1b2-0000-7000-8000-0000000000ff",
            &app.coordinator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "not_found");
}

/// The charts' counts, with the table's filters.
async fn summary_counts(backend: Backend) {
    let app = app(backend).await;
    let bulk = i64::try_from(BULK).unwrap();
    let uri = format!("/api/forms/{FORM}/submissions/summary");
    let (status, all) = app.call(Method::GET, &uri, &app.coordinator, None).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(
        all["per_review"],
        json!([["received", bulk + 1], ["approved", 1]])
    );
    let per_day = all["per_day"].as_array().unwrap();
    // 2026-03-02 and 03-03 (days since 1970, UTC), then today's bulk rows.
    assert_eq!(per_day[0], json!([20514, 1]));
    assert_eq!(per_day[1], json!([20515, 1]));
    assert_eq!(per_day.len(), 3, "{per_day:?}");
    assert_eq!(per_day[2][1], bulk);
    assert_eq!(all["per_submitter"][0], json!(["device:99", bulk]));
    assert_eq!(all["per_submitter"].as_array().unwrap().len(), 3);

    let (status, approved) = app
        .call(
            Method::GET,
            &format!("{uri}?review=approved"),
            &app.coordinator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["per_day"], json!([[20514, 1]]));
    assert_eq!(approved["per_review"], json!([["approved", 1]]));
    let (status, body) = app
        .call(Method::GET, &format!("{uri}?q=x"), &app.coordinator, None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app.call(Method::GET, &uri, &app.device, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Coordinators only: 401 without a token, 403 for an enumerator and a device.
async fn coordinators_only(backend: Backend) {
    let app = app(backend).await;
    for uri in [
        format!("/api/forms/{FORM}/submissions/table"),
        format!("/api/submissions/{CORRECTED}"),
    ] {
        let (status, body) = app.request(Method::GET, &uri, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}: {body}");
        for token in [&app.enumerator, &app.device] {
            let (status, body) = app.call(Method::GET, &uri, token, None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {body}");
        }
    }
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

on_both_backends!(
    filters_and_sorting,
    pages_show_each_row_once,
    detail_has_every_revision_and_review,
    summary_counts,
    coordinators_only,
);

/// The table on many submissions (SQLite; `FIELDFORM_TABLE_ROWS`, default
/// 5,000): 20 submitters over 60 days, a review on every tenth. Checks the
/// totals; prints how long each kind of request takes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_table_at_scale() {
    let count: i64 = std::env::var("FIELDFORM_TABLE_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5000);
    let app = empty_app(Backend::Sqlite).await;
    let answers = fieldform_server::submissions::canonical_json(&fixture(CORRECTED, 2)["answers"]);
    let pool = sqlx::SqlitePool::connect(&app.url).await.unwrap();
    let started = Instant::now();
    // Generated by the database: a household number per row, found by the text filter.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO submissions (instance_id, revision, form_id, form_version, answers, \
         content_hash, superseded, submitted_by, received_at, meta) \
         SELECT printf('0195a1b2-0000-7000-8000-%012d', i), 1, $2, $3, \
         replace($4, 'MD-0412', printf('%06d', 200000 + i)), printf('h%d', i), FALSE, \
         printf('device:%d', i % 20), 1772323200000 + i * (5184000000 / $1), '{}' FROM n",
    )
    .bind(count)
    .bind(FORM)
    .bind(VERSION)
    .bind(&answers)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO reviews (instance_id, revision, status, comment, author, created_at) \
         SELECT instance_id, 1, CASE (id / 10) % 3 WHEN 0 THEN 'approved' \
         WHEN 1 THEN 'has_issues' ELSE 'rejected' END, 'x', 'user:coord', 0 \
         FROM submissions WHERE id % 10 = 0",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
    eprintln!("{count} submissions inserted in {:?}", started.elapsed());

    let reviewed = count / 10;
    let approved = (1..=count)
        .filter(|id| id % 10 == 0 && (id / 10) % 3 == 0)
        .count();
    let needle = format!("{:06}", 200_000 + count / 2);
    let cases = [
        (
            "first page, newest first",
            "limit=50".to_owned(),
            Some(count),
        ),
        (
            "deep page (middle)",
            format!("limit=50&offset={}", count / 2),
            Some(count),
        ),
        (
            "oldest first",
            "sort=received_at&limit=50".into(),
            Some(count),
        ),
        (
            "by submitter, sorted",
            "sort=submitted_by&limit=50".into(),
            Some(count),
        ),
        (
            "one submitter",
            "submitted_by=device:7&limit=50".into(),
            Some(count / 20),
        ),
        (
            "review approved",
            "review=approved&limit=50".into(),
            i64::try_from(approved).ok(),
        ),
        (
            "review received",
            "review=received&limit=50".into(),
            Some(count - reviewed),
        ),
        (
            "ten days",
            "from=2026-03-11&to=2026-03-20&limit=50".into(),
            None,
        ),
        (
            "free text, one match",
            format!("q={needle}&limit=50"),
            Some(1),
        ),
        (
            "free text, every row",
            "q=rusu&limit=50".into(),
            Some(count),
        ),
        (
            "nothing in range",
            "from=2030-01-01&limit=50".into(),
            Some(0),
        ),
    ];
    // Each twice: the first read of a pooled connection starts with its
    // page cache cold, the second finds it warm.
    for (what, query, expected) in cases {
        let mut took = Vec::new();
        for _ in 0..2 {
            let started = Instant::now();
            let page = app.table(&query).await;
            took.push(started.elapsed().as_secs_f64() * 1000.0);
            if let Some(expected) = expected {
                assert_eq!(page["total"], expected, "{what}");
            }
        }
        eprintln!(
            "table at {count}: {what:<26} {:>8.1} ms, again {:>8.1} ms",
            took[0], took[1]
        );
    }
    let started = Instant::now();
    let uri = format!("/api/forms/{FORM}/submissions/summary");
    let (status, summary) = app.call(Method::GET, &uri, &app.coordinator, None).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let days: i64 = summary["per_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[1].as_i64().unwrap())
        .sum();
    assert_eq!(days, count);
    eprintln!(
        "table at {count}: {:<26} {:>8.1} ms",
        "charts' summary",
        started.elapsed().as_secs_f64() * 1000.0
    );
}
