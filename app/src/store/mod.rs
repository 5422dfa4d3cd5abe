//! Everything the app keeps on the device, in IndexedDB (through `idb`):
//! form versions and the catalog as last fetched, responses (drafts,
//! finalized, sent) and device settings.
//!
//! **Invariant:** a write is one transaction, and it is reported done only
//! once the browser has committed it. A failed write (a full disk,
//! `QuotaExceededError`) changes nothing already stored and says why.
//!
//! Records are stored as plain JSON objects (see [`records`]); the schema
//! is versioned with upgrade steps ([`schema`]).

mod attachments;
pub mod backup;
mod last_saved;
pub mod records;
pub mod schema;

use std::cell::RefCell;
use std::rc::Rc;

use fieldform_engine::model::Form;
use idb::{
    Database, DatabaseEvent, Event, Factory, Query, Request, TransactionMode, TransactionResult,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::CatalogEntry;
pub use records::{
    AttachmentRecord, FieldReason, FormRecord, Receipt, Refusal, ResponseRecord, ResponseState,
    SyncInfo,
};
use schema::{BY_STATE, CATALOG, FORMS, RESPONSES, SETTINGS};

/// The app's database.
pub const NAME: &str = "fieldform";

/// Why the device's storage could not do what was asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    #[error(
        "this browser offers no storage to Fieldform (IndexedDB is missing or blocked, as in some private modes): answers cannot be kept on this device"
    )]
    Unavailable,
    #[error(
        "the device is out of storage space: this change was not saved, and nothing saved before was lost. Free some space, then continue"
    )]
    Quota,
    #[error("another tab has an older Fieldform open: close it, then reload this page")]
    Blocked,
    #[error("the device's storage failed: {0}")]
    Failed(String),
    #[error("a stored record cannot be read: {0}")]
    Corrupt(String),
}

impl From<idb::Error> for StoreError {
    fn from(e: idb::Error) -> Self {
        let text = e.to_string();
        let quota = match &e {
            idb::Error::DomException(ex) => ex.name() == "QuotaExceededError",
            _ => false,
        };
        if quota || text.contains("QuotaExceededError") {
            StoreError::Quota
        } else {
            StoreError::Failed(text)
        }
    }
}

/// An open connection to the app's database (cheap to clone).
#[derive(Clone)]
pub struct Db {
    inner: Rc<Database>,
    /// The same connection, for what `idb` does not offer (durability).
    raw: web_sys::IdbDatabase,
}

thread_local! {
    static SHARED: RefCell<Option<Db>> = const { RefCell::new(None) };
}

/// The app's database, opened (and upgraded) on first use.
pub async fn db() -> Result<Db, StoreError> {
    if let Some(db) = SHARED.with(|s| s.borrow().clone()) {
        return Ok(db);
    }
    let db = Db::open(NAME).await?;
    SHARED.with(|s| *s.borrow_mut() = Some(db.clone()));
    Ok(db)
}

impl Db {
    /// Opens `name` at the current schema version, upgrading it if needed.
    pub async fn open(name: &str) -> Result<Db, StoreError> {
        Self::open_at(name, schema::VERSION).await
    }

