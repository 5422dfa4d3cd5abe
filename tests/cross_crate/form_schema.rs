//! The published JSON Schema of the form file format stays in step with the
//! model. Regenerate it with `FIELDFORM_UPDATE_SCHEMA=1 cargo test -p fieldform-tests --test form_schema`.

use std::path::PathBuf;

#[test]
fn published_schema_matches_the_model() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../engine/form.schema.json");
    let generated = fieldform_engine::model::json_schema();
    if std::env::var_os("FIELDFORM_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == generated,
        "engine/form.schema.json is out of date: run FIELDFORM_UPDATE_SCHEMA=1 cargo test -p fieldform-tests --test form_schema"
    );
    let schema: serde_json::Value = serde_json::from_str(&published).expect("valid JSON");
    assert_eq!(schema["title"], "Form");
}
