//! The `choices` sheet: lists of options, their labels per language, and
//! extra columns kept as properties (for `choice_filter`).

use std::collections::{BTreeMap, HashMap};

use fieldform_engine::expr::lex::{is_valid_field_name, last_saved_name};
use fieldform_engine::model::{Choice, Text, insertions};

use crate::columns::{Table, is_media};
use crate::errors::{Diagnostics, Location};
use crate::expressions::{CellKind, ExprCell};
use crate::languages::Languages;
use crate::reference_syntax;
use crate::workbook::Row;

pub const SHEET: &str = "choices";

/// Choice lists with the row each list first appears on.
#[derive(Debug, Default)]
pub struct ChoiceLists {
    pub lists: BTreeMap<String, Vec<Choice>>,
    /// The label cells (of every row, a skipped one included) and media
    /// cells (of the rows kept) that show fields (`${name}`), to check with
    /// the survey's (pyxform checks them on the choices sheet, not on
    /// `external_choices`, which it copies as data).
    pub label_cells: Vec<ExprCell>,
}

/// Columns of the choices sheet that are not properties.
fn is_structural(key: &str) -> bool {
    matches!(key, "list_name" | "name" | "value" | "label") || is_media(key)
}

pub fn read(
    table: &Table<'_>,
    langs: &Languages,
    allow_duplicates: bool,
    diag: &mut Diagnostics,
) -> ChoiceLists {
    read_sheet(SHEET, table, langs, allow_duplicates, diag)
}

/// The `external_choices` sheet: the lists of `select_one_external`
/// questions, in the choices sheet's layout. pyxform copies it to
/// `itemsets.csv` unchecked, so duplicate names are allowed.
pub fn read_external(table: &Table<'_>, langs: &Languages, diag: &mut Diagnostics) -> ChoiceLists {
    read_sheet(EXTERNAL_SHEET, table, langs, true, diag)
}

pub const EXTERNAL_SHEET: &str = "external_choices";

/// pyxform's header aliases of the choices sheets (`aliases.list_header`;
/// `caption` is read as `label` on every sheet).
pub const ALIASES: &[(&str, &str)] = &[("value", "name")];

fn read_sheet(
    sheet: &str,
    table: &Table<'_>,
    langs: &Languages,
    allow_duplicates: bool,
    diag: &mut Diagnostics,
) -> ChoiceLists {
    let mut out = ChoiceLists::default();
    table.check_duplicates(sheet, diag);
    let list_col = table.column("list_name");
    let name_col = table.column("name");
    if !table.rows.is_empty() {
        if list_col.is_none() {
            diag.error(Location::sheet(sheet), "no `list_name` column");
        }
        if name_col.is_none() {
            diag.error(Location::sheet(sheet), "no `name` column");
        }
    }
    let (Some(list_col), Some(name_col)) = (list_col, name_col) else {
        return out;
    };
    for c in table.columns.iter().filter(|c| is_media(&c.key)) {
        if table.has_content(c) {
            diag.warn(
                Location::column(sheet, &c.header),
                "choice images and sounds are not supported yet; ignored",
            );
        }
    }
    let properties: Vec<_> = table
        .columns
        .iter()
        .filter(|c| !is_structural(&c.key) && c.lang.is_none())
        .collect();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for row in table.rows {
        if sheet == SHEET {
            // Before the row can be skipped: pyxform checks the references
            // of every row, a row it drops (no list name) included.
            push_label_cells(table, row, &mut out.label_cells, diag);
        }
        let list = row.cell(list_col.index);
        let name = row.cell(name_col.index);
        if list.is_empty() {
            // pyxform groups choices by list name and drops rows without one
            // (a designer's note, a stray label): skipped, but said.
            if row.cells.iter().any(|c| !c.is_empty()) {
                diag.warn(
                    Location::cell(sheet, row.number, &list_col.header),
                    "choice row without a list name; skipped",
                );
            }
            continue;
        }
        if name.is_empty() {
            diag.error(
                Location::cell(sheet, row.number, &name_col.header),
                format!("choice in list `{list}` has no name"),
            );
            continue;
        }
        if let Some(first) = seen.insert((list.to_owned(), name.to_owned()), row.number)
            && !allow_duplicates
        {
            diag.error(
                Location::cell(sheet, row.number, &name_col.header),
                format!(
                    "duplicate choice `{name}` in list `{list}` (also on row {first}): choice names must be unique in a list; if this is intentional (choices told apart by a choice_filter), set `allow_choice_duplicates` to `yes` on the settings sheet"
                ),
            );
        }
        if sheet == SHEET {
            push_media_cells(table, row, &mut out.label_cells);
        }
        let mut label = Text::default();
        for c in table.translations("label") {
            let text = row.cell(c.index);
            if !text.is_empty() {
                label
                    .0
                    .entry(langs.of(c.lang.as_deref()))
                    .or_insert_with(|| text.to_owned());
            }
        }
        let properties = properties
            .iter()
            .filter(|c| !row.cell(c.index).is_empty())
            // Kept as written: choice_filter names them case-sensitively.
            .map(|c| (c.header.trim().to_owned(), row.cell(c.index).to_owned()))
            .collect();
        out.lists.entry(list.to_owned()).or_default().push(Choice {
            name: name.to_owned(),
            label,
            properties,
        });
    }
    out
}

/// The row's label cells (any language) that show fields (`${name}`), to
/// check once the survey's names are known; a cell with a malformed
/// reference is refused here instead (pyxform stops at that too).
fn push_label_cells(
    table: &Table<'_>,
    row: &Row,
    cells: &mut Vec<ExprCell>,
    diag: &mut Diagnostics,
) {
    for c in table.translations("label") {
        let text = row.cell(c.index);
        if !text.contains("${") {
            continue;
        }
        let location = Location::cell(SHEET, row.number, &c.header);
        if reference_syntax::check_cell(&location, text, diag) {
            cells.push(ExprCell::new(location, text, CellKind::Text));
        }
    }
}

/// The row's media cells (`image`, `audio`, ...) that show fields. Media are
/// ignored, but pyxform still fills `${name}` in those of the rows it keeps
/// and refuses a name that no field or several fields have (not on a row it
/// drops; a malformed or empty `${}` it leaves as text).
fn push_media_cells(table: &Table<'_>, row: &Row, cells: &mut Vec<ExprCell>) {
    for c in table.columns.iter().filter(|c| is_media(&c.key)) {
        let text = row.cell(c.index);
        if insertions(text).iter().any(|i| {
            let inner = &text[i.range.start + 2..i.range.end - 1];
            is_valid_field_name(last_saved_name(inner).unwrap_or(inner))
        }) {
            cells.push(ExprCell::new(
                Location::cell(SHEET, row.number, &c.header),
                text,
                CellKind::Text,
            ));
        }
    }
}
