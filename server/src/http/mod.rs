//! The HTTP API and the app's static files; one module per resource.
//!
//! Authorization: every handler states who may call it through its
//! extractors (`MaybeAuth`, `Auth`, `Coordinator`, `Admin` in `extract`).
//! Reading the catalog of open forms is public (see ARCHITECTURE.md);
//! everything else needs a session or device token.

mod app;
mod attachments;
mod audit;
mod console;
pub mod device_tokens;
mod exports;
pub mod extract;
mod forms;
mod health;
mod reviews;
pub mod security;
mod sessions;
mod submissions;
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::{Config, Options};
use crate::store::{AuditEntry, SharedStore, now_ms};
use crate::submissions::FormCache;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    pub forms: Arc<FormCache>,
    pub options: Arc<Options>,
    pub rate: Arc<security::RateLimiter>,
    /// Failed password attempts per (address, account), on top of the
    /// per-address limit: guessing slows down without locking the owner out.
    pub login_throttle: Arc<security::LoginThrottle>,
}

impl AppState {
    pub fn new(store: SharedStore, options: Options) -> Self {
        Self::with_clock(store, options, Arc::new(security::SystemClock))
    }

    /// With the rate limiters reading `clock` (tests drive time by hand).
    pub fn with_clock(
        store: SharedStore,
        options: Options,
        clock: Arc<dyn security::Clock>,
    ) -> Self {
        AppState {
            store,
            forms: Arc::new(FormCache::default()),
            rate: Arc::new(security::RateLimiter::with_clock(
                options.rate_per_second,
                options.rate_burst,
                clock.clone(),
            )),
            login_throttle: Arc::new(security::LoginThrottle::new(clock)),
            options: Arc::new(options),
        }
    }

    /// Records an administrative action. A failure to audit fails the
    /// request: an unaudited admin action must not look successful.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        details: serde_json::Value,
    ) -> Result<(), crate::error::ApiError> {
        let entry = AuditEntry {
            at: now_ms(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            details,
        };
        Ok(self.store.audit(&entry).await?)
    }
}

pub fn router(state: AppState, config: &Config) -> Router {
    let options = state.options.clone();
    let api = Router::new()
        .merge(forms::routes(options.max_body_bytes))
        .merge(attachments::routes())
        .merge(sessions::routes())
        .merge(users::routes())
        .merge(device_tokens::routes())
        .merge(submissions::routes())
        .merge(reviews::routes())
        .merge(exports::routes())
        .merge(console::routes())
        .merge(audit::routes())
        .fallback(|| async {
            crate::error::ApiError::NotFound {
                what: "this API route".into(),
            }
        })
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::rate_limit,
        ));
    let csp = std::sync::Arc::new(security::Csp::new(&config.app_dir));
    Router::new()
        .merge(health::routes())
        .nest("/api", api)
        .with_state(state)
        .fallback_service(app::service(&config.app_dir))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            options.request_timeout,
        ))
        .layer(axum::middleware::from_fn(security::json_errors))
        .layer(TraceLayer::new_for_http())
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            move |_: &axum::response::Response| Some(csp.current()),
        ))
    // CORS stays closed: no Access-Control-Allow-* headers are ever sent,
    // so browsers refuse cross-origin reads; the app is served same-origin.
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
