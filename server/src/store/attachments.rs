//! Form attachments (table `form_attachments`, migration 0006): the data
//! files a form version was published with. They are written in the
//! version's publishing transaction (`sql::publish_once`) and never
//! changed; these are the reads. Same SQL text on both backends.

/// What the catalog says of one attachment, shared with the app.
pub use fieldform_engine::wire::AttachmentInfo;

/// A file to store with a new form version (already checked by
/// `crate::attachments`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub name: String,
    pub content_type: String,
    /// Hex SHA-256 of `content`.
    pub sha256: String,
    pub content: Vec<u8>,
}

/// One attachment with its content, to serve or to compile with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentContent {
    pub info: AttachmentInfo,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// The attachments of every version, without content: `(form id, version, info)`.
pub(super) const LIST_SQL: &str = "SELECT form_id, version, name, size, sha256 \
     FROM form_attachments ORDER BY form_id, version, name";

/// One version's attachments with their content, by name.
pub(super) const FILES_SQL: &str = "SELECT name, size, sha256, content_type, content \
     FROM form_attachments WHERE form_id = $1 AND version = $2 ORDER BY name";

/// One attachment with its content.
pub(super) const FILE_SQL: &str = "SELECT name, size, sha256, content_type, content \
     FROM form_attachments WHERE form_id = $1 AND version = $2 AND name = $3";

/// `(name, sha256)` of one version's attachments, to compare a re-publish.
pub(super) const HASHES_SQL: &str =
    "SELECT name, sha256 FROM form_attachments WHERE form_id = $1 AND version = $2 ORDER BY name";

pub(super) const INSERT_SQL: &str = "INSERT INTO form_attachments \
     (form_id, version, name, content_type, size, sha256, content) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// The `Store` methods, for `sql_store!` (`$row`: the backend's row type).
macro_rules! attachment_methods {
    ($row:ty) => {
        fn list_attachments(
            &self,
        ) -> $crate::store::BoxFuture<
            '_,
            $crate::store::StoreResult<Vec<(String, String, $crate::store::AttachmentInfo)>>,
        > {
            Box::pin(async move {
                let rows = sqlx::query($crate::store::attachments::LIST_SQL)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok((
                            sqlx::Row::try_get(row, "form_id")?,
                            sqlx::Row::try_get(row, "version")?,
                            $crate::store::AttachmentInfo {
                                name: sqlx::Row::try_get(row, "name")?,
                                size: sqlx::Row::try_get(row, "size")?,
                                sha256: sqlx::Row::try_get(row, "sha256")?,
                            },
                        ))
                    })
                    .collect()
            })
        }

        fn attachment_files<'a>(
            &'a self,
            form_id: &'a str,
            version: &'a str,
        ) -> $crate::store::BoxFuture<
            'a,
            $crate::store::StoreResult<Vec<$crate::store::AttachmentContent>>,
        > {
            Box::pin(async move {
                let rows = sqlx::query($crate::store::attachments::FILES_SQL)
                    .bind(form_id)
                    .bind(version)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::attachment_content).collect()
            })
        }

        fn attachment<'a>(
            &'a self,
            form_id: &'a str,
            version: &'a str,
            name: &'a str,
        ) -> $crate::store::BoxFuture<
            'a,
            $crate::store::StoreResult<Option<$crate::store::AttachmentContent>>,
        > {
            Box::pin(async move {
                let row = sqlx::query($crate::store::attachments::FILE_SQL)
                    .bind(form_id)
                    .bind(version)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::attachment_content).transpose()
            })
        }
    };
}
pub(crate) use attachment_methods;

/// The row readers and the publishing step, for `sql_store!`'s inherent impl.
macro_rules! attachment_helpers {
    ($row:ty) => {
        fn attachment_content(
            row: &$row,
        ) -> $crate::store::StoreResult<$crate::store::AttachmentContent> {
            Ok($crate::store::AttachmentContent {
                info: $crate::store::AttachmentInfo {
                    name: sqlx::Row::try_get(row, "name")?,
                    size: sqlx::Row::try_get(row, "size")?,
                    sha256: sqlx::Row::try_get(row, "sha256")?,
                },
                content_type: sqlx::Row::try_get(row, "content_type")?,
                content: sqlx::Row::try_get(row, "content")?,
            })
        }

        /// The `(name, sha256)` pairs stored for a version, by name.
        async fn attachment_hashes<'c, E>(
            executor: E,
            form_id: &str,
            version: &str,
        ) -> $crate::store::StoreResult<Vec<(String, String)>>
        where
            E: sqlx::Executor<'c, Database = <$row as sqlx::Row>::Database>,
        {
            let rows = sqlx::query($crate::store::attachments::HASHES_SQL)
                .bind(form_id)
                .bind(version)
                .fetch_all(executor)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok((
                        sqlx::Row::try_get(row, "name")?,
                        sqlx::Row::try_get(row, "sha256")?,
                    ))
                })
                .collect()
        }
    };
}
pub(crate) use attachment_helpers;

/// The `(name, sha256)` pairs of new attachments, by name, to compare
/// with [`attachment_hashes`]' answer.
pub(super) fn hashes_of(files: &[NewAttachment]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.name.clone(), f.sha256.clone()))
        .collect();
    out.sort();
    out
}
