//! Helpers for tests that need a form: written as JSON, like form files.

use std::sync::Arc;

use serde_json::{Value as Json, json};

use crate::compile::{CompiledForm, compile};
use crate::model::Form;

/// A form with languages `en` (default) and `ro`, the given choice lists
/// and items.
pub(crate) fn form(items: Json, choices: Json) -> Form {
    let doc = json!({
        "format": 1,
        "id": "test",
        "version": "1",
        "title": { "en": "Test", "ro": "Test" },
        "languages": [
            { "code": "en", "name": "English" },
            { "code": "ro", "name": "Română" }
        ],
        "default_language": "en",
        "choices": choices,
        "items": items,
    });
    Form::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("test form: {e}"))
}

pub(crate) fn compiled(items: Json, choices: Json) -> Arc<CompiledForm> {
    match compile(&form(items, choices)) {
        Ok(c) => Arc::new(c),
        Err(errors) => panic!(
            "test form should compile: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The messages of the errors compiling the form.
pub(crate) fn errors(items: Json, choices: Json) -> Vec<String> {
    match compile(&form(items, choices)) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

/// `{"kind": "question", "name": name, "type": type, ...extra}`.
pub(crate) fn q(name: &str, kind: &str, extra: Json) -> Json {
    let mut item = json!({ "kind": "question", "name": name, "type": kind });
    if let (Some(obj), Some(more)) = (item.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    item
}
