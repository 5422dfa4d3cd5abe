//! `fieldform form check`: every error and warning for a form file, whether
//! an XLSForm or a `*.form.json`, including what only the engine's compiler
//! finds (cycles, wrong kinds of reference, missing translations), with
//! the data files the form needs read from beside it.

use std::path::Path;

use fieldform_engine::compile::{LoadError, LoadWarning};
use fieldform_engine::model::Form;
use fieldform_engine::{Attachments, compile_with};

use crate::FilterAt;
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
    let mut filters = Vec::new();
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
        match crate::import_path_located(path) {
            Ok((imported, located)) => {
                report.form = Some(imported.form);
                report.warnings = imported.warnings;
                filters = located;
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
            Ok(compiled) => {
                let found: Vec<Warning> = compiled
                    .warnings
                    .iter()
                    .filter(|w| !is_repeated(w, &report.warnings))
                    .map(|w| located_warning(w, &filters))
                    .collect();
                report.warnings.extend(found);
            }
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

/// A compiler warning as the importer's would read: a choice_filter's
/// name that is no column of its list is shown on the filter's cell (the
/// compiler alone knows an attached file's columns); the rest concern the
/// form as a whole.
fn located_warning(warning: &LoadWarning, filters: &[FilterAt]) -> Warning {
    if let LoadWarning::UnknownColumn {
        field,
        list,
        name,
        position,
        suggestion,
    } = warning
        && let Some(cell) = filter_cell(field, filters)
    {
        return Warning::new(
            cell.clone(),
            format!(
                "`{name}` at position {position} is not a column of choice list `{list}`, so it evaluates as empty, as in ODK{}",
                suggestion
                    .as_ref()
                    .map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
            ),
        );
    }
    Warning::new(Location::file(), warning.to_string())
}

/// Whether the importer already gave this warning on its cell: a bare
/// name or path that names no field (the compiler's copy would only repeat
/// it without the row).
fn is_repeated(warning: &LoadWarning, imported: &[Warning]) -> bool {
    let LoadWarning::EmptyPath {
        written, position, ..
    } = warning
    else {
        return false;
    };
    let start = format!("`{written}` at position {position} ");
    imported
        .iter()
        .any(|w| w.location.row.is_some() && w.message.starts_with(&start))
}

/// The choice_filter cell of the question the compiler calls `field`: its
/// name when that is unique in the form, else its path.
fn filter_cell<'a>(field: &str, filters: &'a [FilterAt]) -> Option<&'a Location> {
    if let Some(exact) = filters.iter().find(|f| f.path == field) {
        return Some(&exact.location);
    }
    let suffix = format!("/{field}");
    let mut found = filters.iter().filter(|f| f.path.ends_with(&suffix));
    match (found.next(), found.next()) {
        (Some(only), None) => Some(&only.location),
        _ => None,
    }
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
            warnings.contains(
                &"survey row 3, column choice_filter: `yes` at position 7 is not a column of choice list `yn`, so it evaluates as empty, as in ODK".to_owned()
            ),
            "{warnings:?}"
        );
    }

    /// A bare name that names no field is the importer's warning, on its
    /// cell; the compiler's copy of it, without the row, is left out.
    #[test]
    fn an_empty_path_is_warned_about_once_with_its_row() {
        let survey: &[&[&str]] = &[
            &["type", "name", "label", "calculation"],
            &["integer", "a", "A", ""],
            &["calculate", "c", "", "if(${a} > 1, ${a} * 30, null)"],
        ];
        let dir =
            std::env::temp_dir().join(format!("fieldform-check-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("form.xlsx");
        std::fs::write(&path, crate::tests::xlsx(&[("survey", survey)])).expect("write");
        let report = check_path(&path);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(report.is_ok(), "{:?}", report.errors);
        let about_null: Vec<String> = report
            .warnings
            .iter()
            .map(ToString::to_string)
            .filter(|w| w.contains("`null`"))
            .collect();
        assert_eq!(
            about_null,
            [
                "survey row 3, column calculation: `null` at position 24 names no field; it evaluates as empty, as in ODK"
            ]
        );
    }

    /// Names repeated in different groups: the compiler names the field by
    /// its path, and the warning still lands on its own row.
    #[test]
    fn the_filter_warning_finds_its_row_by_path() {
        let filters = [
            FilterAt {
                path: "a/q".into(),
                location: Location::cell("survey", 3, "choice_filter"),
            },
            FilterAt {
                path: "b/q".into(),
                location: Location::cell("survey", 7, "choice_filter"),
            },
            FilterAt {
                path: "b/r".into(),
                location: Location::cell("survey", 8, "choice_filter"),
            },
        ];
        let warning = |field: &str| {
            located_warning(
                &LoadWarning::UnknownColumn {
                    field: field.into(),
                    list: "yn".into(),
                    name: "districk".into(),
                    position: 0,
                    suggestion: Some("district".into()),
                },
                &filters,
            )
            .to_string()
        };
        assert_eq!(
            warning("b/q"),
            "survey row 7, column choice_filter: `districk` at position 0 is not a column of choice list `yn`, so it evaluates as empty, as in ODK; did you mean `district`?"
        );
        assert!(warning("r").starts_with("survey row 8, column choice_filter: "));
        // Not found (a form file has no rows): the compiler's own words.
        assert_eq!(
            warning("zz"),
            "field `zz`, choice_filter: `districk` at position 0 is not a column of choice list `yn`, so it evaluates as empty, as in ODK; did you mean `district`?"
        );
    }
}
