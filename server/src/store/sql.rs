//! The two SQL backends. Their queries are the same text (both databases
//! accept `$1` parameters, `RETURNING`, partial unique indexes and
//! `TRUE`/`FALSE`), so one macro writes both implementations and the
//! compiler checks each against its own driver's types.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Row, SqlitePool};

use super::{
    AuditEntry, AuditWith, BoxFuture, Correction, CurrentRevision, DeviceActivity, DeviceToken,
    FormDefinition, FormRecord, FormRow, IngestOutcome, NewDeviceToken, NewReview, NewSubmission,
    Published, Review, ReviewStatus, Role, Store, StoreError, StoreResult, StoredSubmission,
    SubmissionPage, User, UserWithPassword, now_ms,
};
use crate::store::faults::opened_before_fault;

/// SQLite in WAL mode with `synchronous = FULL`: a commit is on disk
/// before we acknowledge it, which is what "a submission is never lost
/// once acknowledged" needs.
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .before_acquire(|_, meta| Box::pin(async move { Ok(!opened_before_fault(meta.age)) }))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .before_acquire(|_, meta| Box::pin(async move { Ok(!opened_before_fault(meta.age)) }))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

fn role_of(text: &str) -> StoreResult<Role> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("unknown role `{text}`")))
}

fn forms_of(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("device token forms `{text}`: {e}")))
}

fn review_status_of(text: &str) -> StoreResult<ReviewStatus> {
    ReviewStatus::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown review status `{text}`")))
}

fn json_of(text: &str) -> StoreResult<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("stored JSON: {e}")))
}

/// How many times a write is retried after losing a race (a unique key, a
/// deadlock); PostgreSQL only: SQLite writers are serialised by `BEGIN IMMEDIATE`.
const RACE_RETRIES: usize = 3;

