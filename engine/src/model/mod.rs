//! The form model: what a form *is*, independent of how it was authored
//! (XLSForm, hand-written JSON) and of how it is evaluated.
//!
//! The on-disk format is pretty-printed JSON (`*.form.json`): readable in a
//! diff, and the very same document the server stores and serves to devices.

mod form;
mod item;
mod item_de;
mod text;

pub use form::{
    Choice, FORMAT_VERSION, Form, FormError, Language, Settings, find_language, primary_subtag,
};
pub use item::{Condition, Group, Item, Question, QuestionType, Repeat};
pub use text::{Insertion, Text, insertions};

/// The JSON Schema of the form file format, as published in
/// `engine/form.schema.json` (a test keeps that file current).
#[cfg(feature = "schema")]
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Form);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
