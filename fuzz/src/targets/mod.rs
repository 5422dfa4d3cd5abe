//! The four targets, and what they share: the shipped forms and a small
//! roster form, compiled once per thread.

pub mod expr;
pub mod form;
pub mod ingest;
pub mod json;
pub mod xlsform;

use std::sync::Arc;

use fieldform_engine::compile::{CompiledForm, compile};
use fieldform_engine::env::FixedEnvironment;
use fieldform_engine::model::Form;

use crate::{Input, Target, workspace_dir};

/// Every target, by name.
pub fn all() -> [&'static Target; 4] {
    [
        &expr::TARGET,
        &xlsform::TARGET,
        &form::TARGET,
        &ingest::TARGET,
    ]
}

/// A target by name.
pub fn by_name(name: &str) -> Option<&'static Target> {
    all().into_iter().find(|t| t.name == name)
}

pub fn env() -> FixedEnvironment {
    FixedEnvironment::default()
}

/// The form files the targets use: the roster of this crate, then the
/// shipped forms (`forms/*.form.json`), as text.
pub fn form_files() -> Vec<Input> {
    let mut files = vec![Input::new(
        "roster.form.json",
        include_str!("../../forms/roster.form.json"),
    )];
    let mut shipped = crate::read_inputs(&workspace_dir().join("forms"));
    shipped.retain(|i| i.name.ends_with(".form.json"));
    files.extend(shipped);
    files
}

thread_local! {
    static FORMS: Vec<Arc<CompiledForm>> = form_files()
        .iter()
        .map(|f| {
            let text = String::from_utf8_lossy(&f.bytes);
            let form = Form::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", f.name));
            Arc::new(compile(&form).unwrap_or_else(|e| panic!("{}: {e:?}", f.name)))
        })
        .collect();
}

/// The compiled forms of [`form_files`], in the same order.
pub fn forms() -> Vec<Arc<CompiledForm>> {
    FORMS.with(Clone::clone)
}
