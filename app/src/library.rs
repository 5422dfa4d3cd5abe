//! The forms this device can fill in, offline first: form versions and the
//! catalog are kept in IndexedDB the first time they are fetched, and read
//! from there ever after (a published version never changes), so after one
//! online visit every form opens with no network at all. A form's data
//! files (`select_one_from_file`, `pulldata()`) are downloaded and kept
//! with it.

use std::sync::Arc;

use fieldform_engine::compile::CompiledForm;
use fieldform_engine::model::Form;
use fieldform_engine::{Attachments, compile_with};

use crate::api::{self, CatalogEntry};
use crate::store::{self, AttachmentRecord, Db};

/// A form version ready to fill in, from the device if it has it, else
/// from the server (and then kept), with its data files.
pub async fn open_form(id: &str, version: &str) -> Result<Arc<CompiledForm>, String> {
    let db = store::db().await.map_err(|e| e.to_string())?;
    let (form, files) = match db.form(id, version).await.map_err(|e| e.to_string())? {
        Some(record) => {
            let form = Form::from_json(&record.definition).map_err(|e| e.to_string())?;
            let files = files_on_device(&db, &form).await?;
            (form, files)
        }
        None => {
            let (form, files) = download(id, version).await.map_err(|e| e.to_string())?;
            // Not kept (a full disk): it still opens now.
            let _not_kept = db.put_form_with(&form, &files, js_sys::Date::now()).await;
            (form, files)
        }
    };
    compile_form(&form, &files)
}

/// A form version straight from the server, with its data files, kept
/// nowhere (the console's preview and review).
pub async fn fetch_compiled(id: &str, version: &str) -> Result<Arc<CompiledForm>, String> {
    let (form, files) = download(id, version).await.map_err(|e| e.to_string())?;
    compile_form(&form, &files)
}

/// The definition and every data file it names, from the server.
async fn download(id: &str, version: &str) -> Result<(Form, Vec<AttachmentRecord>), api::ApiError> {
    let form = api::fetch_definition(id.to_owned(), version.to_owned()).await?;
    let mut files = Vec::new();
    for name in form.attachment_names() {
        files.push(fetch_file(id, version, &name).await?);
    }
    Ok((form, files))
}

async fn fetch_file(
    id: &str,
    version: &str,
    name: &str,
) -> Result<AttachmentRecord, api::ApiError> {
    Ok(AttachmentRecord {
        form_id: id.to_owned(),
        version: version.to_owned(),
        name: name.to_owned(),
        text: api::fetch_attachment(id, version, name).await?,
    })
}

/// The data files of a form kept on the device. One missing (a form
/// restored from a backup, a download cut short) is fetched and kept if
/// the server can be reached; else the form cannot open, and the message
/// says which file is missing and what to do.
async fn files_on_device(db: &Db, form: &Form) -> Result<Vec<AttachmentRecord>, String> {
    let needed = form.attachment_names();
    if needed.is_empty() {
        return Ok(Vec::new());
    }
    let mut files = db
        .attachments(&form.id, &form.version)
        .await
        .map_err(|e| e.to_string())?;
    let missing: Vec<String> = needed
        .into_iter()
        .filter(|name| !files.iter().any(|f| &f.name == name))
        .collect();
    if missing.is_empty() {
        return Ok(files);
    }
    let mut fetched = Vec::new();
    for name in &missing {
        match fetch_file(&form.id, &form.version, name).await {
            Ok(file) => fetched.push(file),
            Err(e) => return Err(missing_files_message(&missing, &e.to_string())),
        }
    }
    // Not kept (a full disk): it still opens now.
    let _not_kept = db.put_attachments(&fetched).await;
    files.extend(fetched);
    Ok(files)
}

/// What the enumerator is told when a form's data files are not on the
/// device and cannot be downloaded now, in the browser's language (as the
/// rest of the screen that shows it).
pub fn missing_files_message(missing: &[String], why: &str) -> String {
    crate::i18n::missing_data_files(missing, why, &crate::preferences::browser_language())
}

