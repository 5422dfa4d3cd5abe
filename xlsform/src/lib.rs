//! XLSForm import and export for Fieldform.
//!
//! ```text
//! .xlsx .xls .ods ─┐
//! .csv  .md ───────┴─ read ─▶ Workbook ─▶ settings, languages, choices, survey
//!                                              └─▶ expressions (parse + ${ref} check) ─▶ Form
//! Form ─▶ export ─▶ .xlsx (survey, choices, settings)
//! ```
//!
//! * [`import_path`] / [`import_bytes`]: a workbook to a [`Form`], with every
//!   error found in one pass ([`ImportErrors`]) and the [`Warning`]s for
//!   what was ignored or mapped.
//! * [`export_xlsx`]: a [`Form`] to an `.xlsx` that imports back to the same form.
//! * [`check_path`]: errors and warnings for a form file of either kind
//!   (XLSForm or `*.form.json`), including the engine compiler's, for
//!   `fieldform form check`.
//!
//! # How XLSForm maps to the model
//!
//! * Headers are case-insensitive, with pyxform's aliases (`list name`,
//!   `jr:constraintMsg`, `calculate`, `bind:jr:constraintMsg`, settings
//!   `title`/`id_string`). Translatable columns take `::Language (code)`,
//!   `::Language` or `:Language`; the code comes from the parentheses, else
//!   a table of common names, else the name itself. Unsuffixed text goes to
//!   the settings' `default_language`, else to pyxform's `default` language.
//! * Types: every model type, with old spellings (`select one from l`,
//!   `select all that apply`, `add text prompt`, `gps`, `trigger` =
//!   acknowledge, `or specify other` = `or_other`). `barcode` becomes text;
//!   input and metadata types Fieldform lacks (image, audio, video, file,
//!   audit, phonenumber, email, simserial, subscriberid, ...) become empty
//!   hidden calculates so that expressions naming them still resolve, with
//!   a warning.
//! * External data: `select_one_from_file f.csv` / `select_multiple_from_file`
//!   (CSV, XML, GeoJSON; `parameters` `value=`/`label=`) set
//!   `Question::choices_file`; `csv-external`/`xml-external` rows add their
//!   file to `Form::external_instances`; `select_one_external` reads its
//!   list from the `external_choices` sheet, kept in the form
//!   (`Form::external_choices`) instead of pyxform's `itemsets.csv`. The
//!   importer only records file names: the engine's `compile_with` checks
//!   that the files are given and have the columns used.
//! * Names follow pyxform: unique among siblings (and a repeat's name in
//!   the whole form), so `name` may be in a household group and in a
//!   roster; names are kept as written and fields identified by their path,
//!   so responses and exports carry ODK's names. `${name}` must then be
//!   unique in the form (an error otherwise, as in pyxform); a bare name or
//!   path that names no field (`null`) evaluates as empty, with a warning.
//!   A note without a name is called `generated_note_name_<row>`, as pyxform
//!   calls it.
//! * Expressions are repaired where ODK tolerates what our parser does not
//!   (typographic quotes, a bare `false`, `jr:itext(instance(..)..)` choice
//!   labels), each with a warning. `instance('x')/root/item[...]` paths
//!   and `pulldata()` are expressions like any other.
//!
//! See `export` for what a workbook cannot carry and how Fieldform's own
//! extensions (`form_title::Language (code)`, `min_instances`,
//! `max_instances`, type `instance_id`) are written.

pub mod bombs;
mod check;
mod choice_columns;
mod choices;
mod columns;
mod errors;
mod export;
mod expressions;
mod fixes;
mod flat;
mod languages;
mod last_saved;
mod read;
mod reference_syntax;
mod settings;
mod survey;
mod types;
mod workbook;

use std::path::Path;

use fieldform_engine::model::{FORMAT_VERSION, Form};

pub use check::{Report, check_path};
pub use errors::{ImportError, ImportErrors, Location, Warning};
pub use export::{ExportError, export_xlsx};
pub use read::{Format, ReadError, limits};
pub use workbook::{Row, Sheet, Workbook};

use columns::{TRANSLATABLE, Table, is_media};
use errors::Diagnostics;
use languages::Languages;

/// A successfully imported form and what was ignored or mapped on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub form: Form,
    pub warnings: Vec<Warning>,
}

/// The version given to a form whose settings name none: the model needs
/// one, and `1` is what a designer would write first.
pub const DEFAULT_VERSION: &str = "1";

