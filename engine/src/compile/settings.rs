//! Checks of the form's settings that hold expressions: `instance_name`
//! must parse and name fields that exist, so a typo is reported when the
//! form is published, not discovered as unnamed responses in the field.

use std::collections::HashMap;

use super::{FieldId, LoadError};
use crate::expr::{self, suggest};
use crate::model::Form;

pub(super) fn check(form: &Form, by_name: &HashMap<String, FieldId>, errors: &mut Vec<LoadError>) {
    let Some(src) = form.settings.instance_name.as_deref() else {
        return;
    };
    let problem = |problem: String| LoadError::Setting {
        setting: "instance_name",
        problem,
    };
    let parsed = match expr::parse(src) {
        Ok(parsed) => parsed,
        Err(error) => {
            errors.push(problem(error.to_string()));
            return;
        }
    };
    for r in parsed.references() {
        // A bare name is a relative path, empty at the top level (as in ODK).
        if r.bare || by_name.contains_key(&r.name) {
            continue;
        }
        let hint = suggest(&r.name, by_name.keys().map(String::as_str))
            .map(|s| format!("; did you mean ${{{s}}}?"))
            .unwrap_or_default();
        errors.push(problem(format!(
            "${{{}}} at position {} is not a field{hint}",
            r.name,
            r.position()
        )));
    }
}
