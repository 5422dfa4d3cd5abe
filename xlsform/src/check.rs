//! `fieldform form check`: every error and warning for a form file, whether
//! an XLSForm or a `*.form.json`, including what only the engine's compiler
//! finds (cycles, wrong kinds of reference, missing translations).

use std::path::Path;

use fieldform_engine::compile::compile;
use fieldform_engine::model::Form;

use crate::errors::{ImportError, Location, Warning};

/// What a check found. `form` is the form when it could be read at all.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub form: Option<Form>,
    pub errors: Vec<ImportError>,
    pub warnings: Vec<Warning>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Checks a `*.json` form file or an XLSForm (any format [`crate::import_path`] reads).
pub fn check_path(path: &Path) -> Report {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut report = Report::default();
    if is_json {
        match std::fs::read_to_string(path) {
            Ok(text) => match Form::from_json(&text) {
                Ok(form) => report.form = Some(form),
                Err(e) => report.errors.push(file_error(e.to_string())),
            },
            Err(e) => report
                .errors
                .push(file_error(format!("cannot read {}: {e}", path.display()))),
        }
    } else {
        match crate::import_path(path) {
            Ok(imported) => {
                report.form = Some(imported.form);
                report.warnings = imported.warnings;
            }
            Err(e) => {
                report.errors = e.errors;
                report.warnings = e.warnings;
            }
        }
    }
    if let Some(form) = &report.form {
        // The importer already checked names and references with their
        // rows; the compiler adds what needs the whole form (cycles, kinds).
        match compile(form) {
            Ok(compiled) => report.warnings.extend(
                compiled
                    .warnings
                    .iter()
                    .map(|w| Warning::new(Location::file(), w.to_string())),
            ),
            Err(errors) => report
                .errors
                .extend(errors.iter().map(|e| file_error(e.to_string()))),
        }
    }
    report
}

fn file_error(message: String) -> ImportError {
    ImportError::new(Location::file(), message)
}
