//! The console's reads of submissions: a form's table (filters, sorting,
//! a page and the total, all done by the database; indexes in migration
//! 0005) and every revision of one instance. The SQL is the same text on
//! both backends, like the rest of the store (see `sql`).

use serde::Serialize;

use super::ReviewStatus;

/// How the table is sorted; ties are broken by the time received then the
/// row id, so a page boundary never splits equal keys differently from one
/// request to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableSort {
    ReceivedDesc,
    ReceivedAsc,
    SubmitterAsc,
    SubmitterDesc,
}

impl TableSort {
    pub const NAMES: &'static str = "received_at, -received_at, submitted_by, -submitted_by";

    /// `received_at` ascending, `-received_at` descending, likewise `submitted_by`.
    pub fn parse(text: &str) -> Option<TableSort> {
        match text {
            "-received_at" => Some(TableSort::ReceivedDesc),
            "received_at" => Some(TableSort::ReceivedAsc),
            "submitted_by" => Some(TableSort::SubmitterAsc),
            "-submitted_by" => Some(TableSort::SubmitterDesc),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            TableSort::ReceivedDesc => " ORDER BY s.received_at DESC, s.id DESC",
            TableSort::ReceivedAsc => " ORDER BY s.received_at, s.id",
            // One direction throughout, so that the index
            // `submissions_by_form_submitter` gives the order.
            TableSort::SubmitterAsc => " ORDER BY s.submitted_by, s.received_at, s.id",
            TableSort::SubmitterDesc => {
                " ORDER BY s.submitted_by DESC, s.received_at DESC, s.id DESC"
            }
        }
    }
}

/// One request for a page of a form's table: current revisions only
/// (the detail shows the ones corrections replaced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableQuery {
    /// Received at or after (Unix ms).
    pub received_from: Option<i64>,
    /// Received before (Unix ms).
    pub received_before: Option<i64>,
    /// Exactly this submitter (`device:7`, `user:ana`).
    pub submitted_by: Option<String>,
    /// The current revision's latest review (none counts as `received`).
    pub review: Option<ReviewStatus>,
    /// Found in the answers or the metadata, ignoring ASCII case.
    pub text: Option<String>,
    pub sort: TableSort,
    pub offset: i64,
    pub limit: i64,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRow {
    pub instance_id: String,
    pub revision: i64,
    pub form_version: String,
    pub received_at: i64,
    pub submitted_by: String,
    /// The latest review of this revision; `received` when it has none.
    pub review: ReviewStatus,
    pub meta: serde_json::Value,
}

/// A page of the table and how many rows pass the filters in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TablePage {
    pub total: i64,
    pub rows: Vec<TableRow>,
}

/// `text` as a `LIKE` pattern matching it anywhere: lowercased (the SQL
/// lowercases the column), with `\`, `%` and `_` escaped (`ESCAPE '\'`).
pub fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// A value bound to the table's SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
}

/// The latest review of the row's revision, `received` without one.
/// "Latest" is the highest id, as everywhere in the store (index
/// `reviews_by_revision`).
const REVIEW: &str = "COALESCE((SELECT r.status FROM reviews r \
     WHERE r.instance_id = s.instance_id AND r.revision = s.revision \
     ORDER BY r.id DESC LIMIT 1), 'received')";

