//! `fieldform form check`: every error and warning for a form file, whether
//! an XLSForm or a `*.form.json`, including what only the engine's compiler
//! finds (cycles, wrong kinds of reference, missing translations), with
//! the data files the form needs read from beside it.

use std::path::Path;

use fieldform_engine::compile::LoadError;
use fieldform_engine::model::Form;
use fieldform_engine::{Attachments, compile_with};

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
    if let Some(form) = report.form.clone() {
        let attachments = attachments_beside(path, &form, &mut report);
        // The importer already checked names and references with their
        // rows; the compiler adds what needs the whole form (cycles, kinds,
        // the columns of attached files).
        match compile_with(&form, &attachments) {
            Ok(compiled) => report.warnings.extend(
                compiled
                    .warnings
                    .iter()
                    .map(|w| Warning::new(Location::file(), w.to_string())),
            ),
            Err(errors) => {
                for e in errors {
                    match e {
                        // A file published later is no fault of the form
                        // (ODK Central also takes the form first).
                        LoadError::MissingAttachment { file } => report.warnings.push(Warning::new(
                            Location::file(),
                            format!(
                                "attachment `{file}` is not beside the form file: it is not checked, and must be published with the form"
                            ),
                        )),
                        e => report.errors.push(file_error(e.to_string())),
                    }
                }
            }
        }
    }
    report
}

/// The data files `form` needs that lie in the form file's directory, as
/// `fieldform form publish` takes them. A file that is there but refused
/// (malformed, too large) is an error.
fn attachments_beside(path: &Path, form: &Form, report: &mut Report) -> Attachments {
    let mut attachments = Attachments::new();
    let dir = path.parent().unwrap_or(Path::new("."));
    for name in form.attachment_names() {
        // A name from a workbook cell: never a path out of the directory.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        let file = dir.join(&name);
        let too_big = std::fs::metadata(&file)
            .is_ok_and(|m| m.len() > fieldform_engine::external::limits::MAX_FILE_BYTES as u64);
        if too_big {
            report.errors.push(file_error(format!(
                "attachment `{name}` is larger than {} bytes",
                fieldform_engine::external::limits::MAX_FILE_BYTES
            )));
            continue;
        }
        match std::fs::read(&file) {
            Ok(bytes) => {
                if let Err(e) = attachments.add(&name, &bytes) {
                    report.errors.push(file_error(e.to_string()));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => report
                .errors
                .push(file_error(format!("cannot read {}: {e}", file.display()))),
        }
    }
    attachments
}

fn file_error(message: String) -> ImportError {
    ImportError::new(Location::file(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pyxform's `or_other.xlsx` filters with `${q} = yes`: `yes` is no
    /// column of the list, so XPath reads it as empty. A warning, not a
    /// refusal.
    #[test]
    fn a_bare_name_that_is_no_column_in_a_choice_filter_is_a_warning() {
        let survey: &[&[&str]] = &[
            &["type", "name", "label", "choice_filter"],
            &["select_one yn", "q", "Q", ""],
            &["select_one yn", "r", "R", "${q} = yes"],
        ];
        let choices: &[&[&str]] = &[
            &["list_name", "name", "label"],
            &["yn", "yes", "Yes"],
            &["yn", "no", "No"],
        ];
        let dir =
            std::env::temp_dir().join(format!("fieldform-check-column-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("form.xlsx");
        std::fs::write(
            &path,
            crate::tests::xlsx(&[("survey", survey), ("choices", choices)]),
        )
        .expect("write");
        let report = check_path(&path);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(report.is_ok(), "{:?}", report.errors);
        let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
        assert!(
            warnings.iter().any(|w| w.ends_with(
                "field `r`, choice_filter: `yes` at position 7 is not a column of choice list `yn`, so it evaluates as empty, as in ODK"
            )),
            "{warnings:?}"
        );
    }
}
