//! The storage layer in a real browser's IndexedDB (headless Chromium, via
//! wasm-bindgen-test): save and restore, the schema upgrade from version
//! 1, a full disk, and backup files.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use fieldform_app::env::BrowserEnvironment;
use fieldform_app::store::backup::{self, Backup};
use fieldform_app::store::schema::{self, CATALOG, FORMS, RESPONSES, SETTINGS};
use fieldform_app::store::{Db, ResponseRecord, ResponseState, StoreError};
use fieldform_engine::compile::{CompiledForm, compile};
use fieldform_engine::model::Form;
use fieldform_engine::state::FormState;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = "
export function full_disk(on) {
  const proto = IDBObjectStore.prototype;
  if (on) {
    proto.__put = proto.__put ?? proto.put;
    proto.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
  } else if (proto.__put) {
    proto.put = proto.__put;
  }
}")]
extern "C" {
    fn full_disk(on: bool);
}

fn form() -> Arc<CompiledForm> {
    let doc = json!({
        "format": 1, "id": "hh", "version": "2",
        "title": { "en": "Household" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "settings": { "instance_name": "concat('Household ', ${hh_id})" },
        "items": [
            { "kind": "question", "name": "hh_id", "type": "text" },
            { "kind": "question", "name": "size", "type": "integer" },
            { "kind": "question", "name": "why_big", "type": "text", "relevant": "${size} > 8" },
            { "kind": "repeat", "name": "member", "items": [
                { "kind": "question", "name": "name", "type": "text" }
            ]}
        ]
    });
    Arc::new(compile(&Form::from_json(&doc.to_string()).unwrap()).unwrap())
}

/// A response with a hidden answer and two members, as a stored record.
fn record(state: ResponseState, updated: f64) -> (ResponseRecord, FormState) {
    let env = BrowserEnvironment::new("");
    let mut s = FormState::new(form(), &env);
    s.set("hh_id", "0421", &env).unwrap();
    s.set("size", "9", &env).unwrap();
    s.set("why_big", "three generations", &env).unwrap();
    s.set("size", "3", &env).unwrap();
    for name in ["Ana", "Ion"] {
        let (id, _) = s.add("member", &env).unwrap();
        let path = s.instance_path(id);
        s.set(&format!("{path}/name"), name, &env).unwrap();
    }
    let draft = s.to_draft();
    let r = ResponseRecord {
        instance_id: draft.instance_id.clone(),
        form_id: draft.form_id.clone(),
        form_version: draft.form_version.clone(),
        state,
        draft,
        submission: None,
        page: 1,
        instance_name: s.instance_name(&env),
        created: 1_000.0,
        updated,
        finalized: None,
        sync: Default::default(),
    };
    (r, s)
}

async fn fresh(name: &str) -> Db {
    Db::delete(name).await.unwrap();
    Db::open(name).await.unwrap()
}

#[wasm_bindgen_test]
async fn saves_and_restores_a_response_exactly() {
    let db = fresh("t-save").await;
    assert_eq!(db.version(), schema::VERSION);
    let (r, original) = record(ResponseState::Draft, 2_000.0);
    db.put_response(&r).await.unwrap();
    let back = db.response(&r.instance_id).await.unwrap().unwrap();
    assert_eq!(back, r);
    assert_eq!(back.instance_name.as_deref(), Some("Household 0421"));
    let env = BrowserEnvironment::new("");
    let mut restored = FormState::from_draft(form(), &back.draft, &env).unwrap();
    assert_eq!(restored.snapshot(), original.snapshot());
    // The hidden answer is kept and comes back with its question.
    restored.set("size", "10", &env).unwrap();
    assert_eq!(
        restored.value(restored.node("why_big").unwrap()),
        "three generations"
    );
    // Listed by state through the index; deleted for good.
    assert_eq!(
        db.responses_in(ResponseState::Draft).await.unwrap().len(),
        1
    );
    assert!(
        db.responses_in(ResponseState::Finalized)
            .await
            .unwrap()
            .is_empty()
    );
    db.delete_response(&r.instance_id).await.unwrap();
    assert_eq!(db.response(&r.instance_id).await.unwrap(), None);
    db.close();
}

#[wasm_bindgen_test]
async fn upgrades_a_version_1_database_keeping_its_responses() {
    Db::delete("t-upgrade").await.unwrap();
    let old = Db::open_at("t-upgrade", 1).await.unwrap();
    assert_eq!(old.version(), 1);
    let mut stores = old.store_names();
    stores.sort();
    assert_eq!(stores, [FORMS, RESPONSES, SETTINGS]);
    let (r, _) = record(ResponseState::Finalized, 3_000.0);
    old.put_response(&r).await.unwrap();
    old.put_setting("device-label", &"tablet 7").await.unwrap();
    old.close();

    let db = Db::open("t-upgrade").await.unwrap();
    assert_eq!(db.version(), schema::VERSION);
    assert!(db.store_names().iter().any(|s| s == CATALOG));
    // The index built over the response stored before the upgrade.
    let finalized = db.responses_in(ResponseState::Finalized).await.unwrap();
    assert_eq!(finalized, vec![r]);
    assert_eq!(
        db.setting::<String>("device-label")
            .await
            .unwrap()
            .as_deref(),
        Some("tablet 7")
    );
    db.close();
}

#[wasm_bindgen_test]
async fn a_full_disk_is_reported_and_loses_nothing() {
    let db = fresh("t-quota").await;
    let (first, _) = record(ResponseState::Draft, 2_000.0);
    db.put_response(&first).await.unwrap();
    let mut later = first.clone();
    later.updated = 9_000.0;
    later.page = 4;
    full_disk(true);
    let error = db.put_response(&later).await.unwrap_err();
    full_disk(false);
    assert_eq!(error, StoreError::Quota);
    assert!(
        error.to_string().contains("out of storage space")
            && error.to_string().contains("nothing saved before was lost"),
        "{error}"
    );
    // What was saved before is intact, and saving works again afterwards.
    assert_eq!(db.response(&first.instance_id).await.unwrap(), Some(first));
    db.put_response(&later).await.unwrap();
    assert_eq!(db.response(&later.instance_id).await.unwrap(), Some(later));
    db.close();
}

#[wasm_bindgen_test]
async fn a_backup_moves_every_response_once() {
    let source = fresh("t-backup-a").await;
    let (draft, _) = record(ResponseState::Draft, 2_000.0);
    let (finalized, _) = record(ResponseState::Finalized, 2_500.0);
    source.put_response(&draft).await.unwrap();
    source.put_response(&finalized).await.unwrap();
    let definition = Form::from_json(&form().form.to_json()).unwrap();
    source.put_form(&definition, 1.0).await.unwrap();
    let file = source.export_backup("tablet-7", 5_000.0).await.unwrap();
    assert_eq!(file.responses.len(), 2);
    assert_eq!(file.forms.len(), 1);
    // Through the file's text, as a device would read it.
    let text = serde_json::to_string(&file).unwrap();
    let read: Backup = backup::parse(&text).unwrap();

    let target = fresh("t-backup-b").await;
    let first = target.import_backup(&read).await.unwrap();
    assert_eq!(
        (
            first.added,
            first.updated,
            first.unchanged,
            first.forms_added
        ),
        (2, 0, 0, 1)
    );
    let mut stored = target.responses().await.unwrap();
    stored.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    let mut expected = vec![draft.clone(), finalized.clone()];
    expected.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    assert_eq!(stored, expected);
    assert!(target.form("hh", "2").await.unwrap().is_some());

    // The same file again: nothing new, nothing duplicated.
    let again = target.import_backup(&read).await.unwrap();
    assert_eq!(
        (
            again.added,
            again.updated,
            again.unchanged,
            again.forms_added
        ),
        (0, 0, 2, 0)
    );
    assert_eq!(target.responses().await.unwrap().len(), 2);

    // A draft edited later on this device is not overwritten by the older copy.
    let mut edited = draft.clone();
    edited.updated = 9_000.0;
    target.put_response(&edited).await.unwrap();
    let third = target.import_backup(&read).await.unwrap();
    assert_eq!(third.unchanged, 2);
    assert_eq!(
        target.response(&draft.instance_id).await.unwrap(),
        Some(edited)
    );
    source.close();
    target.close();
}

/// Sync writes outcomes back through `update_responses`: each record is
/// reread in the same transaction, so one changed meanwhile is seen as it
/// is now; missing ids are skipped; counts come from the index.
#[wasm_bindgen_test]
async fn updates_read_and_write_in_one_transaction() {
    let db = fresh("t-update").await;
    let (mut a, _) = record(ResponseState::Finalized, 10.0);
    a.instance_id = "0190a1b2-0000-7000-8000-00000000000a".into();
    let (mut b, _) = record(ResponseState::Finalized, 20.0);
    b.instance_id = "0190a1b2-0000-7000-8000-00000000000b".into();
    db.put_response(&a).await.unwrap();
    db.put_response(&b).await.unwrap();
    assert_eq!(db.count_in(ResponseState::Finalized).await.unwrap(), 2);
    // `b` was edited after sync read it (updated 20 -> 25): left alone.
    let mut newer = b.clone();
    newer.updated = 25.0;
    db.put_response(&newer).await.unwrap();
    let ids = vec![
        a.instance_id.clone(),
        b.instance_id.clone(),
        "0190a1b2-0000-7000-8000-0000000000ff".to_owned(),
    ];
    let written = db
        .update_responses(&ids, |r| {
            if r.updated != 10.0 && r.updated != 20.0 {
                return false;
            }
            r.state = ResponseState::Sent;
            true
        })
        .await
        .unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].instance_id, a.instance_id);
    let stored_a = db.response(&a.instance_id).await.unwrap().unwrap();
    assert_eq!(stored_a.state, ResponseState::Sent);
    assert_eq!(db.response(&b.instance_id).await.unwrap(), Some(newer));
    assert_eq!(db.count_in(ResponseState::Finalized).await.unwrap(), 1);
    assert_eq!(db.count_in(ResponseState::Sent).await.unwrap(), 1);
    db.close();
}