impl TableQuery {
    /// `FROM … WHERE …` with only the filters that are set, and the values
    /// for its `$n` in order (`$1` the form id). Only what is set is in
    /// the text: SQLite plans a statement once for any value, and a
    /// `($5 = '' OR LOWER(s.answers) LIKE $5)` that names the answers makes
    /// it scan the table (120 ms at 100,000 rows) where the covering index
    /// `submissions_table` answers a count in 8 ms. `superseded = FALSE`
    /// (not `NOT superseded`) so that SQLite uses it as an index equality.
    pub(crate) fn filtered(&self, form_id: &str) -> (String, Vec<Param>) {
        // The received range is always in the statement (open ends are
        // the extreme values), so that SQLite reads one of the covering
        // indexes (migration 0005) whatever else is set.
        let mut params = vec![
            Param::Text(form_id.to_owned()),
            Param::Int(self.received_from.unwrap_or(i64::MIN)),
            Param::Int(self.received_before.unwrap_or(i64::MAX)),
        ];
        let mut sql = String::from(
            "FROM submissions s WHERE s.form_id = $1 AND s.superseded = FALSE \
             AND s.received_at >= $2 AND s.received_at < $3",
        );
        if let Some(who) = &self.submitted_by {
            params.push(Param::Text(who.clone()));
            sql.push_str(&format!(" AND s.submitted_by = ${}", params.len()));
        }
        if let Some(text) = &self.text {
            params.push(Param::Text(like_pattern(text)));
            let n = params.len();
            sql.push_str(&format!(
                " AND (LOWER(s.answers) LIKE ${n} ESCAPE '\\' OR LOWER(s.meta) LIKE ${n} ESCAPE '\\')"
            ));
        }
        if let Some(review) = self.review {
            params.push(Param::Text(review.as_str().to_owned()));
            sql.push_str(&format!(" AND {REVIEW} = ${}", params.len()));
        }
        (sql, params)
    }

    pub(crate) fn count_sql(&self, form_id: &str) -> (String, Vec<Param>) {
        let (from_where, params) = self.filtered(form_id);
        (format!("SELECT COUNT(*) {from_where}"), params)
    }

    pub(crate) fn rows_sql(&self, form_id: &str) -> (String, Vec<Param>) {
        let (from_where, mut params) = self.filtered(form_id);
        params.push(Param::Int(self.limit));
        params.push(Param::Int(self.offset));
        let n = params.len();
        let sql = format!(
            "SELECT s.instance_id, s.revision, s.form_version, s.received_at, s.submitted_by, \
             s.meta, {REVIEW} AS review {from_where}{} LIMIT ${} OFFSET ${n}",
            self.sort.order_by(),
            n - 1
        );
        (sql, params)
    }

    /// The charts' three counts ([`Summary`]): per day, per submitter, per review.
    pub(crate) fn summary_sql(&self, form_id: &str) -> ([String; 3], Vec<Param>) {
        let (from_where, params) = self.filtered(form_id);
        (
            [
                format!(
                    "SELECT s.received_at / 86400000 AS day, COUNT(*) AS n {from_where} \
                     GROUP BY s.received_at / 86400000 ORDER BY day DESC LIMIT {SUMMARY_DAYS}"
                ),
                format!(
                    "SELECT s.submitted_by AS who, COUNT(*) AS n {from_where} \
                     GROUP BY s.submitted_by ORDER BY n DESC, who LIMIT {SUMMARY_SUBMITTERS}"
                ),
                format!(
                    "SELECT t.review, COUNT(*) AS n FROM (SELECT {REVIEW} AS review {from_where}) t \
                     GROUP BY t.review"
                ),
            ],
            params,
        )
    }
}

/// How many rows pass the filters, per UTC day received, per submitter
/// and per review status: the console's charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `(day, count)`: days since the Unix epoch (UTC), oldest first; the
    /// latest [`SUMMARY_DAYS`] days that have any.
    pub per_day: Vec<(i64, i64)>,
    /// `(submitted_by, count)`, most first, at most [`SUMMARY_SUBMITTERS`].
    pub per_submitter: Vec<(String, i64)>,
    /// `(status, count)`, in the statuses' order; absent ones are left out.
    pub per_review: Vec<(ReviewStatus, i64)>,
}

pub const SUMMARY_DAYS: i64 = 366;
pub const SUMMARY_SUBMITTERS: i64 = 50;

/// Who submitted to the form, for the table's filter (index `submissions_by_form_submitter`).
pub(crate) const SUBMITTERS_SQL: &str = "SELECT DISTINCT submitted_by FROM submissions \
     WHERE form_id = $1 AND superseded = FALSE ORDER BY submitted_by LIMIT 500";

