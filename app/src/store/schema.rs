//! The IndexedDB schema and its upgrade steps.
//!
//! Each version's step runs once, in order, inside the browser's upgrade
//! transaction, so a device that skipped app versions goes through every
//! step and keeps its data. Never edit a released step: add a new one.

use idb::{Database, IndexParams, KeyPath, ObjectStoreParams, Transaction};

/// The schema this app writes.
pub const VERSION: u32 = 3;

/// Form versions kept on the device, keyed by `[id, version]`.
pub const FORMS: &str = "forms";
/// Responses, keyed by `instance_id`.
pub const RESPONSES: &str = "responses";
/// Device settings, out-of-line string keys.
pub const SETTINGS: &str = "settings";
/// The catalog as last fetched, keyed by `[id, version]` (since version 2).
pub const CATALOG: &str = "catalog";

/// The data files of the form versions kept (CSV, XML, GeoJSON), keyed
/// by `[form_id, version, name]` (since version 3). Apart from `forms` so
/// that listing the forms does not read megabytes of files.
pub const ATTACHMENTS: &str = "attachments";

/// Index of responses by `state` (since version 2).
pub const BY_STATE: &str = "by_state";
/// Index of responses by `[form_id, form_version]` (since version 2).
pub const BY_FORM: &str = "by_form";
/// Index of attachments by `[form_id, version]` (since version 3).
pub const BY_VERSION: &str = "by_version";

/// Brings a database at `from` up to `to`.
pub fn upgrade(db: &Database, tx: &Transaction, from: u32, to: u32) -> Result<(), idb::Error> {
    if from < 1 && to >= 1 {
        version_1(db)?;
    }
    if from < 2 && to >= 2 {
        version_2(db, tx)?;
    }
    if from < 3 && to >= 3 {
        version_3(db)?;
    }
    Ok(())
}

/// The first schema: forms, responses and settings.
fn version_1(db: &Database) -> Result<(), idb::Error> {
    let mut forms = ObjectStoreParams::new();
    forms.key_path(Some(KeyPath::new_array(["id", "version"])));
    db.create_object_store(FORMS, forms)?;
    let mut responses = ObjectStoreParams::new();
    responses.key_path(Some(KeyPath::new_single("instance_id")));
    db.create_object_store(RESPONSES, responses)?;
    db.create_object_store(SETTINGS, ObjectStoreParams::new())?;
    Ok(())
}

/// Lists by state and by form without reading every response, and the
/// catalog for opening the app offline. The indexes are built over the
/// responses already stored.
fn version_2(db: &Database, tx: &Transaction) -> Result<(), idb::Error> {
    let responses = tx.object_store(RESPONSES)?;
    responses.create_index(
        BY_STATE,
        KeyPath::new_single("state"),
        Some(IndexParams::new()),
    )?;
    responses.create_index(
        BY_FORM,
        KeyPath::new_array(["form_id", "form_version"]),
        Some(IndexParams::new()),
    )?;
    let mut catalog = ObjectStoreParams::new();
    catalog.key_path(Some(KeyPath::new_array(["id", "version"])));
    db.create_object_store(CATALOG, catalog)?;
    Ok(())
}

/// Form attachments, for forms that read data files. Forms kept before
/// need none (an older app could not open a form that did).
fn version_3(db: &Database) -> Result<(), idb::Error> {
    let mut attachments = ObjectStoreParams::new();
    attachments.key_path(Some(KeyPath::new_array(["form_id", "version", "name"])));
    let store = db.create_object_store(ATTACHMENTS, attachments)?;
    store.create_index(
        BY_VERSION,
        KeyPath::new_array(["form_id", "version"]),
        Some(IndexParams::new()),
    )?;
    Ok(())
}
