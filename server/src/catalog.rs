//! The form catalog: checking and publishing form versions, and listing
//! what each principal may see.

use std::path::Path;

use fieldform_engine::model::Form;
use validator::{Validate, ValidationError};

use crate::attachments::{self, AttachmentFile, AttachmentProblems};
use crate::auth::{Principal, sha256_hex};
use crate::store::{
    AttachmentInfo, AuditEntry, AuditWith, FormRecord, FormRow, Store, StoreError, now_ms,
};

pub use crate::store::Published;
/// Defined with the engine, which the app shares: one type for the JSON
/// the server writes and the devices read.
pub use fieldform_engine::wire::CatalogEntry;

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
    /// The form's id or version is not a safe name (see [`FormKey`]).
    #[error("form {field} `{value}`: {message}")]
    BadKey {
        field: &'static str,
        value: String,
        message: String,
    },
    /// The form's data files are missing, misnamed, too large or malformed.
    #[error("{0}")]
    Attachments(#[from] AttachmentProblems),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Longest form id or version accepted.
pub const MAX_KEY_LEN: usize = 64;

/// A form's id and version. They end up in URLs, file names (`<id>.form.json`)
/// and XML, so they are restricted to XML-name-like text of bounded length:
/// nothing that can climb out of a folder (`../`) or be markup (`<script>`).
#[derive(Debug, Validate)]
pub struct FormKey {
    #[validate(custom(function = "validate_form_id"))]
    pub id: String,
    #[validate(custom(function = "validate_form_version"))]
    pub version: String,
}

fn key_error(message: String) -> ValidationError {
    ValidationError::new("invalid").with_message(message.into())
}

fn check_length(text: &str) -> Result<(), ValidationError> {
    if text.is_empty() {
        return Err(key_error("must not be empty".into()));
    }
    if text.chars().count() > MAX_KEY_LEN {
        return Err(key_error(format!(
            "is longer than {MAX_KEY_LEN} characters"
        )));
    }
    Ok(())
}

/// An XML-name-like id: an ASCII letter or `_` first, then letters, digits,
/// `_`, `-`, `.` or single inner spaces (real workbooks that pyxform accepts
/// say `form_id = Spec test`); at most [`MAX_KEY_LEN`] characters.
pub fn validate_form_id(id: &str) -> Result<(), ValidationError> {
    check_length(id)?;
    let mut chars = id.chars();
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        return Err(key_error("must start with a letter or `_`".into()));
    }
    if let Some(bad) =
        chars.find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ')))
    {
        return Err(key_error(format!(
            "may hold only letters, digits, `_`, `-`, `.` and spaces, not `{bad}`"
        )));
    }
    if id.ends_with(' ') || id.contains("  ") {
        return Err(key_error(
            "may not end with a space or hold two in a row".into(),
        ));
    }
    Ok(())
}

/// A version: letters, digits, `.`, `-`, `_`, `:`, `+` and `~`, starting
/// with a letter or digit (so never `.` or `..`); at most [`MAX_KEY_LEN`]
/// characters. `:` and `+` because real forms are versioned by timestamp
/// (`2022-04-11T16:26:29`, as KoboToolbox writes them); versions name no
/// file, and the app encodes them in URLs.
pub fn validate_form_version(version: &str) -> Result<(), ValidationError> {
    check_length(version)?;
    if !version.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(key_error("must start with a letter or a digit".into()));
    }
    if let Some(bad) = version
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '+' | '~')))
    {
        return Err(key_error(format!(
            "may hold only letters, digits, `_`, `-`, `.`, `:`, `+` and `~`, not `{bad}`"
        )));
    }
    Ok(())
}

/// Refuses a form whose id or version is not a safe name, naming the field.
pub fn check_key(form: &Form) -> Result<(), PublishError> {
    let key = FormKey {
        id: form.id.clone(),
        version: form.version.clone(),
    };
    let Err(errors) = key.validate() else {
        return Ok(());
    };
    let field_errors = errors.field_errors();
    // Report the id first: it is what names files.
    for (field, value) in [("id", &key.id), ("version", &key.version)] {
        if let Some(error) = field_errors.get(field).and_then(|list| list.first()) {
            return Err(PublishError::BadKey {
                field,
                value: value.clone(),
                message: error
                    .message
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_else(|| error.code.to_string()),
            });
        }
    }
    Ok(())
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
    check_with(form, &fieldform_engine::Attachments::new())
}

/// [`check`] with the form's data files.
pub fn check_with(
    form: &Form,
    attachments: &fieldform_engine::Attachments,
) -> Result<(), PublishError> {
    check_key(form)?;
    fieldform_engine::compile_with(form, attachments)
        .map(|_| ())
        .map_err(|errors| PublishError::Compile {
            id: form.id.clone(),
            version: form.version.clone(),
            errors: errors.iter().map(ToString::to_string).collect(),
        })
}