/// Every revision of an instance, oldest first.
pub(crate) const REVISIONS_SQL: &str = "SELECT instance_id, revision, form_id, form_version, \
     answers, meta, superseded, submitted_by, received_at FROM submissions \
     WHERE instance_id = $1 ORDER BY revision";

/// `$query` with each of `$params` bound in order.
macro_rules! console_bind {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                $crate::store::console_rows::Param::Int(value) => query.bind(value),
                $crate::store::console_rows::Param::Text(value) => query.bind(value),
            };
        }
        query
    }};
}
pub(crate) use console_bind;

/// The `Store` methods, for `sql_store!` (`$row`: the backend's row type).
macro_rules! console_methods {
    ($row:ty) => {
        fn submissions_table<'a>(
            &'a self,
            form_id: &'a str,
            query: &'a $crate::store::TableQuery,
        ) -> $crate::store::BoxFuture<'a, $crate::store::StoreResult<$crate::store::TablePage>> {
            Box::pin(async move {
                let (sql, params) = query.count_sql(form_id);
                let total: i64 =
                    $crate::store::console_rows::console_bind!(sqlx::query_scalar(&sql), params)
                        .fetch_one(&self.pool)
                        .await?;
                let (sql, params) = query.rows_sql(form_id);
                let rows: Vec<$row> =
                    $crate::store::console_rows::console_bind!(sqlx::query(&sql), params)
                        .fetch_all(&self.pool)
                        .await?;
                let rows = rows
                    .iter()
                    .map(|row| {
                        Ok($crate::store::TableRow {
                            instance_id: row.try_get("instance_id")?,
                            revision: row.try_get("revision")?,
                            form_version: row.try_get("form_version")?,
                            received_at: row.try_get("received_at")?,
                            submitted_by: row.try_get("submitted_by")?,
                            review: review_status_of(row.try_get::<&str, _>("review")?)?,
                            meta: json_of(row.try_get::<&str, _>("meta")?)?,
                        })
                    })
                    .collect::<$crate::store::StoreResult<Vec<_>>>()?;
                Ok($crate::store::TablePage { total, rows })
            })
        }

        fn submission_summary<'a>(
            &'a self,
            form_id: &'a str,
            query: &'a $crate::store::TableQuery,
        ) -> $crate::store::BoxFuture<'a, $crate::store::StoreResult<$crate::store::Summary>> {
            Box::pin(async move {
                let ([days, submitters, reviews], params) = query.summary_sql(form_id);
                let rows: Vec<$row> =
                    $crate::store::console_rows::console_bind!(sqlx::query(&days), params.clone())
                        .fetch_all(&self.pool)
                        .await?;
                let mut per_day = rows
                    .iter()
                    .map(|row| Ok((row.try_get::<i64, _>("day")?, row.try_get::<i64, _>("n")?)))
                    .collect::<$crate::store::StoreResult<Vec<_>>>()?;
                per_day.reverse();
                let rows: Vec<$row> = $crate::store::console_rows::console_bind!(
                    sqlx::query(&submitters),
                    params.clone()
                )
                .fetch_all(&self.pool)
                .await?;
                let per_submitter = rows
                    .iter()
                    .map(|row| {
                        Ok((
                            row.try_get::<String, _>("who")?,
                            row.try_get::<i64, _>("n")?,
                        ))
                    })
                    .collect::<$crate::store::StoreResult<Vec<_>>>()?;
                let rows: Vec<$row> =
                    $crate::store::console_rows::console_bind!(sqlx::query(&reviews), params)
                        .fetch_all(&self.pool)
                        .await?;
                let mut per_review = rows
                    .iter()
                    .map(|row| {
                        Ok((
                            review_status_of(row.try_get::<&str, _>("review")?)?,
                            row.try_get::<i64, _>("n")?,
                        ))
                    })
                    .collect::<$crate::store::StoreResult<Vec<_>>>()?;
                per_review.sort_by_key(|(status, _)| *status as u8);
                Ok($crate::store::Summary {
                    per_day,
                    per_submitter,
                    per_review,
                })
            })
        }

        fn submitters<'a>(
            &'a self,
            form_id: &'a str,
        ) -> $crate::store::BoxFuture<'a, $crate::store::StoreResult<Vec<String>>> {
            Box::pin(async move {
                Ok(
                    sqlx::query_scalar($crate::store::console_rows::SUBMITTERS_SQL)
                        .bind(form_id)
                        .fetch_all(&self.pool)
                        .await?,
                )
            })
        }

        fn instance_revisions<'a>(
            &'a self,
            instance_id: &'a str,
        ) -> $crate::store::BoxFuture<
            'a,
            $crate::store::StoreResult<Vec<$crate::store::StoredSubmission>>,
        > {
            Box::pin(async move {
                let rows = sqlx::query($crate::store::console_rows::REVISIONS_SQL)
                    .bind(instance_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::store::StoredSubmission {
                            instance_id: row.try_get("instance_id")?,
                            revision: row.try_get("revision")?,
                            form_id: row.try_get("form_id")?,
                            form_version: row.try_get("form_version")?,
                            answers: json_of(row.try_get::<&str, _>("answers")?)?,
                            meta: json_of(row.try_get::<&str, _>("meta")?)?,
                            superseded: row.try_get("superseded")?,
                            submitted_by: row.try_get("submitted_by")?,
                            received_at: row.try_get("received_at")?,
                        })
                    })
                    .collect()
            })
        }
    };
}
pub(crate) use console_methods;