    /// Opens `name` at schema `version` (tests open older versions to
    /// check the upgrade steps).
    pub async fn open_at(name: &str, version: u32) -> Result<Db, StoreError> {
        let factory = Factory::new().map_err(|_| StoreError::Unavailable)?;
        let mut request = factory
            .open(name, Some(version))
            .map_err(|_| StoreError::Unavailable)?;
        let failed: Rc<RefCell<Option<String>>> = Rc::default();
        let failure = failed.clone();
        request.on_upgrade_needed(move |event| {
            let result = (|| {
                let from = event.old_version()?;
                let db = event.database()?;
                let tx = event
                    .target()?
                    .transaction()
                    .ok_or(idb::Error::EventTargetNotFound)?;
                schema::upgrade(&db, &tx, from, version)
            })();
            if let Err(e) = result {
                *failure.borrow_mut() = Some(e.to_string());
            }
        });
        let blocked = Rc::new(RefCell::new(false));
        let is_blocked = blocked.clone();
        request.on_blocked(move |_| *is_blocked.borrow_mut() = true);
        let database = match request.await {
            Ok(db) => db,
            Err(_) if *blocked.borrow() => return Err(StoreError::Blocked),
            Err(e) => return Err(e.into()),
        };
        let raw: web_sys::IdbDatabase = database.into();
        let mut database = Database::from(raw.clone());
        if let Some(problem) = failed.borrow_mut().take() {
            database.close();
            return Err(StoreError::Failed(format!(
                "upgrading the storage: {problem}"
            )));
        }
        // A newer app in another tab wants to upgrade: let it.
        database.on_version_change(|event| {
            if let Some(db) = event.target().and_then(|t| Database::try_from(t).ok()) {
                db.close();
            }
            SHARED.with(|s| *s.borrow_mut() = None);
        });
        Ok(Db {
            inner: Rc::new(database),
            raw,
        })
    }

    pub fn version(&self) -> u32 {
        self.inner.version().unwrap_or(0)
    }

    pub fn store_names(&self) -> Vec<String> {
        self.inner.store_names()
    }

    pub fn close(&self) {
        self.inner.close();
    }

    /// Deletes database `name` (tests).
    pub async fn delete(name: &str) -> Result<(), StoreError> {
        let factory = Factory::new().map_err(|_| StoreError::Unavailable)?;
        factory.delete(name)?.await?;
        Ok(())
    }

    // ----- writing -----

    /// Runs `f` in one read-write transaction over `stores` and waits for
    /// the commit. `f` issues requests without awaiting them: a failed
    /// request aborts the whole transaction, so nothing is half-written.
    pub async fn write(
        &self,
        stores: &[&str],
        f: impl FnOnce(&idb::Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let tx = self.strict_transaction(stores)?;
        // Kept to read why the transaction aborted (the future takes `tx`).
        let raw: web_sys::IdbTransaction = tx.object_store(stores[0])?.transaction().into();
        if let Err(e) = f(&tx) {
            let _aborted = tx.abort();
            return Err(e);
        }
        match tx.await {
            Ok(TransactionResult::Committed) => Ok(()),
            Ok(TransactionResult::Aborted) => Err(abort_reason(&raw)),
            Err(e) => Err(e.into()),
        }
    }

    /// A read-write transaction that completes only once the data is on
    /// disk (`durability: "strict"`): a flat battery right after a save
    /// must not lose it. Browsers without the option ignore it.
    fn strict_transaction(&self, stores: &[&str]) -> Result<idb::Transaction, StoreError> {
        self.write_transaction(stores, "strict")
    }

    /// A read-write transaction with the given `durability` (`strict`,
    /// `relaxed` or `default`).
    fn write_transaction(
        &self,
        stores: &[&str],
        durability: &str,
    ) -> Result<idb::Transaction, StoreError> {
        let names: js_sys::Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"durability".into(), &durability.into()).map_err(|_| {
            StoreError::Failed("cannot set the transaction's durability".to_owned())
        })?;
        let open: js_sys::Function = js_sys::Reflect::get(&self.raw, &"transaction".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or(StoreError::Unavailable)?;
        let tx = open
            .call3(&self.raw, &names, &"readwrite".into(), &options)
            .map_err(|e| StoreError::Failed(format!("opening a write: {}", describe(&e))))?;
        let tx: web_sys::IdbTransaction = tx
            .dyn_into()
            .map_err(|_| StoreError::Failed("opening a write gave no transaction".to_owned()))?;
        Ok(idb::Transaction::from(tx))
    }

    pub async fn put_response(&self, record: &ResponseRecord) -> Result<(), StoreError> {
        let value = to_js(record)?;
        self.write(&[RESPONSES], |tx| {
            tx.object_store(RESPONSES)?.put(&value, None)?;
            Ok(())
        })
        .await
    }

    pub async fn delete_response(&self, instance_id: &str) -> Result<(), StoreError> {
        let key = JsValue::from_str(instance_id);
        self.write(&[RESPONSES], |tx| {
            tx.object_store(RESPONSES)?.delete(Query::from(key))?;
            Ok(())
        })
        .await
    }

    /// Keeps a form version for offline use.
    pub async fn put_form(&self, form: &Form, fetched: f64) -> Result<(), StoreError> {
        let record = FormRecord {
            id: form.id.clone(),
            version: form.version.clone(),
            definition: form.to_json(),
            fetched,
        };
        let value = to_js(&record)?;
        self.write(&[FORMS], |tx| {
            tx.object_store(FORMS)?.put(&value, None)?;
            Ok(())
        })
        .await
    }

    /// Replaces the stored catalog with `entries`.
    pub async fn put_catalog(&self, entries: &[CatalogEntry]) -> Result<(), StoreError> {
        let values = entries.iter().map(to_js).collect::<Result<Vec<_>, _>>()?;
        self.write(&[CATALOG], |tx| {
            let store = tx.object_store(CATALOG)?;
            store.clear()?;
            for v in &values {
                store.put(v, None)?;
            }
            Ok(())
        })
        .await
    }

    pub async fn put_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let value = to_js(value)?;
        let key = JsValue::from_str(key);
        self.write(&[SETTINGS], |tx| {
            tx.object_store(SETTINGS)?.put(&value, Some(&key))?;
            Ok(())
        })
        .await
    }

