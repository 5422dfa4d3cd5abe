//! The `settings` sheet: one header row and one row of values.

use fieldform_engine::model::{Settings, Text};

use crate::columns::{Column, Table};
use crate::errors::{Diagnostics, Location};
use crate::expressions::{CellKind, ExprCell};
use crate::languages::Languages;
use crate::reference_syntax::{check_cell, first_malformed};

pub const SHEET: &str = "settings";

/// The settings row, still as text; the title needs the languages first.
#[derive(Debug, Default)]
pub struct RawSettings {
    pub row: usize,
    pub form_id: Option<String>,
    pub version: Option<String>,
    pub default_language: Option<String>,
    pub allow_choice_duplicates: bool,
    /// pyxform's `flat`: groups left out of the data (see `flat.rs`).
    pub flat: bool,
    pub settings: Settings,
    /// (language spec, title): `None` for the plain `form_title` column.
    pub titles: Vec<(Option<String>, String)>,
    /// The `instance_name` column's header as written, for messages; none
    /// if its references are malformed (refused already).
    pub instance_name_column: Option<String>,
    /// The cells besides `instance_name` that show fields (`${name}`), to
    /// check once the survey's names are known.
    pub reference_cells: Vec<ExprCell>,
}

/// Settings columns pyxform knows that change nothing for Fieldform.
const IGNORED: &[&str] = &[
    "name",
    "namespaces",
    "auto_send",
    "auto_delete",
    "clean_text_values",
    "omit_instanceid",
    "client_editable",
    "xml:lang",
    "add_none_option",
];

pub fn read(table: &Table<'_>, diag: &mut Diagnostics) -> RawSettings {
    let mut out = RawSettings::default();
    // pyxform refuses a header written twice on every sheet it reads.
    table.check_duplicates(SHEET, diag);
    check_references(table, &mut out.reference_cells, diag);
    let Some(row) = table.rows.first() else {
        return out;
    };
    out.row = row.number;
    if let Some(extra) = table.rows.get(1) {
        diag.warn(
            Location::row(SHEET, extra.number),
            "only the first row of settings is read; this row is ignored",
        );
    }
    for c in &table.columns {
        let value = row.cell(c.index);
        if value.is_empty() {
            continue;
        }
        let some = Some(value.to_owned());
        match c.key.as_str() {
            "form_title" => out.titles.push((c.lang.clone(), value.to_owned())),
            _ if c.lang.is_some() => diag.warn(
                Location::cell(SHEET, row.number, &c.header),
                "unknown translated setting; ignored",
            ),
            "form_id" => out.form_id = some,
            "version" => out.version = some,
            "default_language" => out.default_language = some,
            "instance_name" => {
                out.settings.instance_name = some;
                // Not parsed as an expression if refused for a malformed
                // reference already.
                if first_malformed(value).is_none() {
                    out.instance_name_column = Some(c.header.clone());
                }
            }
            "public_key" => out.settings.public_key = some,
            "submission_url" => out.settings.submission_url = some,
            "style" => out.settings.style = some,
            // pyxform's yes/no words; anything else leaves duplicates refused.
            "allow_choice_duplicates" => match value.to_lowercase().as_str() {
                "yes" | "true" | "true()" => out.allow_choice_duplicates = true,
                "no" | "false" | "false()" => {}
                _ => diag.warn(
                    Location::cell(SHEET, row.number, &c.header),
                    format!(
                        "`allow_choice_duplicates` is `{value}`; expected `yes` or `no`, so duplicate choice names stay refused"
                    ),
                ),
            },
            "flat" => match value.to_lowercase().as_str() {
                "yes" | "true" | "true()" => {
                    out.flat = true;
                    diag.warn(
                        Location::cell(SHEET, row.number, &c.header),
                        "`flat`: every group's questions are placed in the group's parent, with the group's relevance, as pyxform does; groups are not shown as pages",
                    );
                }
                "no" | "false" | "false()" => {}
                _ => diag.warn(
                    Location::cell(SHEET, row.number, &c.header),
                    format!("`flat` is `{value}`; expected `yes` or `no`, so groups stay"),
                ),
            },
            key if IGNORED.contains(&key) => diag.warn(
                Location::cell(SHEET, row.number, &c.header),
                format!("setting `{key}` does not apply to Fieldform; ignored"),
            ),
            key => diag.warn(
                Location::cell(SHEET, row.number, &c.header),
                format!("unknown setting `{key}`; ignored"),
            ),
        }
    }
    out
}

/// pyxform 4.5.0 checks the `${name}` in every column of every row of the
/// settings sheet, those it ignores included: a malformed one is refused
/// (PYREF_001), and so is a name that no field or several fields have. The
/// malformed ones are refused here, at the cell; the others are kept in
/// `cells` for the name check. `instance_name` on the row read is an
/// expression, checked as one (`lib.rs`).
fn check_references(table: &Table<'_>, cells: &mut Vec<ExprCell>, diag: &mut Diagnostics) {
    for (i, row) in table.rows.iter().enumerate() {
        for c in &table.columns {
            let text = row.cell(c.index);
            if !text.contains("${") {
                continue;
            }
            let location = Location::cell(SHEET, row.number, &c.header);
            if check_cell(&location, text, diag) && !(i == 0 && is_instance_name(c)) {
                cells.push(ExprCell::new(location, text, CellKind::Unfilled));
            }
        }
    }
}

fn is_instance_name(c: &Column) -> bool {
    c.key == "instance_name" && c.lang.is_none()
}

impl RawSettings {
    /// The title in every language it is given in; the plain `form_title`
    /// is in the default language.
    pub fn title(&self, langs: &Languages) -> Text {
        let mut title = Text::default();
        // Suffixed titles first: they are more specific than the plain one.
        for (lang, text) in self.titles.iter().filter(|(l, _)| l.is_some()) {
            title.0.insert(langs.of(lang.as_deref()), text.clone());
        }
        for (_, text) in self.titles.iter().filter(|(l, _)| l.is_none()) {
            title
                .0
                .entry(langs.default.clone())
                .or_insert_with(|| text.clone());
        }
        title
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::{Sheet, test_row as row};

    #[test]
    fn references_are_checked_in_every_column_of_every_row() {
        let sheet = Sheet {
            name: SHEET.into(),
            rows: vec![
                row(1, &["form_title", "instance_name", "notes"]),
                row(2, &["T ${hea", "concat(${head})", "${head} ${}"]),
                row(3, &["", "${ head }", "${head}"]),
            ],
        };
        let mut diag = Diagnostics::default();
        let raw = read(&Table::new(&sheet), &mut diag);
        let errors: Vec<String> = diag
            .errors
            .iter()
            .map(|e| e.to_string().lines().next().unwrap_or("").to_owned())
            .collect();
        assert_eq!(
            errors,
            vec![
                "settings row 2, column form_title: `${hea` is not closed; a reference is `${`, a field name, then `}`",
                "settings row 3, column instance_name: `${ head }` is not a reference: ` head ` is not a field name; a reference is `${`, a field name, then `}`",
            ]
        );
        // The well-formed ones are kept for the name check, but the
        // instance_name read, which is parsed as an expression.
        let kept: Vec<String> = raw
            .reference_cells
            .iter()
            .map(|c| c.location.to_string())
            .collect();
        assert_eq!(
            kept,
            vec![
                "settings row 2, column notes: ",
                "settings row 3, column notes: "
            ]
        );
        assert_eq!(raw.instance_name_column.as_deref(), Some("instance_name"));
    }
}
