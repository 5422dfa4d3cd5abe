//! Storage: one [`Store`] trait, two backends (SQLite by default,
//! PostgreSQL when the database URL says `postgres://`).
//!
//! Both backends run the same SQL text (`$1`-style parameters, which
//! SQLite accepts too) from one macro in [`sql`], against their own
//! migrations (`migrations/sqlite`, `migrations/postgres`). The trait
//! returns boxed futures so that the server can hold an `Arc<dyn Store>`
//! chosen at start.

pub(crate) mod attachments;
mod console_rows;
mod export_rows;
pub mod faults;
mod sql;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;

pub use attachments::{AttachmentContent, AttachmentInfo, NewAttachment};
pub use console_rows::{Summary, TablePage, TableQuery, TableRow, TableSort};
pub use export_rows::{ExportCount, ExportFilter, ExportRow};
pub use sql::{PostgresStore, SqliteStore};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
pub type BoxStream<'a, T> = Pin<Box<dyn futures_util::Stream<Item = T> + Send + 'a>>;
pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("username `{0}` is already taken")]
    UsernameTaken(String),
    #[error(
        "form `{id}` version `{version}` is already published with different content; \
         published versions never change: give the new one another version"
    )]
    VersionChanged { id: String, version: String },
    #[error("the database has data this server cannot read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("applying the database migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        // Every query error passes here: the one place to notice that the
        // pooled connections must be renewed (see `faults`).
        if faults::is_fault(&error) {
            faults::note_fault();
        }
        StoreError::Database(error)
    }
}

impl StoreError {
    /// The database cannot be written or reached right now (read-only
    /// file or database, full disk, server gone): 503, not a bug.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Database(e) if faults::is_fault(e))
    }

    /// A uniqueness violation (two writers raced on the same key): the
    /// caller retries, and the retry sees the other writer's row.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }

    /// Worth running the whole transaction again: a lost race on a unique
    /// key, or PostgreSQL's deadlock (40P01) and serialization (40001) failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                e.is_unique_violation()
                    || matches!(e.code().as_deref(), Some("40P01") | Some("40001"))
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Enumerator,
    Coordinator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Enumerator => "enumerator",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "coordinator" => Some(Role::Coordinator),
            "enumerator" => Some(Role::Enumerator),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub created_at: i64,
}

/// A user with the password hash, for logging in.
#[derive(Debug, Clone)]
pub struct UserWithPassword {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceToken {
    pub id: i64,
    pub label: String,
    /// Form ids this device may list, download and submit to.
    pub forms: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// What one device sent: responses (a correction is the same response)
/// and when the server last received one (Unix ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceActivity {
    pub device_id: i64,
    pub responses: i64,
    pub last_received_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewDeviceToken<'a> {
    pub token_hash: &'a str,
    pub label: &'a str,
    pub forms: &'a [String],
    pub created_by: &'a str,
}

/// A form version ready to be stored (already checked by the catalog).
#[derive(Debug, Clone)]
pub struct FormRecord {
    pub form_id: String,
    pub version: String,
    pub title: String,
    pub languages: String,
    pub default_language: String,
    pub definition: String,
    pub etag: String,
    /// Its data files, stored in the same transaction; part of what a
    /// re-publish must match exactly.
    pub attachments: Vec<NewAttachment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New,
    AlreadyPublished,
}

/// A catalog row, with its JSON columns still as text.
#[derive(Debug, Clone)]
pub struct FormRow {
    pub form_id: String,
    pub version: String,
    pub title: String,
    pub languages: String,
    pub default_language: String,
    pub etag: String,
    pub open: bool,
    pub published_at: i64,
}

#[derive(Debug, Clone)]
pub struct FormDefinition {
    pub definition: String,
    pub etag: String,
    pub open: bool,
}

/// One submission to store, already validated.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub instance_id: String,
    pub form_id: String,
    pub form_version: String,
    /// Canonical JSON of the answers as the engine computes them
    /// (`submissions::validate`).
    pub answers: String,
    /// Canonical JSON of the known `meta` keys.
    pub meta: String,
    /// Of the answers as the device sent them (see `submissions::content_of`).
    pub content_hash: String,
    /// The submission declares itself a correction of the stored instance.
    pub correction: bool,
    pub submitted_by: String,
    /// The sender may correct anyone's submission (a coordinator or an
    /// admin); others only their own.
    pub may_correct_any: bool,
}

