//! The form catalog: publishing form versions and listing them.

use std::path::Path;

use fieldform_engine::model::{Form, Language, Text};
use serde::Serialize;
use sqlx::{Row, SqlitePool};

/// One published form version, as the catalog lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CatalogEntry {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub languages: Vec<Language>,
    pub default_language: String,
    pub open: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Invalid {
        path: String,
        source: fieldform_engine::model::FormError,
    },
    #[error(
        "form `{id}` version `{version}` is already published with different content; \
         published versions never change: give the new one another version"
    )]
    VersionChanged { id: String, version: String },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// What publishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New,
    AlreadyPublished,
}

/// Publishes `form` unless this exact version is already there.
pub async fn publish(pool: &SqlitePool, form: &Form) -> Result<Published, PublishError> {
    let definition = form.to_json();
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT definition FROM form_versions WHERE form_id = ? AND version = ?",
    )
    .bind(&form.id)
    .bind(&form.version)
    .fetch_optional(pool)
    .await?;
    match existing {
        Some(stored) if stored == definition => Ok(Published::AlreadyPublished),
        Some(_) => Err(PublishError::VersionChanged {
            id: form.id.clone(),
            version: form.version.clone(),
        }),
        None => {
            sqlx::query(
                "INSERT INTO form_versions \
                 (form_id, version, title, languages, default_language, definition) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&form.id)
            .bind(&form.version)
            .bind(serde_json::to_string(&form.title).unwrap_or_default())
            .bind(serde_json::to_string(&form.languages).unwrap_or_default())
            .bind(&form.default_language)
            .bind(definition)
            .execute(pool)
            .await?;
            Ok(Published::New)
        }
    }
}

/// Publishes every `*.form.json` in `dir` (sorted by name). Returns one
/// result per file so that one bad file does not hide the others.
pub async fn publish_dir(
    pool: &SqlitePool,
    dir: &Path,
) -> Vec<(String, Result<Published, PublishError>)> {
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".form.json"))
            .collect(),
        Err(source) => {
            let path = dir.display().to_string();
            return vec![(path.clone(), Err(PublishError::Read { path, source }))];
        }
    };
    paths.sort();
    let mut results = Vec::with_capacity(paths.len());
    for path in paths {
        let shown = path.display().to_string();
        let result = match std::fs::read_to_string(&path) {
            Err(source) => Err(PublishError::Read {
                path: shown.clone(),
                source,
            }),
            Ok(text) => match Form::from_json(&text) {
                Err(source) => Err(PublishError::Invalid {
                    path: shown.clone(),
                    source,
                }),
                Ok(form) => publish(pool, &form).await,
            },
        };
        results.push((shown, result));
    }
    results
}

/// Every published version, newest publication last.
pub async fn list(pool: &SqlitePool) -> Result<Vec<CatalogEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT form_id, version, title, languages, default_language, is_open FROM form_versions \
         ORDER BY form_id, published_at",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| CatalogEntry {
            id: row.get("form_id"),
            version: row.get("version"),
            title: serde_json::from_str(row.get("title")).unwrap_or_default(),
            languages: serde_json::from_str(row.get("languages")).unwrap_or_default(),
            default_language: row.get("default_language"),
            open: row.get::<i64, _>("is_open") != 0,
        })
        .collect())
}

/// The published definition of one form version, as stored.
pub async fn definition(
    pool: &SqlitePool,
    id: &str,
    version: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT definition FROM form_versions WHERE form_id = ? AND version = ?")
        .bind(id)
        .bind(version)
        .fetch_optional(pool)
        .await
}
