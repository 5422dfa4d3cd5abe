//! The forms this device can fill in, offline first: form versions and the
//! catalog are kept in IndexedDB the first time they are fetched, and read
//! from there ever after (a published version never changes), so after one
//! online visit every form opens with no network at all.

use std::sync::Arc;

use fieldform_engine::compile::{CompiledForm, compile};
use fieldform_engine::model::Form;

use crate::api::{self, CatalogEntry};
use crate::store::{self, Db};

/// A form version ready to fill in, from the device if it has it, else
/// from the server (and then kept).
pub async fn open_form(id: &str, version: &str) -> Result<Arc<CompiledForm>, String> {
    let db = store::db().await.map_err(|e| e.to_string())?;
    let form = match db.form(id, version).await.map_err(|e| e.to_string())? {
        Some(record) => Form::from_json(&record.definition).map_err(|e| e.to_string())?,
        None => {
            let form = api::fetch_definition(id.to_owned(), version.to_owned())
                .await
                .map_err(|e| e.to_string())?;
            // Not kept (a full disk): it still opens now.
            let _not_kept = db.put_form(&form, js_sys::Date::now()).await;
            form
        }
    };
    compile(&form).map(Arc::new).map_err(|errors| {
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
        .max_by(|a, b| a.published_at.total_cmp(&b.published_at))
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
    entries.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.version.cmp(&b.version)));
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
            continue;
        }
        if let Ok(form) = api::fetch_definition(entry.id.clone(), entry.version.clone()).await {
            let _not_kept = db.put_form(&form, js_sys::Date::now()).await;
        }
    }
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