macro_rules! sql_store {
    ($store:ident, $row:ty, $backend:literal, $begin:literal) => {
        impl $store {
            fn user(row: &$row) -> StoreResult<User> {
                Ok(User {
                    id: row.try_get("id")?,
                    username: row.try_get("username")?,
                    role: role_of(row.try_get::<&str, _>("role")?)?,
                    created_at: row.try_get("created_at")?,
                })
            }

            fn device(row: &$row) -> StoreResult<DeviceToken> {
                Ok(DeviceToken {
                    id: row.try_get("id")?,
                    label: row.try_get("label")?,
                    forms: forms_of(row.try_get::<&str, _>("forms")?)?,
                    created_by: row.try_get("created_by")?,
                    created_at: row.try_get("created_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            }

            fn review(row: &$row) -> StoreResult<Review> {
                Ok(Review {
                    id: row.try_get("id")?,
                    instance_id: row.try_get("instance_id")?,
                    revision: row.try_get("revision")?,
                    status: review_status_of(row.try_get::<&str, _>("status")?)?,
                    comment: row.try_get("comment")?,
                    author: row.try_get("author")?,
                    created_at: row.try_get("created_at")?,
                })
            }

            /// Writes the audit row of an action, in the action's transaction.
            async fn write_audit<'c, E, T>(
                executor: E,
                audit: AuditWith<'_, T>,
                subject: &T,
            ) -> StoreResult<()>
            where
                E: sqlx::Executor<'c, Database = <$row as sqlx::Row>::Database>,
            {
                let Some(build) = audit else { return Ok(()) };
                let entry = build(subject);
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, target, details) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(entry.at)
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(&entry.target)
                .bind(entry.details.to_string())
                .execute(executor)
                .await?;
                Ok(())
            }

            super::attachments::attachment_helpers!($row);

            async fn publish_once(
                &self,
                form: &FormRecord,
                audit: AuditWith<'_, FormRecord>,
            ) -> StoreResult<Published> {
                let mut tx = self.pool.begin_with($begin).await?;
                let existing: Option<String> = sqlx::query_scalar(
                    "SELECT definition FROM form_versions WHERE form_id = $1 AND version = $2",
                )
                .bind(&form.form_id)
                .bind(&form.version)
                .fetch_optional(&mut *tx)
                .await?;
                let result = match existing {
                    // The same version again: unchanged only if its files are too.
                    Some(stored) if stored == form.definition => {
                        let mut hashes =
                            Self::attachment_hashes(&mut *tx, &form.form_id, &form.version).await?;
                        // Sorted here: PostgreSQL's collation may order names differently.
                        hashes.sort();
                        if hashes != super::attachments::hashes_of(&form.attachments) {
                            return Err(StoreError::VersionChanged {
                                id: form.form_id.clone(),
                                version: form.version.clone(),
                            });
                        }
                        Published::AlreadyPublished
                    }
                    Some(_) => {
                        return Err(StoreError::VersionChanged {
                            id: form.form_id.clone(),
                            version: form.version.clone(),
                        });
                    }
                    None => {
                        sqlx::query(
                            "INSERT INTO form_versions (form_id, version, title, languages, \
                             default_language, definition, etag, is_open, published_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8)",
                        )
                        .bind(&form.form_id)
                        .bind(&form.version)
                        .bind(&form.title)
                        .bind(&form.languages)
                        .bind(&form.default_language)
                        .bind(&form.definition)
                        .bind(&form.etag)
                        .bind(now_ms())
                        .execute(&mut *tx)
                        .await?;
                        for file in &form.attachments {
                            sqlx::query(super::attachments::INSERT_SQL)
                                .bind(&form.form_id)
                                .bind(&form.version)
                                .bind(&file.name)
                                .bind(&file.content_type)
                                .bind(i64::try_from(file.content.len()).unwrap_or(i64::MAX))
                                .bind(&file.sha256)
                                .bind(&file.content)
                                .execute(&mut *tx)
                                .await?;
                        }
                        Self::write_audit(&mut *tx, audit, form).await?;
                        Published::New
                    }
                };
                tx.commit().await?;
                Ok(result)
            }

            async fn current_in<'c, E>(
                executor: E,
                instance_id: &str,
            ) -> StoreResult<Option<CurrentRevision>>
            where
                E: sqlx::Executor<'c, Database = <$row as sqlx::Row>::Database>,
            {
                // The owner is who sent revision 1: a coordinator's
                // correction does not take the instance from its submitter.
                let row = sqlx::query(
                    "SELECT c.revision, c.form_id, c.content_hash, o.submitted_by \
                     FROM submissions c JOIN submissions o \
                     ON o.instance_id = c.instance_id AND o.revision = 1 \
                     WHERE c.instance_id = $1 AND NOT c.superseded",
                )
                .bind(instance_id)
                .fetch_optional(executor)
                .await?;
                row.map(|row| {
                    Ok(CurrentRevision {
                        revision: row.try_get("revision")?,
                        form_id: row.try_get("form_id")?,
                        content_hash: row.try_get("content_hash")?,
                        owner: row.try_get("submitted_by")?,
                    })
                })
                .transpose()
            }

            async fn ingest_once(&self, batch: &[NewSubmission]) -> StoreResult<Vec<IngestOutcome>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut outcomes = Vec::with_capacity(batch.len());
                let now = now_ms();
                for item in batch {
                    let current = Self::current_in(&mut *tx, &item.instance_id).await?;
                    let revision = match current {
                        None => {
                            outcomes.push(IngestOutcome::Created { revision: 1 });
                            1
                        }
                        // An exact re-send is a duplicate whoever sends it: a
                        // tablet enrolled again (a new device token) must
                        // learn that what it sent before is safe, and the
                        // sender already holds the whole content.
                        Some(current) if current.content_hash == item.content_hash => {
                            outcomes.push(IngestOutcome::Duplicate {
                                revision: current.revision,
                            });
                            continue;
                        }
                        // Otherwise another submitter's instance answers the
                        // same whatever was sent (no revision, no form).
                        Some(current)
                            if !current.belongs_to(&item.submitted_by, item.may_correct_any) =>
                        {
                            outcomes.push(IngestOutcome::NotYours);
                            continue;
                        }
                        Some(current) if !item.correction => {
                            outcomes.push(IngestOutcome::Conflict {
                                revision: current.revision,
                            });
                            continue;
                        }
                        Some(current) if current.form_id != item.form_id => {
                            outcomes.push(IngestOutcome::FormMismatch);
                            continue;
                        }
                        Some(current) => {
                            let revision = current.revision;
                            sqlx::query(
                                "UPDATE submissions SET superseded = TRUE \
                                 WHERE instance_id = $1 AND revision = $2",
                            )
                            .bind(&item.instance_id)
                            .bind(revision)
                            .execute(&mut *tx)
                            .await?;
                            outcomes.push(IngestOutcome::Corrected {
                                revision: revision + 1,
                            });
                            revision + 1
                        }
                    };
                    sqlx::query(
                        "INSERT INTO submissions (instance_id, revision, form_id, form_version, \
                         answers, content_hash, superseded, submitted_by, received_at, meta) \
                         VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $8, $9)",
                    )
                    .bind(&item.instance_id)
                    .bind(revision)
                    .bind(&item.form_id)
                    .bind(&item.form_version)
                    .bind(&item.answers)
                    .bind(&item.content_hash)
                    .bind(&item.submitted_by)
                    .bind(now)
                    .bind(&item.meta)
                    .execute(&mut *tx)
                    .await?;
                }
                // The outcomes are only true once this commit is durable.
                tx.commit().await?;
                Ok(outcomes)
            }
        }

        impl Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            fn ping(&self) -> BoxFuture<'_, StoreResult<()>> {
                Box::pin(async move {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                })
            }

            fn check_writable(&self) -> BoxFuture<'_, StoreResult<()>> {
                Box::pin(async move {
                    let probe = || {
                        sqlx::query(
                            "INSERT INTO health_probe (id, checked_at) VALUES (1, $1) \
                             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                        )
                        .bind(now_ms())
                        .execute(&self.pool)
                    };
                    match probe().await {
                        Ok(_) => Ok(()),
                        // The failure renewed the connections opened before
                        // it (see `faults`); one more try on a fresh one
                        // tells whether the fault is still there.
                        Err(e) if crate::store::faults::is_fault(&e) => {
                            let _noted = StoreError::from(e);
                            probe().await?;
                            Ok(())
                        }
                        Err(e) => Err(e.into()),
                    }
                })
            }

            fn count_admins(&self) -> BoxFuture<'_, StoreResult<i64>> {
                Box::pin(async move {
                    Ok(
                        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
                            .fetch_one(&self.pool)
                            .await?,
                    )
                })
            }

            fn create_user_audited<'a>(
                &'a self,
                username: &'a str,
                role: Role,
                password_hash: &'a str,
                audit: AuditWith<'a, User>,
            ) -> BoxFuture<'a, StoreResult<User>> {
                Box::pin(async move {
                    let mut tx = self.pool.begin_with($begin).await?;
                    // Usernames are case-insensitive: a name that an older
                    // account holds in another case is taken too (the
                    // UNIQUE column covers the race between two new,
                    // lowercased, names).
                    let result = sqlx::query(
                        "INSERT INTO users (username, role, password_hash, created_at) \
                         SELECT $1, $2, $3, $4 WHERE NOT EXISTS \
                         (SELECT 1 FROM users WHERE lower(username) = lower($1)) \
                         RETURNING id, username, role, created_at",
                    )
                    .bind(username)
                    .bind(role.as_str())
                    .bind(password_hash)
                    .bind(now_ms())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(StoreError::from);
                    let user = match result {
                        Ok(Some(row)) => Self::user(&row)?,
                        Ok(None) => return Err(StoreError::UsernameTaken(username.to_owned())),
                        Err(e) if e.is_unique_violation() => {
                            return Err(StoreError::UsernameTaken(username.to_owned()));
                        }
                        Err(e) => return Err(e),
                    };
                    Self::write_audit(&mut *tx, audit, &user).await?;
                    tx.commit().await?;
                    Ok(user)
                })
            }

            fn find_user<'a>(
                &'a self,
                username: &'a str,
            ) -> BoxFuture<'a, StoreResult<Option<UserWithPassword>>> {
                Box::pin(async move {
                    let row = sqlx::query(
                        "SELECT id, username, role, created_at, password_hash FROM users \
                         WHERE lower(username) = lower($1) \
                         ORDER BY CASE WHEN username = $1 THEN 0 ELSE 1 END, id LIMIT 1",
                    )
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await?;
                    row.map(|row| {
                        Ok(UserWithPassword {
                            user: Self::user(&row)?,
                            password_hash: row.try_get("password_hash")?,
                        })
                    })
                    .transpose()
                })
            }

            fn list_users(&self) -> BoxFuture<'_, StoreResult<Vec<User>>> {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "SELECT id, username, role, created_at FROM users ORDER BY username",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(Self::user).collect()
                })
            }

            fn set_role_audited<'a>(
                &'a self,
                username: &'a str,
                role: Role,
                audit: AuditWith<'a, User>,
            ) -> BoxFuture<'a, StoreResult<Option<User>>> {
                Box::pin(async move {
                    let mut tx = self.pool.begin_with($begin).await?;
                    let row = sqlx::query(
                        "UPDATE users SET role = $1 WHERE id = \
                         (SELECT id FROM users WHERE lower(username) = lower($2) \
                          ORDER BY CASE WHEN username = $2 THEN 0 ELSE 1 END, id LIMIT 1) \
                         RETURNING id, username, role, created_at",
                    )
                    .bind(role.as_str())
                    .bind(username)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let user = Self::user(&row)?;
                    Self::write_audit(&mut *tx, audit, &user).await?;
                    tx.commit().await?;
                    Ok(Some(user))
                })
            }

            fn create_session<'a>(
                &'a self,
                token_hash: &'a str,
                user_id: i64,
                expires_at: i64,
            ) -> BoxFuture<'a, StoreResult<()>> {
                Box::pin(async move {
                    let now = now_ms();
                    // Expired sessions are swept here rather than by a timer.
                    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn session_user<'a>(
                &'a self,
                token_hash: &'a str,
            ) -> BoxFuture<'a, StoreResult<Option<User>>> {
                Box::pin(async move {
                    let row = sqlx::query(
                        "SELECT u.id, u.username, u.role, u.created_at FROM sessions s \
                         JOIN users u ON u.id = s.user_id \
                         WHERE s.token_hash = $1 AND s.expires_at > $2",
                    )
                    .bind(token_hash)
                    .bind(now_ms())
                    .fetch_optional(&self.pool)
                    .await?;
                    row.as_ref().map(Self::user).transpose()
                })
            }

            fn delete_session<'a>(&'a self, token_hash: &'a str) -> BoxFuture<'a, StoreResult<()>> {
                Box::pin(async move {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                })
            }

            fn create_device_token_audited<'a>(
                &'a self,
                token: NewDeviceToken<'a>,
                audit: AuditWith<'a, DeviceToken>,
            ) -> BoxFuture<'a, StoreResult<DeviceToken>> {
                Box::pin(async move {
                    let forms = serde_json::to_string(token.forms)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let mut tx = self.pool.begin_with($begin).await?;
                    let row = sqlx::query(
                        "INSERT INTO device_tokens (token_hash, label, forms, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5) \
                         RETURNING id, label, forms, created_by, created_at, revoked_at",
                    )
                    .bind(token.token_hash)
                    .bind(token.label)
                    .bind(forms)
                    .bind(token.created_by)
                    .bind(now_ms())
                    .fetch_one(&mut *tx)
                    .await?;
                    let device = Self::device(&row)?;
                    Self::write_audit(&mut *tx, audit, &device).await?;
                    tx.commit().await?;
                    Ok(device)
                })
            }

            fn device_token<'a>(
                &'a self,
                token_hash: &'a str,
            ) -> BoxFuture<'a, StoreResult<Option<DeviceToken>>> {
                Box::pin(async move {
                    let row = sqlx::query(
                        "SELECT id, label, forms, created_by, created_at, revoked_at \
                         FROM device_tokens WHERE token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    row.as_ref().map(Self::device).transpose()
                })
            }

            fn list_device_tokens(&self) -> BoxFuture<'_, StoreResult<Vec<DeviceToken>>> {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "SELECT id, label, forms, created_by, created_at, revoked_at \
                         FROM device_tokens ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(Self::device).collect()
                })
            }

            fn device_activity(&self) -> BoxFuture<'_, StoreResult<Vec<DeviceActivity>>> {
                Box::pin(async move {
                    // Devices submit as `device:<id>` (see `auth::Principal`).
                    let rows = sqlx::query(
                        "SELECT submitted_by, COUNT(DISTINCT instance_id) AS responses, \
                         MAX(received_at) AS last_received_at FROM submissions \
                         WHERE submitted_by LIKE 'device:%' GROUP BY submitted_by",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    let mut activity = Vec::new();
                    for row in &rows {
                        let by: String = row.try_get("submitted_by")?;
                        if let Some(id) = by.strip_prefix("device:").and_then(|id| id.parse().ok()) {
                            activity.push(DeviceActivity {
                                device_id: id,
                                responses: row.try_get("responses")?,
                                last_received_at: row.try_get("last_received_at")?,
                            });
                        }
                    }
                    Ok(activity)
                })
            }

            fn revoke_device_token_audited<'a>(
                &'a self,
                id: i64,
                audit: AuditWith<'a, DeviceToken>,
            ) -> BoxFuture<'a, StoreResult<Option<DeviceToken>>> {
                Box::pin(async move {
                    let mut tx = self.pool.begin_with($begin).await?;
                    let row = sqlx::query(
                        "UPDATE device_tokens SET revoked_at = COALESCE(revoked_at, $1) \
                         WHERE id = $2 \
                         RETURNING id, label, forms, created_by, created_at, revoked_at",
                    )
                    .bind(now_ms())
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let device = Self::device(&row)?;
                    Self::write_audit(&mut *tx, audit, &device).await?;
                    tx.commit().await?;
                    Ok(Some(device))
                })
            }

            fn publish_form<'a>(
                &'a self,
                form: &'a FormRecord,
                audit: AuditWith<'a, FormRecord>,
            ) -> BoxFuture<'a, StoreResult<Published>> {
                Box::pin(async move {
                    let mut attempt = 0;
                    loop {
                        match self.publish_once(form, audit).await {
                            Err(e) if e.is_unique_violation() && attempt < RACE_RETRIES => {
                                attempt += 1;
                            }
                            other => return other,
                        }
                    }
                })
            }

            fn list_forms(&self) -> BoxFuture<'_, StoreResult<Vec<FormRow>>> {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "SELECT form_id, version, title, languages, default_language, etag, \
                         is_open, published_at FROM form_versions \
                         ORDER BY form_id, published_at, version",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(FormRow {
                                form_id: row.try_get("form_id")?,
                                version: row.try_get("version")?,
                                title: row.try_get("title")?,
                                languages: row.try_get("languages")?,
                                default_language: row.try_get("default_language")?,
                                etag: row.try_get("etag")?,
                                open: row.try_get("is_open")?,
                                published_at: row.try_get("published_at")?,
                            })
                        })
                        .collect()
                })
            }

            fn form_definition<'a>(
                &'a self,
                form_id: &'a str,
                version: &'a str,
            ) -> BoxFuture<'a, StoreResult<Option<FormDefinition>>> {
                Box::pin(async move {
                    let row = sqlx::query(
                        "SELECT definition, etag, is_open FROM form_versions \
                         WHERE form_id = $1 AND version = $2",
                    )
                    .bind(form_id)
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await?;
                    row.map(|row| {
                        Ok(FormDefinition {
                            definition: row.try_get("definition")?,
                            etag: row.try_get("etag")?,
                            open: row.try_get("is_open")?,
                        })
                    })
                    .transpose()
                })
            }

            fn form_open<'a>(
                &'a self,
                form_id: &'a str,
                version: &'a str,
            ) -> BoxFuture<'a, StoreResult<Option<bool>>> {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "SELECT is_open FROM form_versions WHERE form_id = $1 AND version = $2",
                    )
                    .bind(form_id)
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await?)
                })
            }

            fn set_form_open<'a>(
                &'a self,
                form_id: &'a str,
                version: Option<&'a str>,
                open: bool,
                audit: AuditWith<'a, u64>,
            ) -> BoxFuture<'a, StoreResult<u64>> {
                Box::pin(async move {
                    let mut tx = self.pool.begin_with($begin).await?;
                    let result = match version {
                        Some(version) => {
                            sqlx::query(
                                "UPDATE form_versions SET is_open = $1 \
                                 WHERE form_id = $2 AND version = $3",
                            )
                            .bind(open)
                            .bind(form_id)
                            .bind(version)
                            .execute(&mut *tx)
                            .await?
                        }
                        None => {
                            sqlx::query("UPDATE form_versions SET is_open = $1 WHERE form_id = $2")
                                .bind(open)
                                .bind(form_id)
                                .execute(&mut *tx)
                                .await?
                        }
                    };
                    let changed = result.rows_affected();
                    if changed > 0 {
                        Self::write_audit(&mut *tx, audit, &changed).await?;
                    }
                    tx.commit().await?;
                    Ok(changed)
                })
            }

            fn ingest<'a>(
                &'a self,
                batch: &'a [NewSubmission],
            ) -> BoxFuture<'a, StoreResult<Vec<IngestOutcome>>> {
                Box::pin(async move {
                    let mut attempt = 0;
                    loop {
                        // Losing a race with another device sending the same
                        // instance rolls the whole batch back; the retry then
                        // sees the winner's row and reports a duplicate.
                        match self.ingest_once(batch).await {
                            Err(e) if e.is_retryable() && attempt < RACE_RETRIES => {
                                attempt += 1;
                            }
                            // A connection left broken by a past fault was
                            // just renewed (see `faults`): once more on a
                            // fresh one, which works if the fault is over.
                            Err(e) if e.is_unavailable() && attempt == 0 => {
                                attempt += 1;
                            }
                            other => return other,
                        }
                    }
                })
            }

            fn current_submission<'a>(
                &'a self,
                instance_id: &'a str,
            ) -> BoxFuture<'a, StoreResult<Option<CurrentRevision>>> {
                Box::pin(async move { Self::current_in(&self.pool, instance_id).await })
            }

            fn list_submissions<'a>(
                &'a self,
                form_id: &'a str,
            ) -> BoxFuture<'a, StoreResult<Vec<StoredSubmission>>> {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "SELECT instance_id, revision, form_id, form_version, answers, meta, \
                         superseded, submitted_by, received_at FROM submissions \
                         WHERE form_id = $1 ORDER BY id",
                    )
                    .bind(form_id)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(StoredSubmission {
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

            fn submissions_page<'a>(
                &'a self,
                form_id: &'a str,
                after: i64,
                limit: i64,
            ) -> BoxFuture<'a, StoreResult<SubmissionPage>> {
                Box::pin(async move {
                    let limit = limit.max(1);
                    // Keyset paging on the id (index `submissions_by_form_and_id`):
                    // rows stored while a client pages come after its cursor,
                    // so each row is seen exactly once; one row more than
                    // asked tells whether there is a next page.
                    let rows = sqlx::query(
                        "SELECT id, instance_id, revision, form_id, form_version, answers, meta, \
                         superseded, submitted_by, received_at FROM submissions \
                         WHERE form_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                    )
                    .bind(form_id)
                    .bind(after)
                    .bind(limit.saturating_add(1))
                    .fetch_all(&self.pool)
                    .await?;
                    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
                    let rows = &rows[..rows.len().min(usize::try_from(limit).unwrap_or(usize::MAX))];
                    let next = match rows.last() {
                        Some(last) if more => Some(last.try_get::<i64, _>("id")?),
                        _ => None,
                    };
                    let submissions = rows
                        .iter()
                        .map(|row| {
                            Ok(StoredSubmission {
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
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok(SubmissionPage { submissions, next })
                })
            }

            fn create_review<'a>(
                &'a self,
                review: &'a NewReview<'a>,
                audit: AuditWith<'a, Review>,
            ) -> BoxFuture<'a, StoreResult<Option<Review>>> {
                Box::pin(async move {
                    let mut tx = self.pool.begin_with($begin).await?;
                    // One statement: the revision is read and the review
                    // written atomically, and no row means no such instance.
                    let row = sqlx::query(
                        "INSERT INTO reviews (instance_id, revision, status, comment, author, \
                         created_at) \
                         SELECT instance_id, revision, $1, $2, $3, $4 FROM submissions \
                         WHERE instance_id = $5 AND NOT superseded \
                         RETURNING id, instance_id, revision, status, comment, author, created_at",
                    )
                    .bind(review.status.as_str())
                    .bind(review.comment)
                    .bind(review.author)
                    .bind(now_ms())
                    .bind(review.instance_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(review) = row.as_ref().map(Self::review).transpose()? else {
                        return Ok(None);
                    };
                    Self::write_audit(&mut *tx, audit, &review).await?;
                    tx.commit().await?;
                    Ok(Some(review))
                })
            }

            fn current_revision<'a>(
                &'a self,
                instance_id: &'a str,
            ) -> BoxFuture<'a, StoreResult<Option<i64>>> {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "SELECT revision FROM submissions WHERE instance_id = $1 AND NOT superseded",
                    )
                    .bind(instance_id)
                    .fetch_optional(&self.pool)
                    .await?)
                })
            }

            fn list_reviews<'a>(
                &'a self,
                instance_id: &'a str,
            ) -> BoxFuture<'a, StoreResult<Vec<Review>>> {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "SELECT id, instance_id, revision, status, comment, author, created_at \
                         FROM reviews WHERE instance_id = $1 ORDER BY id",
                    )
                    .bind(instance_id)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(Self::review).collect()
                })
            }

            fn corrections_for<'a>(
                &'a self,
                submitted_by: &'a str,
                limit: i64,
            ) -> BoxFuture<'a, StoreResult<Vec<Correction>>> {
                Box::pin(async move {
                    // "Latest" is the highest id rather than the latest
                    // time: ids follow commit order even if the clock steps back.
                    let rows = sqlx::query(
                        "SELECT s.instance_id, s.form_id, s.form_version, s.revision, \
                         r.comment, r.author, r.created_at \
                         FROM submissions s JOIN reviews r ON r.instance_id = s.instance_id \
                         WHERE s.submitted_by = $1 AND NOT s.superseded \
                         AND r.id = (SELECT MAX(l.id) FROM reviews l \
                                     WHERE l.instance_id = s.instance_id) \
                         AND r.status = 'has_issues' AND r.revision = s.revision \
                         ORDER BY r.created_at, r.id LIMIT $2",
                    )
                    .bind(submitted_by)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(Correction {
                                instance_id: row.try_get("instance_id")?,
                                form_id: row.try_get("form_id")?,
                                form_version: row.try_get("form_version")?,
                                revision: row.try_get("revision")?,
                                comment: row.try_get("comment")?,
                                author: row.try_get("author")?,
                                requested_at: row.try_get("created_at")?,
                            })
                        })
                        .collect()
                })
            }

            super::attachments::attachment_methods!($row);
            super::export_rows::export_methods!($row);
            super::console_rows::console_methods!($row);

            fn audit<'a>(&'a self, entry: &'a AuditEntry) -> BoxFuture<'a, StoreResult<()>> {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO audit_log (at, actor, action, target, details) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(entry.at)
                    .bind(&entry.actor)
                    .bind(&entry.action)
                    .bind(&entry.target)
                    .bind(entry.details.to_string())
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn list_audit(&self, limit: i64) -> BoxFuture<'_, StoreResult<Vec<AuditEntry>>> {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "SELECT at, actor, action, target, details FROM audit_log \
                         ORDER BY id DESC LIMIT $1",
                    )
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(AuditEntry {
                                at: row.try_get("at")?,
                                actor: row.try_get("actor")?,
                                action: row.try_get("action")?,
                                target: row.try_get("target")?,
                                details: json_of(row.try_get::<&str, _>("details")?)?,
                            })
                        })
                        .collect()
                })
            }
        }
    };
}

// SQLite: `BEGIN IMMEDIATE` takes the write lock up front, so a writer
// never fails halfway with SQLITE_BUSY when upgrading from a read.
sql_store!(
    SqliteStore,
    sqlx::sqlite::SqliteRow,
    "sqlite",
    "BEGIN IMMEDIATE"
);
sql_store!(PostgresStore, sqlx::postgres::PgRow, "postgres", "BEGIN");
