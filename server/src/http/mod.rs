//! The HTTP API and the app's static files; one module per resource.

mod app;
mod forms;
mod health;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use sqlx::SqlitePool;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
}

pub fn router(state: AppState, config: &Config) -> Router {
    let api = Router::new().merge(forms::routes());
    Router::new()
        .merge(health::routes())
        .nest("/api", api)
        .with_state(state)
        .fallback_service(app::service(&config.app_dir))
        .layer(TraceLayer::new_for_http())
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
