//! The data files of the form versions kept on the device: stored with
//! their form in one transaction, so a form on the device has its files.

use fieldform_engine::model::Form;
use wasm_bindgen::JsValue;

use super::records::{AttachmentRecord, FormRecord};
use super::schema::{ATTACHMENTS, BY_VERSION, FORMS};
use super::{Db, StoreError, to_js};

impl Db {
    /// Keeps a form version and its data files for offline use, in one
    /// transaction: the form is there only with its files.
    pub async fn put_form_with(
        &self,
        form: &Form,
        files: &[AttachmentRecord],
        fetched: f64,
    ) -> Result<(), StoreError> {
        let record = to_js(&FormRecord {
            id: form.id.clone(),
            version: form.version.clone(),
            definition: form.to_json(),
            fetched,
        })?;
        let files = files.iter().map(to_js).collect::<Result<Vec<_>, _>>()?;
        self.write(&[FORMS, ATTACHMENTS], |tx| {
            tx.object_store(FORMS)?.put(&record, None)?;
            let store = tx.object_store(ATTACHMENTS)?;
            for file in &files {
                store.put(file, None)?;
            }
            Ok(())
        })
        .await
    }

    /// Keeps data files of a form version already on the device.
    pub async fn put_attachments(&self, files: &[AttachmentRecord]) -> Result<(), StoreError> {
        let files = files.iter().map(to_js).collect::<Result<Vec<_>, _>>()?;
        self.write(&[ATTACHMENTS], |tx| {
            let store = tx.object_store(ATTACHMENTS)?;
            for file in &files {
                store.put(file, None)?;
            }
            Ok(())
        })
        .await
    }

    /// How many data files are kept for a form version (the index's
    /// count: no file is read).
    pub async fn attachment_count(&self, form_id: &str, version: &str) -> Result<u32, StoreError> {
        let key: js_sys::Array = [JsValue::from_str(form_id), JsValue::from_str(version)]
            .into_iter()
            .collect();
        let tx = self
            .inner
            .transaction(&[ATTACHMENTS], idb::TransactionMode::ReadOnly)?;
        let index = tx.object_store(ATTACHMENTS)?.index(BY_VERSION)?;
        Ok(index
            .count(Some(idb::Query::from(JsValue::from(key))))?
            .await?)
    }

    /// The data files kept for a form version.
    pub async fn attachments(
        &self,
        form_id: &str,
        version: &str,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let key: js_sys::Array = [JsValue::from_str(form_id), JsValue::from_str(version)]
            .into_iter()
            .collect();
        self.all(ATTACHMENTS, Some((BY_VERSION, key.into()))).await
    }
}
