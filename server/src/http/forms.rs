//! The form catalog: `/api/forms`.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

use super::AppState;
use crate::catalog::{self, CatalogEntry};
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forms", get(list))
        .route("/forms/{id}/versions/{version}", get(definition))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<CatalogEntry>>, ApiError> {
    Ok(Json(catalog::list(&state.db).await?))
}

async fn definition(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let text = catalog::definition(&state.db, &id, &version)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: format!("form `{id}` version `{version}`"),
        })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], text))
}