/// Imports an XLSForm file: `.xlsx`, `.xls`, `.ods` (also `.xlsm`, `.xlsb`),
/// pyxform's single-file `.csv` or its markdown `.md` variant.
pub fn import_path(path: &Path) -> Result<Imported, ImportErrors> {
    import_path_located(path).map(|(imported, _)| imported)
}

/// [`import_path`], with where each choice_filter is written.
fn import_path_located(path: &Path) -> Result<(Imported, Vec<FilterAt>), ImportErrors> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Bounded: a file past the import limit is refused without reading it all.
    let bytes = read::read_file(path).map_err(|e| {
        single(ImportError::new(
            Location::file(),
            format!("cannot read {}: {e}", path.display()),
        ))
    })?;
    import_bytes_located(&name, &bytes)
}

/// Imports an XLSForm from memory (an upload). `name` is the file name: its
/// extension chooses the format and its stem is the form id when the
/// settings give none.
pub fn import_bytes(name: &str, bytes: &[u8]) -> Result<Imported, ImportErrors> {
    import_bytes_located(name, bytes).map(|(imported, _)| imported)
}

fn import_bytes_located(
    name: &str,
    bytes: &[u8],
) -> Result<(Imported, Vec<FilterAt>), ImportErrors> {
    let Some(format) = Format::from_name(name) else {
        return Err(single(ImportError::new(
            Location::file(),
            format!("`{name}` is not an XLSForm file: expected .xlsx, .xls, .ods, .csv or .md"),
        )));
    };
    let workbook = read::read(format, bytes)
        .map_err(|e| single(ImportError::new(Location::file(), e.to_string())))?;
    import_workbook_located(&workbook, stem(name))
}

fn single(e: ImportError) -> ImportErrors {
    ImportErrors {
        errors: vec![e],
        warnings: Vec::new(),
    }
}

fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.').map_or(base, |(s, _)| s)
}

/// A form id from a file name: pyxform uses the file's stem too. Shaped to
/// what the server accepts as an id (an ASCII letter or `_` first, then
/// letters, digits, `_`, `-`, `.`; at most 64 characters), so that
/// `2024 survey.xlsx` imports as `_2024_survey` instead of being refused.
fn id_from(stem: &str) -> String {
    let mut id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !id.chars().any(|c| c.is_ascii_alphanumeric()) {
        return "form".into();
    }
    if !id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        id.insert(0, '_');
    }
    id.chars().take(64).collect()
}

/// Sheets an XLSForm may have that Fieldform does not read.
const UNSUPPORTED_SHEETS: &[&str] = &["entities", "osm"];

/// Imports a workbook already read; `fallback_id` names the form when its
/// settings do not.
pub fn import_workbook(book: &Workbook, fallback_id: &str) -> Result<Imported, ImportErrors> {
    import_workbook_located(book, fallback_id).map(|(imported, _)| imported)
}

/// A question's path in the imported form (as the compiler names fields)
/// and the cell its choice_filter is written in.
#[derive(Debug, Clone)]
struct FilterAt {
    path: String,
    location: Location,
}