/// Compiles a form with its data files (parsed by the engine).
fn compile_form(form: &Form, files: &[AttachmentRecord]) -> Result<Arc<CompiledForm>, String> {
    let mut attachments = Attachments::new();
    for file in files {
        attachments
            .add(&file.name, file.text.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    compile_with(form, &attachments)
        .map(Arc::new)
        .map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })
}

/// The version new responses to `id` use: the newest open one the
/// device knows of (a form updated since the link was made, or since the
/// last interview), else `requested`. Drafts keep their own version.
pub async fn version_for_new(id: &str, requested: &str) -> String {
    let catalog = stored_catalog().await.unwrap_or_default();
    newest_open(&catalog, id).map_or_else(|| requested.to_owned(), |e| e.version.clone())
}

/// The newest open version of `id` in `catalog` (by publication time).
pub fn newest_open<'a>(catalog: &'a [CatalogEntry], id: &str) -> Option<&'a CatalogEntry> {
    catalog
        .iter()
        .filter(|e| e.id == id && e.open)
        .max_by_key(|e| e.published_at)
}

/// Only the newest open version of each form, in catalog order.
pub fn newest_versions(catalog: &[CatalogEntry]) -> Vec<CatalogEntry> {
    let mut seen = Vec::new();
    catalog
        .iter()
        .filter_map(|e| {
            if seen.contains(&e.id) {
                return None;
            }
            seen.push(e.id.clone());
            newest_open(catalog, &e.id).cloned()
        })
        .collect()
}

/// The catalog as last stored on the device.
pub async fn stored_catalog() -> Result<Vec<CatalogEntry>, String> {
    let db = store::db().await.map_err(|e| e.to_string())?;
    let mut entries = db.catalog().await.map_err(|e| e.to_string())?;
    fieldform_engine::sort::sort_by(&mut entries, |a, b| {
        a.id.cmp(&b.id).then_with(|| a.version.cmp(&b.version))
    });
    Ok(entries)
}

/// Fetches the catalog, keeps it, and downloads every listed version the
/// device does not have yet, so each can be opened offline later.
pub async fn refresh_catalog() -> Result<Vec<CatalogEntry>, api::ApiError> {
    let entries = api::fetch_catalog().await?;
    if let Ok(db) = store::db().await {
        let _not_kept = db.put_catalog(&entries).await;
        download_missing(&db, &entries).await;
    }
    Ok(entries)
}

async fn download_missing(db: &Db, entries: &[CatalogEntry]) {
    for entry in entries.iter().filter(|e| e.open) {
        if matches!(db.form(&entry.id, &entry.version).await, Ok(Some(_))) {
            complete_files(db, entry).await;
            continue;
        }
        // Kept only whole, with every data file: a version left out is
        // tried again on the next refresh.
        if let Ok((form, files)) = download(&entry.id, &entry.version).await {
            let _not_kept = db.put_form_with(&form, &files, js_sys::Date::now()).await;
        }
    }
}

/// Fetches the data files of a version on the device that lacks some of
/// those the catalog lists (kept by an app from before attachments, or
/// restored from a backup without them), so it opens offline.
async fn complete_files(db: &Db, entry: &CatalogEntry) {
    if entry.attachments.is_empty() {
        return;
    }
    let kept = db
        .attachment_count(&entry.id, &entry.version)
        .await
        .unwrap_or(0);
    if kept as usize >= entry.attachments.len() {
        return;
    }
    let mut files = Vec::new();
    for file in &entry.attachments {
        match fetch_file(&entry.id, &entry.version, &file.name).await {
            Ok(file) => files.push(file),
            // Tried again on the next refresh.
            Err(_) => return,
        }
    }
    let _not_kept = db.put_attachments(&files).await;
}

/// Which listed versions are on the device.
pub async fn on_device() -> Vec<(String, String)> {
    match store::db().await {
        Ok(db) => db
            .forms()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.id, f.version))
            .collect(),
        Err(_) => Vec::new(),
    }
}
