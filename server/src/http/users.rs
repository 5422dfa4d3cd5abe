//! Accounts (`/api/users`): admins create users and change roles.

use std::borrow::Cow;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use validator::{Validate, ValidationError};

use super::AppState;
use super::extract::{Admin, ValidatedJson};
use crate::accounts::{self, MIN_PASSWORD_LEN};
use crate::error::ApiError;
use crate::store::{AuditEntry, Role, StoreError, User, now_ms};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{username}/role", put(set_role))
}

/// Letters, digits, `.`, `_` and `-`: usernames appear in logs and audit entries.
pub fn valid_username(name: &str) -> Result<(), ValidationError> {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        Ok(())
    } else {
        Err(
            ValidationError::new("username_chars").with_message(Cow::Borrowed(
                "may contain only letters, digits, `.`, `_` and `-`",
            )),
        )
    }
}

#[derive(Debug, Deserialize, Validate)]
pub struct NewUser {
    #[validate(length(min = 3, max = 64), custom(function = "valid_username"))]
    pub username: String,
    #[validate(length(min = MIN_PASSWORD_LEN, max = 1024, message = "must be at least 10 characters"))]
    pub password: String,
    pub role: Role,
}

async fn list(State(state): State<AppState>, Admin(_): Admin) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(state.store.list_users().await?))
}

async fn create(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ValidatedJson(new): ValidatedJson<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let actor = format!("user:{}", admin.username);
    // Written in the account's transaction: no account without its row.
    let audit = |user: &User| AuditEntry {
        at: now_ms(),
        actor: actor.clone(),
        action: "user.create".into(),
        target: format!("user:{}", user.username),
        details: json!({ "role": user.role }),
    };
    let user = match accounts::create_user_audited(
        state.store.as_ref(),
        &new.username,
        new.role,
        &new.password,
        Some(&audit),
    )
    .await?
    {
        Ok(user) => user,
        Err(StoreError::UsernameTaken(name)) => {
            return Err(ApiError::Conflict {
                code: "username_taken",
                message: format!("username `{name}` is already taken"),
            });
        }
        Err(e) => return Err(e.into()),
    };
    Ok((StatusCode::CREATED, Json(user)))
}

#[derive(Debug, Deserialize, Validate)]
struct RoleChange {
    role: Role,
}

async fn set_role(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(username): Path<String>,
    ValidatedJson(change): ValidatedJson<RoleChange>,
) -> Result<Json<User>, ApiError> {
    if accounts::normalize_username(&username) == accounts::normalize_username(&admin.username)
        && change.role != Role::Admin
    {
        // Otherwise the last admin could lock everyone out of administration.
        return Err(ApiError::Forbidden(
            "admins cannot change their own role; ask another admin".into(),
        ));
    }
    let actor = format!("user:{}", admin.username);
    let audit = |user: &User| AuditEntry {
        at: now_ms(),
        actor: actor.clone(),
        action: "user.role".into(),
        target: format!("user:{}", user.username),
        details: json!({ "role": user.role }),
    };
    let user = state
        .store
        .set_role_audited(&username, change.role, Some(&audit))
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: format!("user `{username}`"),
        })?;
    Ok(Json(user))
}