/// A form with its data files, checked and compiled: ready to store.
#[derive(Debug)]
pub struct Prepared {
    pub form: Form,
    attachments: attachments::Checked,
}

/// Checks a form and its data files (see [`attachments::check`]; `hint`
/// says how to give a missing file) and compiles them. Slow for big forms
/// and files: call it off the async workers.
pub fn prepare(
    form: Form,
    files: Vec<AttachmentFile>,
    hint: &str,
) -> Result<Prepared, PublishError> {
    check_key(&form)?;
    let checked = attachments::check(&form, files, hint)?;
    check_with(&form, &checked.parsed)?;
    Ok(Prepared {
        form,
        attachments: checked,
    })
}

/// Checks `form` and publishes it unless this exact version is already there.
pub async fn publish(store: &dyn Store, form: &Form) -> Result<Published, PublishError> {
    let prepared = prepare(form.clone(), Vec::new(), NO_FILES_HINT)?;
    publish_audited(store, &prepared, None).await
}

const NO_FILES_HINT: &str = "publish the form with its data files";

/// [`publish`], writing the audit row `actor` is credited with in the same
/// transaction as a new version (nothing for an unchanged re-publish).
pub async fn publish_by(
    store: &dyn Store,
    form: &Form,
    actor: &str,
) -> Result<Published, PublishError> {
    let prepared = prepare(form.clone(), Vec::new(), NO_FILES_HINT)?;
    publish_prepared_by(store, &prepared, actor).await
}

/// [`publish_by`] for a form [`prepare`]d with its data files.
pub async fn publish_prepared_by(
    store: &dyn Store,
    prepared: &Prepared,
    actor: &str,
) -> Result<Published, PublishError> {
    let audit = |record: &FormRecord| AuditEntry {
        at: now_ms(),
        actor: actor.to_owned(),
        action: "form.publish".to_owned(),
        target: format!("form:{}@{}", record.form_id, record.version),
        // The data files published with it, so the log says what went out.
        details: if record.attachments.is_empty() {
            serde_json::json!({})
        } else {
            serde_json::json!({
                "attachments": record
                    .attachments
                    .iter()
                    .map(|f| serde_json::json!({ "name": f.name, "sha256": f.sha256 }))
                    .collect::<Vec<_>>()
            })
        },
    };
    publish_audited(store, prepared, Some(&audit)).await
}

async fn publish_audited(
    store: &dyn Store,
    prepared: &Prepared,
    audit: AuditWith<'_, FormRecord>,
) -> Result<Published, PublishError> {
    let form = &prepared.form;
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
        attachments: prepared.attachments.files.clone(),
    };
    Ok(store.publish_form(&record, audit).await?)
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

/// Reads, checks and publishes one form file with the data files it
/// needs, found beside it.
pub async fn publish_file(store: &dyn Store, path: &Path) -> Result<Published, PublishError> {
    let text = std::fs::read_to_string(path).map_err(|source| PublishError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let form = parse_upload(Upload::FormJson(&text))?;
    let prepared = prepare_beside(form, path)?;
    publish_audited(store, &prepared, None).await
}

/// [`prepare`] with the data files the form needs, read from the folder
/// of `path` (its workbook or form file).
pub fn prepare_beside(form: Form, path: &Path) -> Result<Prepared, PublishError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let files = attachments::read_beside(&form, dir)?;
    prepare(form, files, "put it beside the form")
}

/// The versions `who` may see: closed versions only for coordinators and
/// admins; devices only the forms they are scoped to; anonymous callers
/// (a device before provisioning, the app's first screen) the open forms.
pub async fn list(
    store: &dyn Store,
    who: Option<&Principal>,
) -> Result<Vec<CatalogEntry>, StoreError> {
    let rows = store.list_forms().await?;
    let mut files: std::collections::HashMap<(String, String), Vec<AttachmentInfo>> =
        std::collections::HashMap::new();
    for (form_id, version, info) in store.list_attachments().await? {
        files.entry((form_id, version)).or_default().push(info);
    }
    rows.into_iter()
        .filter(|row| match who {
            None => row.open,
            Some(p) if p.is_coordinator() => true,
            Some(p) => row.open && p.may_use_form(&row.form_id),
        })
        .map(|row| {
            let mut attachments = files
                .remove(&(row.form_id.clone(), row.version.clone()))
                .unwrap_or_default();
            // By name, whatever the database's collation.
            attachments.sort_by(|a, b| a.name.cmp(&b.name));
            entry(row, attachments)
        })
        .collect()
}

fn entry(row: FormRow, attachments: Vec<AttachmentInfo>) -> Result<CatalogEntry, StoreError> {
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
        attachments,
    })
}
