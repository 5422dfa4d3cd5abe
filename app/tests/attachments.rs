//! Form attachments on the device (headless Chromium's IndexedDB): the
//! schema upgrade to version 3 keeps what was stored, and a form version
//! is kept with its data files, which compile with it.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fieldform_app::store::backup::Backup;
use fieldform_app::store::schema::{self, ATTACHMENTS, FORMS};
use fieldform_app::store::{AttachmentRecord, Db, FormRecord, ResponseState};
use fieldform_engine::model::Form;
use fieldform_engine::{Attachments, compile_with};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const VILLAGES: &str = "name,label,population\nnorth,North village,1200\nsouth,South village,800\n";

fn form(version: &str) -> Form {
    let doc = json!({
        "format": 1, "id": "villages", "version": version,
        "title": { "en": "Villages" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "items": [
            { "kind": "question", "name": "village", "type": "select_one",
              "choices_file": "villages.csv", "label": { "en": "Village" } },
            { "kind": "question", "name": "population", "type": "calculate",
              "calculation": "pulldata('villages', 'population', 'name', ${village})" }
        ]
    });
    Form::from_json(&doc.to_string()).unwrap()
}

fn file(version: &str) -> AttachmentRecord {
    AttachmentRecord {
        form_id: "villages".into(),
        version: version.into(),
        name: "villages.csv".into(),
        text: VILLAGES.into(),
    }
}

#[wasm_bindgen_test]
async fn upgrading_to_version_3_keeps_forms_and_responses() {
    Db::delete("t-att-upgrade").await.unwrap();
    let old = Db::open_at("t-att-upgrade", 2).await.unwrap();
    let kept = form("1");
    old.put_form(&kept, 5.0).await.unwrap();
    old.put_setting("device-label", &"tablet 3").await.unwrap();
    old.close();

    let db = Db::open("t-att-upgrade").await.unwrap();
    assert_eq!(db.version(), schema::VERSION);
    assert!(db.store_names().iter().any(|s| s == ATTACHMENTS));
    let record = db.form("villages", "1").await.unwrap().unwrap();
    assert_eq!(Form::from_json(&record.definition).unwrap(), kept);
    assert_eq!(
        db.setting::<String>("device-label")
            .await
            .unwrap()
            .as_deref(),
        Some("tablet 3")
    );
    assert_eq!(db.count_in(ResponseState::Draft).await.unwrap(), 0);
    assert_eq!(db.attachments("villages", "1").await.unwrap(), vec![]);
    db.close();
}

#[wasm_bindgen_test]
async fn a_form_is_kept_with_its_files_and_compiles_with_them() {
    Db::delete("t-att-keep").await.unwrap();
    let db = Db::open("t-att-keep").await.unwrap();
    db.put_form_with(&form("1"), &[file("1")], 1.0)
        .await
        .unwrap();
    db.put_form_with(&form("2"), &[], 2.0).await.unwrap();
    assert!(db.store_names().iter().any(|s| s == FORMS));

    // Each version has its own files.
    let stored = db.attachments("villages", "1").await.unwrap();
    assert_eq!(stored, vec![file("1")]);
    assert_eq!(db.attachments("villages", "2").await.unwrap(), vec![]);
    assert_eq!(db.attachment_count("villages", "1").await.unwrap(), 1);
    assert_eq!(db.attachment_count("villages", "2").await.unwrap(), 0);
    db.put_attachments(&[file("2")]).await.unwrap();
    assert_eq!(
        db.attachments("villages", "2").await.unwrap(),
        vec![file("2")]
    );

    // What is kept is what the engine needs: the choices come from the CSV.
    let record = db.form("villages", "1").await.unwrap().unwrap();
    let definition = Form::from_json(&record.definition).unwrap();
    let mut files = Attachments::new();
    for f in &stored {
        files.add(&f.name, f.text.as_bytes()).unwrap();
    }
    assert!(compile_with(&definition, &Attachments::new()).is_err());
    assert!(compile_with(&definition, &files).is_ok());
    db.close();
}

#[wasm_bindgen_test]
async fn a_backup_brings_the_files_of_its_forms() {
    Db::delete("t-att-backup").await.unwrap();
    let db = Db::open("t-att-backup").await.unwrap();
    let backup = Backup {
        fieldform_backup: 1,
        exported: 1.0,
        device: "tablet 3".into(),
        responses: vec![],
        forms: vec![FormRecord {
            id: "villages".into(),
            version: "1".into(),
            definition: form("1").to_json(),
            fetched: 1.0,
        }],
        attachments: vec![file("1")],
    };
    let report = db.import_backup(&backup).await.unwrap();
    assert_eq!(report.forms_added, 1);
    assert_eq!(
        db.attachments("villages", "1").await.unwrap(),
        vec![file("1")]
    );
    // Again: nothing new, nothing doubled.
    db.import_backup(&backup).await.unwrap();
    assert_eq!(
        db.attachments("villages", "1").await.unwrap(),
        vec![file("1")]
    );
    db.close();
}