#[cfg(test)]
mod tests {
    use super::{Param, ReviewStatus, TableQuery, TableSort, like_pattern};

    #[test]
    fn patterns_escape_wildcards_and_lowercase() {
        assert_eq!(like_pattern("Ana"), "%ana%");
        assert_eq!(like_pattern("50%_x\\"), "%50\\%\\_x\\\\%");
    }

    #[test]
    fn only_the_filters_set_are_in_the_statement() {
        let mut query = TableQuery {
            received_from: None,
            received_before: None,
            submitted_by: None,
            review: None,
            text: None,
            sort: TableSort::ReceivedDesc,
            offset: 100,
            limit: 50,
        };
        let (sql, params) = query.rows_sql("f");
        assert!(
            !sql.contains("answers") && !sql.contains("submitted_by ="),
            "{sql}"
        );
        assert!(sql.ends_with("LIMIT $4 OFFSET $5"), "{sql}");
        assert_eq!(
            params[1..],
            [
                Param::Int(i64::MIN),
                Param::Int(i64::MAX),
                Param::Int(50),
                Param::Int(100)
            ]
        );

        query.received_from = Some(10);
        query.received_before = Some(20);

        query.submitted_by = Some("device:7".into());
        query.text = Some("Ana".into());
        query.review = Some(ReviewStatus::Approved);
        let (sql, params) = query.count_sql("f");
        assert!(sql.contains("s.submitted_by = $4"), "{sql}");
        assert!(
            sql.contains("LOWER(s.answers) LIKE $5 ESCAPE '\\'"),
            "{sql}"
        );
        assert!(sql.contains("LOWER(s.meta) LIKE $5"), "{sql}");
        assert!(sql.ends_with("'received') = $6"), "{sql}");
        assert_eq!(
            params,
            [
                Param::Text("f".into()),
                Param::Int(10),
                Param::Int(20),
                Param::Text("device:7".into()),
                Param::Text("%ana%".into()),
                Param::Text("approved".into()),
            ]
        );
        let ([days, who, reviews], params) = query.summary_sql("f");
        assert_eq!(params.len(), 6);
        for sql in [days, who, reviews] {
            assert!(sql.contains("= $6"), "{sql}");
        }
    }

    #[test]
    fn sorts_by_name() {
        assert_eq!(
            TableSort::parse("-received_at"),
            Some(TableSort::ReceivedDesc)
        );
        assert_eq!(
            TableSort::parse("submitted_by"),
            Some(TableSort::SubmitterAsc)
        );
        assert_eq!(TableSort::parse("answers"), None);
    }
}
