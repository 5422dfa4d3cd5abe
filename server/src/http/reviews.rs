//! Review statuses: coordinators review submissions
//! (`/api/submissions/{instance_id}/reviews`), and devices learn which of
//! their own submissions a coordinator sent back for correction
//! (`GET /api/corrections`, asked at each sync).

use std::borrow::Cow;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::{Validate, ValidationError, ValidationErrors};

use super::AppState;
use super::extract::{Auth, Coordinator, ValidatedJson};
use crate::error::ApiError;
use crate::store::{AuditEntry, Correction, NewReview, Review, ReviewStatus, now_ms};

/// Longest review comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;
/// Most corrections listed at once; a device asks again at its next sync.
const MAX_CORRECTIONS: i64 = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/submissions/{instance_id}/reviews", get(list).post(create))
        .route("/corrections", get(corrections))
}

#[derive(Debug, Deserialize)]
pub struct NewReviewBody {
    pub status: ReviewStatus,
    #[serde(default)]
    pub comment: String,
}

// Written by hand rather than derived: whether a comment is required
// depends on the status, and a derived struct-level check would report it
// under `__all__` instead of the `comment` field.
impl Validate for NewReviewBody {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let chars = self.comment.chars().count();
        if chars > MAX_COMMENT_CHARS {
            errors.add(
                "comment",
                ValidationError::new("length").with_message(Cow::Owned(format!(
                    "may be at most {MAX_COMMENT_CHARS} characters (got {chars})"
                ))),
            );
        }
        let needs_comment = matches!(
            self.status,
            ReviewStatus::HasIssues | ReviewStatus::Rejected
        );
        if needs_comment && self.comment.trim().is_empty() {
            errors.add(
                "comment",
                ValidationError::new("required").with_message(Cow::Owned(format!(
                    "is required when the status is `{}`: say what is wrong, \
                     the enumerator reads it on the device",
                    self.status.as_str()
                ))),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Instance ids are stored lowercase (see `crate::submissions`).
fn unknown_instance(instance_id: &str) -> ApiError {
    ApiError::NotFound {
        what: format!("submission `{instance_id}`"),
    }
}

async fn create(
    State(state): State<AppState>,
    Coordinator(user): Coordinator,
    Path(instance_id): Path<String>,
    ValidatedJson(body): ValidatedJson<NewReviewBody>,
) -> Result<(StatusCode, Json<Review>), ApiError> {
    let instance_id = instance_id.to_ascii_lowercase();
    let author = format!("user:{}", user.username);
    let audit = |review: &Review| AuditEntry {
        at: now_ms(),
        actor: author.clone(),
        action: "submission.review".to_owned(),
        target: format!("submission:{instance_id}"),
        details: json!({
            "review": review.id,
            "revision": review.revision,
            "status": review.status,
        }),
    };
    let review = state
        .store
        .create_review(
            &NewReview {
                instance_id: &instance_id,
                status: body.status,
                comment: &body.comment,
                author: &author,
            },
            Some(&audit),
        )
        .await?
        .ok_or_else(|| unknown_instance(&instance_id))?;
    Ok((StatusCode::CREATED, Json(review)))
}

async fn list(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
    Path(instance_id): Path<String>,
) -> Result<Json<Vec<Review>>, ApiError> {
    let instance_id = instance_id.to_ascii_lowercase();
    let reviews = state.store.list_reviews(&instance_id).await?;
    // No reviews yet and no submission either: say so rather than `[]`.
    if reviews.is_empty() && state.store.current_revision(&instance_id).await?.is_none() {
        return Err(unknown_instance(&instance_id));
    }
    Ok(Json(reviews))
}

#[derive(Serialize)]
struct Corrections {
    corrections: Vec<Correction>,
}

/// The caller's own submissions that a coordinator sent back: a device
/// learns only of what it submitted itself.
async fn corrections(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<Corrections>, ApiError> {
    let corrections = state
        .store
        .corrections_for(&who.name(), MAX_CORRECTIONS)
        .await?;
    Ok(Json(Corrections { corrections }))
}
