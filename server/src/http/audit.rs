//! `/api/audit`: the latest administrative actions (admins only).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::AppState;
use super::extract::Admin;
use crate::error::ApiError;
use crate::store::AuditEntry;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Deserialize)]
struct Params {
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Admin(_): Admin,
    Query(params): Query<Params>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let limit = params.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(state.store.list_audit(limit).await?))
}
