//! Checks of the form's settings that hold expressions: `instance_name`
//! must parse and name fields that exist, so a typo is reported when the
//! form is published, not discovered as unnamed responses in the field.

use super::names::{Names, path_of};
use super::{Field, LoadError};
use crate::expr::{self, suggest};
use crate::model::Form;

pub(super) fn check(form: &Form, fields: &[Field], names: &Names, errors: &mut Vec<LoadError>) {
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
        if r.bare || names.unique(&r.name).is_some() {
            continue;
        }
        // `${name}` must name one field, as in pyxform (PYREF_004).
        if let Some(ids) = names.ambiguous(&r.name) {
            let paths: Vec<String> = ids.iter().map(|&i| path_of(fields, i)).collect();
            errors.push(problem(format!(
                "${{{}}} at position {} is ambiguous: {} fields are called `{}` ({})",
                r.name,
                r.position(),
                ids.len(),
                r.name,
                paths.join(", ")
            )));
            continue;
        }
        let hint = suggest(&r.name, names.all())
            .map(|s| format!("; did you mean ${{{s}}}?"))
            .unwrap_or_default();
        errors.push(problem(format!(
            "${{{}}} at position {} is not a field{hint}",
            r.name,
            r.position()
        )));
    }
}