fn import_workbook_located(
    book: &Workbook,
    fallback_id: &str,
) -> Result<(Imported, Vec<FilterAt>), ImportErrors> {
    let mut diag = Diagnostics::default();
    let empty = Sheet::default();
    let sheet = |name: &str| book.sheet(name).unwrap_or(&empty);
    if book.sheet(survey::SHEET).is_none() {
        diag.error(
            Location::file(),
            format!(
                "no `survey` sheet (sheets found: {})",
                book.sheet_names().join(", ")
            ),
        );
    }
    for s in &book.sheets {
        let lower = s.name.trim().to_lowercase();
        if UNSUPPORTED_SHEETS.contains(&lower.as_str()) && !s.rows.is_empty() {
            diag.warn(
                Location::sheet(&s.name),
                "this sheet is not supported; ignored",
            );
        }
    }
    // pyxform skips a disabled row before it reads anything of it.
    let survey_sheet = survey::split_disabled(sheet(survey::SHEET), &mut diag);
    let mut survey_table = Table::new(&survey_sheet.kept);
    survey_table.dealias(survey::SHEET, survey::ALIASES, &mut diag);
    let mut choices_table = Table::new(sheet(choices::SHEET));
    choices_table.dealias(choices::SHEET, choices::ALIASES, &mut diag);
    let settings_table = Table::new(sheet(settings::SHEET));
    let mut external_table = Table::new(sheet(choices::EXTERNAL_SHEET));
    external_table.dealias(choices::EXTERNAL_SHEET, choices::ALIASES, &mut diag);

    let mut raw = settings::read(&settings_table, &mut diag);
    let langs = languages(
        &[
            &survey_table,
            &choices_table,
            &settings_table,
            &external_table,
        ],
        raw.default_language.as_deref(),
    );
    let lists = choices::read(
        &choices_table,
        &langs,
        raw.allow_choice_duplicates,
        &mut diag,
    );
    // pyxform copies the external_choices sheet to itemsets.csv unread
    // unless a select_one_external needs it: only then do its problems count.
    let mut external_diag = Diagnostics::default();
    let mut external = choices::read_external(&external_table, &langs, &mut external_diag);
    let uses_external = survey_table.column("type").is_some_and(|c| {
        survey_table.rows.iter().any(|r| {
            matches!(
                types::parse_type(r.cell(c.index)),
                Ok(types::RowType::External { .. })
            )
        })
    });
    if uses_external || external_diag.errors.is_empty() {
        diag.errors.extend(external_diag.errors);
        diag.warnings.extend(external_diag.warnings);
    } else {
        diag.warn(
            Location::sheet(choices::EXTERNAL_SHEET),
            "no select_one_external uses this sheet, and it cannot be read; ignored",
        );
        external.lists.clear();
    }
    let mut survey = if book.sheet(survey::SHEET).is_some() {
        survey::read(
            &survey_table,
            &langs,
            &lists.lists,
            &external.lists,
            &mut diag,
        )
    } else {
        survey::Survey::default()
    };
    // pyxform's root element: the settings' `name`, else `data`.
    let root = settings_table
        .column("name")
        .and_then(|c| settings_table.rows.first().map(|r| r.cell(c.index)))
        .filter(|n| !n.is_empty())
        .unwrap_or("data");
    survey::check_root_name(&survey_table, root, &mut diag);
    // No knock-on errors from rows that failed.
    errors::settle_failed_rows(&survey_table, survey::SHEET, &mut diag, &mut survey.names);

    let mut cells = survey.expressions;
    cells.extend(survey::check_skipped(&survey_sheet.skipped, &mut diag));
    cells.extend(lists.label_cells);
    cells.extend(std::mem::take(&mut raw.reference_cells));
    if let (Some(column), Some(text)) = (&raw.instance_name_column, &raw.settings.instance_name) {
        cells.push(expressions::ExprCell::new(
            Location::cell(settings::SHEET, raw.row, column),
            text,
            expressions::CellKind::Expression,
        ));
    }
    expressions::check(&cells, &survey.names, &mut diag);
    choice_columns::check(&cells, &langs, &mut diag);
    last_saved::check(&cells, &survey.names, &mut diag);

    let id = raw.form_id.clone().unwrap_or_else(|| id_from(fallback_id));
    let version = raw.version.clone().unwrap_or_else(|| {
        diag.warn(
            Location::sheet(settings::SHEET),
            format!("no `version`; using `{DEFAULT_VERSION}`"),
        );
        DEFAULT_VERSION.to_owned()
    });
    let mut title = raw.title(&langs);
    if title.is_empty() {
        title.0.insert(langs.default.clone(), id.clone());
    }
    let diag = diag.finish(cells.iter().map(|c| (&c.location, c.text.as_str())));
    if !diag.errors.is_empty() {
        return Err(diag);
    }
    let filters = survey
        .filters
        .into_iter()
        .map(|f| FilterAt {
            path: if raw.flat { f.flat_path } else { f.path },
            location: f.location,
        })
        .collect();
    let imported = Imported {
        form: Form {
            format: FORMAT_VERSION,
            id,
            version,
            title,
            languages: langs.list,
            default_language: langs.default,
            settings: raw.settings,
            choices: lists.lists,
            external_choices: external.lists,
            external_instances: survey.external_instances,
            items: if raw.flat {
                flat::flatten(survey.items)
            } else {
                survey.items
            },
        },
        warnings: diag.warnings,
    };
    Ok((imported, filters))
}

/// Every language named in a translatable column header, in order of
/// appearance, and the default one.
fn languages(tables: &[&Table<'_>], setting: Option<&str>) -> Languages {
    let mut langs = Languages::default();
    let mut unsuffixed_text = false;
    for table in tables {
        for c in &table.columns {
            if !TRANSLATABLE.contains(&c.key.as_str()) || is_media(&c.key) {
                continue;
            }
            match &c.lang {
                Some(lang) => {
                    langs.code_for(lang);
                }
                // A plain `form_title` is not translated text (pyxform keeps
                // it out of the languages too).
                None if c.key != "form_title" => unsuffixed_text |= table.has_content(c),
                None => {}
            }
        }
    }
    langs.settle(setting, unsuffixed_text);
    langs
}

#[cfg(test)]
mod tests;
