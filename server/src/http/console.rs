//! The console's reads of submissions (coordinators):
//! `GET /api/forms/{id}/submissions/table`, a page of the form's current
//! submissions with filters, sorting and the total, all done by the
//! database (`store::console_rows`); and `GET /api/submissions/{instance_id}`,
//! every revision of one instance with its reviews; and
//! `GET /api/forms/{id}/submissions/summary`, the counts per day, sender
//! and review status the console draws as charts.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use fieldform_engine::expr::date::{Parsed, parse_iso};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::extract::Coordinator;
use crate::error::{ApiError, FieldError};
use crate::store::{
    Review, ReviewStatus, StoredSubmission, Summary, TableQuery, TableRow, TableSort,
};

/// Rows in a page when the request does not say.
pub const DEFAULT_LIMIT: i64 = 50;
/// The most rows one page holds.
pub const MAX_LIMIT: i64 = 200;
/// The free text is at least this many characters (a one-letter `LIKE`
/// matches nearly everything and costs a scan of every answer).
pub const MIN_TEXT_CHARS: usize = 2;
pub const MAX_TEXT_CHARS: usize = 200;
const MS_PER_DAY: i64 = 86_400_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forms/{id}/submissions/table", get(table))
        .route("/forms/{id}/submissions/summary", get(summary))
        .route("/submissions/{instance_id}", get(detail))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableParams {
    /// Received from: `YYYY-MM-DD` (UTC) or RFC 3339, inclusive.
    from: Option<String>,
    /// Received up to: `YYYY-MM-DD` (the whole day) or RFC 3339, exclusive.
    to: Option<String>,
    submitted_by: Option<String>,
    /// `received`, `approved`, `has_issues` or `rejected`.
    review: Option<String>,
    /// Free text found in the answers or the metadata.
    q: Option<String>,
    /// `-received_at` (default), `received_at`, `submitted_by`, `-submitted_by`.
    sort: Option<String>,
    offset: Option<i64>,
    limit: Option<i64>,
}

/// A time bound: a date is midnight UTC (for `to`, the next midnight: the
/// day is included), as the export reads them.
fn time_param(
    name: &str,
    value: Option<&str>,
    end_of_day: bool,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let text = value?.trim();
    if text.is_empty() {
        return None;
    }
    match parse_iso(text, 0) {
        Some(Parsed::Date(days)) => Some((days + i64::from(end_of_day)) * MS_PER_DAY),
        Some(Parsed::DateTime { millis, .. }) => Some(millis),
        None => {
            errors.push(FieldError::new(
                name,
                format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 time"),
            ));
            None
        }
    }
}

impl TableParams {
    /// Every problem at once, one entry per parameter.
    fn check(&self) -> Result<TableQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let received_from = time_param("from", self.from.as_deref(), false, &mut errors);
        let received_before = time_param("to", self.to.as_deref(), true, &mut errors);
        if let (Some(from), Some(before)) = (received_from, received_before)
            && from >= before
        {
            errors.push(FieldError::new("to", "is not after `from`"));
        }
        let review = match self.review.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => ReviewStatus::parse(text).or_else(|| {
                errors.push(FieldError::new(
                    "review",
                    format!(
                        "unknown review status `{text}`: use received, approved, has_issues or rejected"
                    ),
                ));
                None
            }),
        };
        let text = self
            .q
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if let Some(text) = &text {
            let chars = text.chars().count();
            if !(MIN_TEXT_CHARS..=MAX_TEXT_CHARS).contains(&chars) {
                errors.push(FieldError::new(
                    "q",
                    format!(
                        "must be {MIN_TEXT_CHARS} to {MAX_TEXT_CHARS} characters (got {chars})"
                    ),
                ));
            }
        }
        let sort = match self.sort.as_deref() {
            None | Some("") => TableSort::ReceivedDesc,
            Some(text) => TableSort::parse(text).unwrap_or_else(|| {
                errors.push(FieldError::new(
                    "sort",
                    format!("unknown sort `{text}`: use one of {}", TableSort::NAMES),
                ));
                TableSort::ReceivedDesc
            }),
        };
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            errors.push(FieldError::new("offset", "must not be negative"));
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            errors.push(FieldError::new(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TableQuery {
            received_from,
            received_before,
            submitted_by: self
                .submitted_by
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            review,
            text,
            sort,
            offset,
            limit,
        })
    }
}

