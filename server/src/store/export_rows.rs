//! The exports' read of a form's submissions: a count first (for the
//! progress bar), then the rows streamed from the database (`fetch`, one
//! row at a time), so an export of 100,000 responses runs in flat memory.
//! The filtering is done by the SQL; the queries are the same text on both
//! backends, like the rest of the store (see `sql`).

/// Which revisions an export reads. Every part is done in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFilter {
    /// Received at or after (Unix ms).
    pub received_from: Option<i64>,
    /// Received before (Unix ms).
    pub received_before: Option<i64>,
    /// Only these review statuses (a revision without a review counts as
    /// `received`); `None`: any.
    pub review: Option<Vec<super::ReviewStatus>>,
    /// Also the revisions a correction replaced.
    pub include_superseded: bool,
    /// Only rows stored up to this row id ([`ExportCount::last_id`]): the
    /// stream then yields exactly the rows that were counted, whatever
    /// arrives while the export runs.
    pub up_to_id: Option<i64>,
}

impl ExportFilter {
    /// Everything current: no dates, any review, no superseded revisions.
    pub fn current() -> ExportFilter {
        ExportFilter {
            received_from: None,
            received_before: None,
            review: None,
            include_superseded: false,
            up_to_id: None,
        }
    }

    fn wants(&self, status: super::ReviewStatus) -> bool {
        self.review
            .as_ref()
            .is_none_or(|list| list.contains(&status))
    }

    /// The query's parameters after the form id, in order ($2..$9).
    pub(crate) fn params(&self) -> (bool, i64, i64, i64, [bool; 4]) {
        use super::ReviewStatus as S;
        (
            self.include_superseded,
            self.received_from.unwrap_or(i64::MIN),
            self.received_before.unwrap_or(i64::MAX),
            self.up_to_id.unwrap_or(i64::MAX),
            [
                self.wants(S::Received),
                self.wants(S::Approved),
                self.wants(S::HasIssues),
                self.wants(S::Rejected),
            ],
        )
    }
}

/// How many rows an export will read, and the last one's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportCount {
    pub total: i64,
    /// Pass as [`ExportFilter::up_to_id`]; 0 when there are none.
    pub last_id: i64,
}

/// One stored revision as the export reads it; the JSON columns stay text
/// (they are parsed on the exporter's thread, not the runtime's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub instance_id: String,
    pub revision: i64,
    pub superseded: bool,
    pub form_version: String,
    pub submitted_by: String,
    pub received_at: i64,
    /// The latest review of this revision, `None` if it has none (a
    /// correction is unreviewed until reviewed again, as ODK Central's
    /// `edited`).
    pub review: Option<super::ReviewStatus>,
    pub meta: String,
    pub answers: String,
}

/// The filtered rows, every column the export needs; `$1` form id, `$2`
/// include superseded, `$3`/`$4` the received range, `$5` the last id,
/// `$6`..`$9` whether received, approved, has_issues, rejected are wanted.
/// "Latest" review is the highest id, as everywhere in the store: ids
/// follow commit order even if the clock steps back.
macro_rules! export_rows_sql {
    () => {
        "SELECT * FROM (\
         SELECT s.id, s.instance_id, s.revision, s.superseded, s.form_version, \
         s.submitted_by, s.received_at, s.meta, s.answers, \
         (SELECT r.status FROM reviews r \
          WHERE r.instance_id = s.instance_id AND r.revision = s.revision \
          ORDER BY r.id DESC LIMIT 1) AS review \
         FROM submissions s \
         WHERE s.form_id = $1 AND ($2 OR NOT s.superseded) \
         AND s.received_at >= $3 AND s.received_at < $4 AND s.id <= $5\
         ) t WHERE \
         ($6 AND (t.review IS NULL OR t.review = 'received')) \
         OR ($7 AND t.review = 'approved') \
         OR ($8 AND t.review = 'has_issues') \
         OR ($9 AND t.review = 'rejected')"
    };
}

pub(super) const COUNT_SQL: &str = concat!(
    "SELECT COUNT(*) AS total, COALESCE(MAX(e.id), 0) AS last_id FROM (",
    export_rows_sql!(),
    ") e"
);

pub(super) const ROWS_SQL: &str = concat!(export_rows_sql!(), " ORDER BY t.id");

/// The two `Store` methods, for `sql_store!` (`$row`: the backend's row type).
macro_rules! export_methods {
    ($row:ty) => {
        fn count_export<'a>(
            &'a self,
            form_id: &'a str,
            filter: &'a $crate::store::ExportFilter,
        ) -> $crate::store::BoxFuture<'a, $crate::store::StoreResult<$crate::store::ExportCount>> {
            Box::pin(async move {
                let (superseded, from, before, up_to, review) = filter.params();
                let row = sqlx::query($crate::store::export_rows::COUNT_SQL)
                    .bind(form_id)
                    .bind(superseded)
                    .bind(from)
                    .bind(before)
                    .bind(up_to)
                    .bind(review[0])
                    .bind(review[1])
                    .bind(review[2])
                    .bind(review[3])
                    .fetch_one(&self.pool)
                    .await?;
                Ok($crate::store::ExportCount {
                    total: sqlx::Row::try_get(&row, "total")?,
                    last_id: sqlx::Row::try_get(&row, "last_id")?,
                })
            })
        }

        fn export_submissions<'a>(
            &'a self,
            form_id: &'a str,
            filter: &'a $crate::store::ExportFilter,
        ) -> $crate::store::BoxStream<'a, $crate::store::StoreResult<$crate::store::ExportRow>> {
            use futures_util::StreamExt as _;
            let (superseded, from, before, up_to, review) = filter.params();
            let rows = sqlx::query($crate::store::export_rows::ROWS_SQL)
                .bind(form_id)
                .bind(superseded)
                .bind(from)
                .bind(before)
                .bind(up_to)
                .bind(review[0])
                .bind(review[1])
                .bind(review[2])
                .bind(review[3])
                .fetch(&self.pool);
            Box::pin(rows.map(|row| {
                let row: $row = row?;
                let review: Option<String> = sqlx::Row::try_get(&row, "review")?;
                Ok($crate::store::ExportRow {
                    instance_id: sqlx::Row::try_get(&row, "instance_id")?,
                    revision: sqlx::Row::try_get(&row, "revision")?,
                    superseded: sqlx::Row::try_get(&row, "superseded")?,
                    form_version: sqlx::Row::try_get(&row, "form_version")?,
                    submitted_by: sqlx::Row::try_get(&row, "submitted_by")?,
                    received_at: sqlx::Row::try_get(&row, "received_at")?,
                    review: review.as_deref().map(review_status_of).transpose()?,
                    meta: sqlx::Row::try_get(&row, "meta")?,
                    answers: sqlx::Row::try_get(&row, "answers")?,
                })
            }))
        }
    };
}
pub(crate) use export_methods;
