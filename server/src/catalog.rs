//! The form catalog: checking and publishing form versions, and listing
//! what each principal may see.

use std::path::Path;

use fieldform_engine::model::{Form, Language, Text};
use serde::Serialize;

use crate::auth::{Principal, sha256_hex};
use crate::store::{FormRecord, FormRow, Store, StoreError};

pub use crate::store::Published;

/// One published form version, as the catalog lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CatalogEntry {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub languages: Vec<Language>,
    pub default_language: String,
    pub open: bool,
    /// The definition's ETag: a device re-downloads a version only when it changes.
    pub etag: String,
    /// Unix milliseconds; a device starts new responses on the newest open version.
    pub published_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{source}")]
    Invalid {
        source: fieldform_engine::model::FormError,
    },
    /// The form parses but cannot be compiled (bad expression, unknown
    /// reference, ...): every error is listed.
    #[error("form `{id}` version `{version}` has {} error(s): {}", errors.len(), errors.join("; "))]
    Compile {
        id: String,
        version: String,
        errors: Vec<String>,
    },
    /// The XLSForm could not be imported: every error, with sheet, row and column.
    #[error("the XLSForm has {} error(s): {}", errors.len(), errors.join("; "))]
    XlsForm { errors: Vec<String> },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// The formats a form can be uploaded in.
#[derive(Debug)]
pub enum Upload<'a> {
    /// A native form file (`*.form.json`).
    FormJson(&'a str),
    /// An XLSForm workbook; `extension` (`xlsx`, `xls`, `ods`, `csv`) says
    /// which kind.
    XlsForm {
        extension: &'static str,
        bytes: &'a [u8],
    },
}

/// Reads an uploaded form; does not check it beyond its envelope (an
/// XLSForm is fully imported, so its errors come back all at once).
pub fn parse_upload(upload: Upload<'_>) -> Result<Form, PublishError> {
    match upload {
        Upload::FormJson(text) => {
            Form::from_json(text).map_err(|source| PublishError::Invalid { source })
        }
        Upload::XlsForm { extension, bytes } => {
            fieldform_xlsform::import_bytes(&format!("upload.{extension}"), bytes)
                .map(|imported| imported.form)
                .map_err(|e| PublishError::XlsForm {
                    errors: e.errors.iter().map(ToString::to_string).collect(),
                })
        }
    }
}

/// Refuses forms the engine cannot run, with every compile error.
pub fn check(form: &Form) -> Result<(), PublishError> {
    fieldform_engine::compile::compile(form)
        .map(|_| ())
        .map_err(|errors| PublishError::Compile {
            id: form.id.clone(),
            version: form.version.clone(),
            errors: errors.iter().map(ToString::to_string).collect(),
        })
}

/// Checks `form` and publishes it unless this exact version is already there.
pub async fn publish(store: &dyn Store, form: &Form) -> Result<Published, PublishError> {
    check(form)?;
    // Stored in canonical form, so the same form published twice compares equal.
    let definition = form.to_json();
    let record = FormRecord {
        form_id: form.id.clone(),
        version: form.version.clone(),
        title: serde_json::to_string(&form.title).unwrap_or_default(),
        languages: serde_json::to_string(&form.languages).unwrap_or_default(),
        default_language: form.default_language.clone(),
        etag: format!("\"{}\"", sha256_hex(&definition)),
        definition,
    };
    Ok(store.publish_form(&record).await?)
}

/// Publishes every `*.form.json` in `dir` (sorted by name). Returns one
/// result per file so that one bad file does not hide the others.
pub async fn publish_dir(
    store: &dyn Store,
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
        let result = publish_file(store, &path).await;
        results.push((shown, result));
    }
    results
}

/// Reads, checks and publishes one form file.
pub async fn publish_file(store: &dyn Store, path: &Path) -> Result<Published, PublishError> {
    let text = std::fs::read_to_string(path).map_err(|source| PublishError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let form = parse_upload(Upload::FormJson(&text))?;
    publish(store, &form).await
}

/// The versions `who` may see: closed versions only for coordinators and
/// admins; devices only the forms they are scoped to; anonymous callers
/// (a device before provisioning, the app's first screen) the open forms.
pub async fn list(
    store: &dyn Store,
    who: Option<&Principal>,
) -> Result<Vec<CatalogEntry>, StoreError> {
    let rows = store.list_forms().await?;
    rows.into_iter()
        .filter(|row| match who {
            None => row.open,
            Some(p) if p.is_coordinator() => true,
            Some(p) => row.open && p.may_use_form(&row.form_id),
        })
        .map(entry)
        .collect()
}

fn entry(row: FormRow) -> Result<CatalogEntry, StoreError> {
    let corrupt = |what: &str, e: serde_json::Error| {
        StoreError::Corrupt(format!("form `{}` {what}: {e}", row.form_id))
    };
    Ok(CatalogEntry {
        title: serde_json::from_str(&row.title).map_err(|e| corrupt("title", e))?,
        languages: serde_json::from_str(&row.languages).map_err(|e| corrupt("languages", e))?,
        id: row.form_id,
        version: row.version,
        default_language: row.default_language,
        open: row.open,
        etag: row.etag,
        published_at: row.published_at,
    })
}