    pub async fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        let key = JsValue::from_str(key);
        self.write(&[SETTINGS], |tx| {
            tx.object_store(SETTINGS)?.delete(Query::from(key))?;
            Ok(())
        })
        .await
    }

    /// Reads each response among `ids`, lets `change` alter it, and writes
    /// back the ones it changed, all in one transaction: a record edited
    /// meanwhile (by an interview, a backup import) is seen as it is now,
    /// never overwritten with an older copy. `change` returns whether it
    /// changed the record. Returns the records written.
    ///
    /// Relaxed durability: this is sync's bookkeeping, and a mark lost to a
    /// power cut only means the response is sent again, which the server's
    /// idempotency makes harmless.
    pub async fn update_responses(
        &self,
        ids: &[String],
        mut change: impl FnMut(&mut ResponseRecord) -> bool,
    ) -> Result<Vec<ResponseRecord>, StoreError> {
        let tx = self.write_transaction(&[RESPONSES], "relaxed")?;
        let raw: web_sys::IdbTransaction = tx.object_store(RESPONSES)?.transaction().into();
        let store = tx.object_store(RESPONSES)?;
        // Every read is issued at once (the database pipelines them; one
        // at a time would cost a round trip each), then handled in order;
        // each write is issued from a read's success callback, while the
        // transaction is active.
        let mut reads = Vec::with_capacity(ids.len());
        for id in ids {
            reads.push(store.get(Query::from(JsValue::from_str(id)))?.into_future());
        }
        let mut written = Vec::new();
        let mut failure = None;
        for read in reads {
            let step = read.await.map_err(StoreError::from).and_then(|value| {
                let Some(value) = value else {
                    return Ok(());
                };
                let mut record: ResponseRecord = from_js(&value)?;
                if change(&mut record) {
                    store.put(&to_js(&record)?, None)?;
                    written.push(record);
                }
                Ok(())
            });
            if let Err(e) = step {
                failure = Some(e);
                break;
            }
        }
        if let Some(e) = failure {
            let _aborted = tx.abort();
            return Err(e);
        }
        match tx.await {
            Ok(TransactionResult::Committed) => Ok(written),
            Ok(TransactionResult::Aborted) => Err(abort_reason(&raw)),
            Err(e) => Err(e.into()),
        }
    }

    // ----- reading -----

    async fn get<T: DeserializeOwned>(
        &self,
        store: &str,
        key: JsValue,
    ) -> Result<Option<T>, StoreError> {
        let tx = self
            .inner
            .transaction(&[store], TransactionMode::ReadOnly)?;
        let value = tx.object_store(store)?.get(Query::from(key))?.await?;
        value.map(|v| from_js(&v)).transpose()
    }

    async fn all<T: DeserializeOwned>(
        &self,
        store: &str,
        index: Option<(&str, JsValue)>,
    ) -> Result<Vec<T>, StoreError> {
        let tx = self
            .inner
            .transaction(&[store], TransactionMode::ReadOnly)?;
        let s = tx.object_store(store)?;
        let values = match index {
            Some((name, key)) => {
                s.index(name)?
                    .get_all(Some(Query::from(key)), None)?
                    .await?
            }
            None => s.get_all(None, None)?.await?,
        };
        values.iter().map(from_js).collect()
    }

    pub async fn response(&self, instance_id: &str) -> Result<Option<ResponseRecord>, StoreError> {
        self.get(RESPONSES, JsValue::from_str(instance_id)).await
    }

    /// Every response, most recently edited first.
    pub async fn responses(&self) -> Result<Vec<ResponseRecord>, StoreError> {
        let mut all: Vec<ResponseRecord> = self.all(RESPONSES, None).await?;
        fieldform_engine::sort::sort_by(&mut all, |a, b| b.updated.total_cmp(&a.updated));
        Ok(all)
    }

    /// The responses in `state` (by the index), most recently edited first.
    pub async fn responses_in(
        &self,
        state: ResponseState,
    ) -> Result<Vec<ResponseRecord>, StoreError> {
        let mut all: Vec<ResponseRecord> = self
            .all(RESPONSES, Some((BY_STATE, JsValue::from_str(state.key()))))
            .await?;
        fieldform_engine::sort::sort_by(&mut all, |a, b| b.updated.total_cmp(&a.updated));
        Ok(all)
    }

    /// How many responses are in `state` (the index's count: no record is read).
    pub async fn count_in(&self, state: ResponseState) -> Result<u32, StoreError> {
        let tx = self
            .inner
            .transaction(&[RESPONSES], TransactionMode::ReadOnly)?;
        let index = tx.object_store(RESPONSES)?.index(BY_STATE)?;
        Ok(index
            .count(Some(Query::from(JsValue::from_str(state.key()))))?
            .await?)
    }

    pub async fn form(&self, id: &str, version: &str) -> Result<Option<FormRecord>, StoreError> {
        let key: js_sys::Array = [JsValue::from_str(id), JsValue::from_str(version)]
            .into_iter()
            .collect();
        self.get(FORMS, key.into()).await
    }

    pub async fn forms(&self) -> Result<Vec<FormRecord>, StoreError> {
        self.all(FORMS, None).await
    }

    pub async fn catalog(&self) -> Result<Vec<CatalogEntry>, StoreError> {
        self.all(CATALOG, None).await
    }

    pub async fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        self.get(SETTINGS, JsValue::from_str(key)).await
    }
}

/// Why a transaction aborted, from its `error` (a full disk shows up here,
/// at commit, rather than on the request).
fn abort_reason(tx: &web_sys::IdbTransaction) -> StoreError {
    match tx.error() {
        Some(ex) if ex.name() == "QuotaExceededError" => StoreError::Quota,
        Some(ex) => StoreError::Failed(format!("{}: {}", ex.name(), ex.message())),
        None => StoreError::Failed("the write was cancelled".to_owned()),
    }
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, StoreError> {
    let text = serde_json::to_string(value).map_err(|e| StoreError::Failed(e.to_string()))?;
    js_sys::JSON::parse(&text)
        .map_err(|_| StoreError::Failed("JSON.parse refused a record".to_owned()))
}

pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, StoreError> {
    let text: String = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| StoreError::Corrupt("not a JSON value".to_owned()))?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn describe(error: &JsValue) -> String {
    error.dyn_ref::<web_sys::DomException>().map_or_else(
        || format!("{error:?}"),
        |e| format!("{}: {}", e.name(), e.message()),
    )
}