/// The current revision of an instance, as ingest compares against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentRevision {
    pub revision: i64,
    pub form_id: String,
    pub content_hash: String,
    /// Who submitted the first revision.
    pub owner: String,
}

impl CurrentRevision {
    /// May `who` learn about this instance and correct it?
    pub fn belongs_to(&self, who: &str, may_correct_any: bool) -> bool {
        may_correct_any || self.owner == who
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// Stored as the first revision.
    Created { revision: i64 },
    /// The current revision has this exact content: nothing stored.
    Duplicate { revision: i64 },
    /// Stored as a new revision; the previous one is now superseded.
    Corrected { revision: i64 },
    /// The current revision differs and this is not a correction: refused.
    Conflict { revision: i64 },
    /// The instance id is taken by another submitter's submission: refused
    /// the same way whatever was sent, so nothing else about it leaks.
    NotYours,
    /// A correction names another form than the stored revision's.
    FormMismatch,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredSubmission {
    pub instance_id: String,
    pub revision: i64,
    pub form_id: String,
    pub form_version: String,
    pub answers: serde_json::Value,
    /// Start, end, enumerator, device: what the device said (`{}` before 0003).
    pub meta: serde_json::Value,
    pub superseded: bool,
    pub submitted_by: String,
    pub received_at: i64,
}

/// A page of a form's submissions, in the order they were stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmissionPage {
    pub submissions: Vec<StoredSubmission>,
    /// Pass as `after` for the next page; `None`: this is the last page.
    pub next: Option<i64>,
}

/// A coordinator's verdict on a submission; an instance's status is its
/// latest review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Received,
    Approved,
    /// The device is asked to correct it (see [`Store::corrections_for`]).
    HasIssues,
    Rejected,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Received => "received",
            ReviewStatus::Approved => "approved",
            ReviewStatus::HasIssues => "has_issues",
            ReviewStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<ReviewStatus> {
        match text {
            "received" => Some(ReviewStatus::Received),
            "approved" => Some(ReviewStatus::Approved),
            "has_issues" => Some(ReviewStatus::HasIssues),
            "rejected" => Some(ReviewStatus::Rejected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewReview<'a> {
    /// Lowercase, as stored in `submissions`.
    pub instance_id: &'a str,
    pub status: ReviewStatus,
    pub comment: &'a str,
    pub author: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub id: i64,
    pub instance_id: String,
    /// The revision that was current when it was reviewed.
    pub revision: i64,
    pub status: ReviewStatus,
    pub comment: String,
    pub author: String,
    pub created_at: i64,
}

/// A current submission whose latest review asks for a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub instance_id: String,
    pub form_id: String,
    pub form_version: String,
    pub revision: i64,
    pub comment: String,
    pub author: String,
    pub requested_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: serde_json::Value,
}

/// Builds an action's audit row from its result, so the store can write
/// both in one transaction (`None`: the action is not audited here).
pub type AuditWith<'a, T> = Option<&'a (dyn Fn(&T) -> AuditEntry + Send + Sync)>;

/// Everything the server keeps. Implemented by [`SqliteStore`] and [`PostgresStore`].
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`, for logs and the health check.
    fn backend(&self) -> &'static str;
    fn ping(&self) -> BoxFuture<'_, StoreResult<()>>;
    /// Commits a one-row write (table `health_probe`), so the health check
    /// sees what a submission would: a database that reads but cannot
    /// write is not healthy.
    fn check_writable(&self) -> BoxFuture<'_, StoreResult<()>>;

    // Accounts and sessions.
    fn count_admins(&self) -> BoxFuture<'_, StoreResult<i64>>;
    fn create_user<'a>(
        &'a self,
        username: &'a str,
        role: Role,
        password_hash: &'a str,
    ) -> BoxFuture<'a, StoreResult<User>> {
        self.create_user_audited(username, role, password_hash, None)
    }
    /// Creates the user and, in the same transaction, the audit row `audit`
    /// builds from it: no action without its row, no row without the action.
    fn create_user_audited<'a>(
        &'a self,
        username: &'a str,
        role: Role,
        password_hash: &'a str,
        audit: AuditWith<'a, User>,
    ) -> BoxFuture<'a, StoreResult<User>>;
    fn find_user<'a>(
        &'a self,
        username: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<UserWithPassword>>>;
    fn list_users(&self) -> BoxFuture<'_, StoreResult<Vec<User>>>;
    /// `None` if there is no such user.
    fn set_role<'a>(
        &'a self,
        username: &'a str,
        role: Role,
    ) -> BoxFuture<'a, StoreResult<Option<User>>> {
        self.set_role_audited(username, role, None)
    }
    /// [`Store::set_role`] with its audit row in the same transaction.
    fn set_role_audited<'a>(
        &'a self,
        username: &'a str,
        role: Role,
        audit: AuditWith<'a, User>,
    ) -> BoxFuture<'a, StoreResult<Option<User>>>;
    fn create_session<'a>(
        &'a self,
        token_hash: &'a str,
        user_id: i64,
        expires_at: i64,
    ) -> BoxFuture<'a, StoreResult<()>>;
    /// The user of an unexpired session.
    fn session_user<'a>(&'a self, token_hash: &'a str) -> BoxFuture<'a, StoreResult<Option<User>>>;
    fn delete_session<'a>(&'a self, token_hash: &'a str) -> BoxFuture<'a, StoreResult<()>>;

    // Device tokens.
    fn create_device_token<'a>(
        &'a self,
        token: NewDeviceToken<'a>,
    ) -> BoxFuture<'a, StoreResult<DeviceToken>> {
        self.create_device_token_audited(token, None)
    }
    /// [`Store::create_device_token`] with its audit row in the same transaction.
    fn create_device_token_audited<'a>(
        &'a self,
        token: NewDeviceToken<'a>,
        audit: AuditWith<'a, DeviceToken>,
    ) -> BoxFuture<'a, StoreResult<DeviceToken>>;
    /// The token with this hash, revoked or not.
    fn device_token<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<DeviceToken>>>;
    fn list_device_tokens(&self) -> BoxFuture<'_, StoreResult<Vec<DeviceToken>>>;
    /// What each device that sent anything sent (for the console).
    fn device_activity(&self) -> BoxFuture<'_, StoreResult<Vec<DeviceActivity>>>;
    /// `None` if there is no such token; revoking twice keeps the first time.
    fn revoke_device_token(&self, id: i64) -> BoxFuture<'_, StoreResult<Option<DeviceToken>>> {
        self.revoke_device_token_audited(id, None)
    }
    /// [`Store::revoke_device_token`] with its audit row in the same transaction.
    fn revoke_device_token_audited<'a>(
        &'a self,
        id: i64,
        audit: AuditWith<'a, DeviceToken>,
    ) -> BoxFuture<'a, StoreResult<Option<DeviceToken>>>;

    // Form catalog.
    /// Publishes a version unless this exact one is there; the audit row
    /// is written in the same transaction, and only for a new version.
    fn publish_form<'a>(
        &'a self,
        form: &'a FormRecord,
        audit: AuditWith<'a, FormRecord>,
    ) -> BoxFuture<'a, StoreResult<Published>>;
    /// Every version, ordered by form id then publication.
    fn list_forms(&self) -> BoxFuture<'_, StoreResult<Vec<FormRow>>>;
    fn form_definition<'a>(
        &'a self,
        form_id: &'a str,
        version: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<FormDefinition>>>;
    /// `None` if the version is not published, else whether it is open.
    fn form_open<'a>(
        &'a self,
        form_id: &'a str,
        version: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<bool>>>;
    /// Opens or closes one version, or every version of the form; returns
    /// how many versions exist (0: unknown form, and nothing audited).
    fn set_form_open<'a>(
        &'a self,
        form_id: &'a str,
        version: Option<&'a str>,
        open: bool,
        audit: AuditWith<'a, u64>,
    ) -> BoxFuture<'a, StoreResult<u64>>;

    // Form attachments (`attachments`).
    /// Every version's attachments, without content: `(form id, version, info)`,
    /// by form id, version and name.
    fn list_attachments(&self)
    -> BoxFuture<'_, StoreResult<Vec<(String, String, AttachmentInfo)>>>;
    /// One version's attachments with their content.
    fn attachment_files<'a>(
        &'a self,
        form_id: &'a str,
        version: &'a str,
    ) -> BoxFuture<'a, StoreResult<Vec<AttachmentContent>>>;
    /// One attachment with its content, `None` if the version has no such file.
    fn attachment<'a>(
        &'a self,
        form_id: &'a str,
        version: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<AttachmentContent>>>;

    // Submissions.
    /// Stores a batch in one transaction: every outcome holds only once
    /// this returns `Ok`, i.e. after the commit.
    fn ingest<'a>(
        &'a self,
        batch: &'a [NewSubmission],
    ) -> BoxFuture<'a, StoreResult<Vec<IngestOutcome>>>;
    /// The current revision of `instance_id` with what ingest compares, if stored.
    fn current_submission<'a>(
        &'a self,
        instance_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<CurrentRevision>>>;
    /// Every revision of the form's submissions, oldest first.
    fn list_submissions<'a>(
        &'a self,
        form_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Vec<StoredSubmission>>>;
    /// One page of [`Store::list_submissions`]: at most `limit` revisions
    /// stored after the one whose cursor is `after` (0: from the start).
    fn submissions_page<'a>(
        &'a self,
        form_id: &'a str,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'a, StoreResult<SubmissionPage>>;

    // Reviews.
    /// Reviews the instance's current revision; `None` if no submission
    /// has this instance id (and nothing audited). The audit row is written
    /// in the review's transaction.
    fn create_review<'a>(
        &'a self,
        review: &'a NewReview<'a>,
        audit: AuditWith<'a, Review>,
    ) -> BoxFuture<'a, StoreResult<Option<Review>>>;
    /// The current revision of an instance, `None` if it is unknown.
    fn current_revision<'a>(
        &'a self,
        instance_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<i64>>>;
    /// Every review of the instance, oldest first.
    fn list_reviews<'a>(&'a self, instance_id: &'a str) -> BoxFuture<'a, StoreResult<Vec<Review>>>;
    /// The current submissions of `submitted_by` whose latest review is
    /// `has_issues` on that same revision (a correction, which stores a new
    /// revision, drops out), oldest request first, at most `limit`.
    fn corrections_for<'a>(
        &'a self,
        submitted_by: &'a str,
        limit: i64,
    ) -> BoxFuture<'a, StoreResult<Vec<Correction>>>;

    // Exports (`crate::exports`).
    /// How many revisions [`Store::export_submissions`] yields for this filter.
    fn count_export<'a>(
        &'a self,
        form_id: &'a str,
        filter: &'a ExportFilter,
    ) -> BoxFuture<'a, StoreResult<ExportCount>>;
    /// The form's revisions that pass `filter`, in the order stored,
    /// streamed from the database one row at a time.
    fn export_submissions<'a>(
        &'a self,
        form_id: &'a str,
        filter: &'a ExportFilter,
    ) -> BoxStream<'a, StoreResult<ExportRow>>;

    // The console (`console_rows`).
    /// A page of the form's current submissions passing `query`, and how many pass.
    fn submissions_table<'a>(
        &'a self,
        form_id: &'a str,
        query: &'a TableQuery,
    ) -> BoxFuture<'a, StoreResult<TablePage>>;
    /// Counts of the rows passing `query`'s filters per day, submitter and
    /// review status (its sort and page are ignored).
    fn submission_summary<'a>(
        &'a self,
        form_id: &'a str,
        query: &'a TableQuery,
    ) -> BoxFuture<'a, StoreResult<Summary>>;
    /// Who submitted to the form (at most 500), for the table's filter.
    fn submitters<'a>(&'a self, form_id: &'a str) -> BoxFuture<'a, StoreResult<Vec<String>>>;
    /// Every revision of an instance, oldest first (empty: unknown).
    fn instance_revisions<'a>(
        &'a self,
        instance_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Vec<StoredSubmission>>>;

    // Audit log.
    fn audit<'a>(&'a self, entry: &'a AuditEntry) -> BoxFuture<'a, StoreResult<()>>;
    /// The latest `limit` entries, newest first.
    fn list_audit(&self, limit: i64) -> BoxFuture<'_, StoreResult<Vec<AuditEntry>>>;
}

pub type SharedStore = Arc<dyn Store>;

/// Opens the database at `url` (`sqlite://...` or `postgres://...`) and
/// applies its migrations.
pub async fn open(url: &str) -> anyhow::Result<SharedStore> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::open(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await?))
    } else {
        anyhow::bail!(
            "unsupported database URL `{}`: use sqlite://PATH or postgres://...",
            redact(url)
        )
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Milliseconds since the Unix epoch: the time unit of every stored time.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{ReviewStatus, redact};

    /// The JSON names, the stored names (the migrations' CHECK) and
    /// `parse` must agree.
    #[test]
    fn review_statuses_round_trip() {
        for status in [
            ReviewStatus::Received,
            ReviewStatus::Approved,
            ReviewStatus::HasIssues,
            ReviewStatus::Rejected,
        ] {
            assert_eq!(
                serde_json::to_value(status).ok(),
                Some(serde_json::Value::from(status.as_str()))
            );
            assert_eq!(ReviewStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ReviewStatus::parse("has-issues"), None);
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
