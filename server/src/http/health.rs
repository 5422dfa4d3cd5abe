//! `/healthz`: is the server up and can its database take a write?
//!
//! A database that answers reads but refuses writes (a read-only file, a
//! full disk, a read-only PostgreSQL) loses every submission, so the check
//! commits a one-row write (`Store::check_writable`) rather than a `SELECT 1`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = state.store.backend();
    match state.store.check_writable().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": backend })),
        ),
        Err(e) => {
            // Whoever probes health (a load balancer, an operator) needs
            // the reason; it names the database's complaint, not data.
            tracing::error!(error = %e, "health check: the database cannot be written");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "database": backend,
                    "reason": format!("the database cannot be written: {e}"),
                })),
            )
        }
    }
}