#[derive(Serialize)]
struct TableReply {
    /// Rows passing the filters, in all pages.
    total: i64,
    rows: Vec<TableRow>,
    /// The next page's `offset`; `null` on the last page.
    next: Option<i64>,
    /// Everyone who submitted to the form, for the submitter filter.
    submitters: Vec<String>,
}

async fn table(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
    Path(id): Path<String>,
    Query(params): Query<TableParams>,
) -> Result<Json<TableReply>, ApiError> {
    let query = params.check().map_err(ApiError::Validation)?;
    let page = state.store.submissions_table(&id, &query).await?;
    let submitters = state.store.submitters(&id).await?;
    let end = query.offset.saturating_add(query.limit);
    Ok(Json(TableReply {
        total: page.total,
        next: (end < page.total).then_some(end),
        rows: page.rows,
        submitters,
    }))
}

/// The counts behind the console's charts, for the table's filters
/// (`sort`, `offset` and `limit` are accepted and ignored).
async fn summary(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
    Path(id): Path<String>,
    Query(params): Query<TableParams>,
) -> Result<Json<Summary>, ApiError> {
    let query = params.check().map_err(ApiError::Validation)?;
    Ok(Json(state.store.submission_summary(&id, &query).await?))
}

#[derive(Serialize)]
struct Detail {
    instance_id: String,
    form_id: String,
    /// Oldest first; the last is current.
    revisions: Vec<StoredSubmission>,
    /// Oldest first.
    reviews: Vec<Review>,
}

async fn detail(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
    Path(instance_id): Path<String>,
) -> Result<Json<Detail>, ApiError> {
    // Instance ids are stored lowercase (see `crate::submissions`).
    let instance_id = instance_id.to_ascii_lowercase();
    let revisions = state.store.instance_revisions(&instance_id).await?;
    let Some(first) = revisions.first() else {
        return Err(ApiError::NotFound {
            what: format!("submission `{instance_id}`"),
        });
    };
    let form_id = first.form_id.clone();
    let reviews = state.store.list_reviews(&instance_id).await?;
    Ok(Json(Detail {
        instance_id,
        form_id,
        revisions,
        reviews,
    }))
}

#[cfg(test)]
mod tests {
    use super::TableParams;
    use crate::store::{ReviewStatus, TableSort};

    #[test]
    fn reads_filters_and_names_every_bad_one() {
        let query = TableParams {
            from: Some("2026-03-02".into()),
            to: Some("2026-03-02".into()),
            review: Some("has_issues".into()),
            q: Some(" ana ".into()),
            sort: Some("submitted_by".into()),
            ..TableParams::default()
        }
        .check()
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            query
                .received_before
                .zip(query.received_from)
                .map(|(b, f)| b - f),
            Some(86_400_000)
        );
        assert_eq!(query.review, Some(ReviewStatus::HasIssues));
        assert_eq!(query.text.as_deref(), Some("ana"));
        assert_eq!(query.sort, TableSort::SubmitterAsc);
        assert_eq!((query.offset, query.limit), (0, 50));

        let errors = TableParams {
            from: Some("yesterday".into()),
            review: Some("fine".into()),
            q: Some("a".into()),
            sort: Some("answers".into()),
            offset: Some(-1),
            limit: Some(201),
            ..TableParams::default()
        }
        .check()
        .err()
        .unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["from", "review", "q", "sort", "offset", "limit"]);
    }
}
