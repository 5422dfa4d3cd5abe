//! Field names, checked as pyxform (v4.5) checks them: valid XML names,
//! unique among siblings (the direct children of the nearest group or
//! repeat, or of the survey), a repeat's name unique in the whole form. A
//! name may be reused in another group: it is kept as written, since
//! submissions and exports carry it, and the field is identified by its
//! path (`household/name`). `${name}` must then be unique in the form.

use std::collections::HashMap;

use fieldform_engine::expr::is_valid_field_name;

use crate::columns::Table;
use crate::errors::{Diagnostics, Location};
use crate::types::{RowType, parse_type};

/// pyxform reserves `meta` on the survey sheet (its metadata group).
const RESERVED: &str = "meta";

/// Names seen so far.
#[derive(Default)]
pub(super) struct Names {
    /// Every name → the rows using it, in order; a name on several rows
    /// cannot be referenced as `${name}`.
    pub rows: HashMap<String, Vec<usize>>,
    /// (row of the enclosing begin, 0 at the top; name) → row.
    siblings: HashMap<(usize, String), usize>,
    /// The same, lower-cased: pyxform warns about names differing only in
    /// case (NAMES_002), since some analysis tools ignore case.
    siblings_lower: HashMap<(usize, String), usize>,
    /// Repeat name → row.
    repeats: HashMap<String, usize>,
}

/// The name pyxform gives a note without one (`xls2json.py`): its row.
pub(super) fn note_name(row: usize) -> String {
    format!("generated_note_name_{row}")
}

/// Checks the (non-empty) name on row `row` inside the block that begins on
/// `parent_row` (0: the top level); returns it unchanged.
pub(super) fn check_name(
    names: &mut Names,
    written: &str,
    row: usize,
    parent_row: usize,
    is_repeat: bool,
    loc: Location,
    diag: &mut Diagnostics,
) -> String {
    names.rows.entry(written.to_owned()).or_default().push(row);
    if !is_valid_field_name(written) {
        diag.error(
            loc,
            format!(
                "`{written}` is not a valid name: start with a letter or `_`, \
                 then use letters, digits, `_`, `-` or `.`"
            ),
        );
        return written.to_owned();
    }
    if written == RESERVED {
        diag.error(
            loc,
            format!("the name `{RESERVED}` is reserved for the form's metadata"),
        );
        return written.to_owned();
    }
    if let Some(first) = names.siblings.insert((parent_row, written.to_owned()), row) {
        names
            .siblings
            .insert((parent_row, written.to_owned()), first);
        // Only among siblings: pyxform's NAMES_001.
        diag.error(
            loc,
            format!("duplicate name `{written}` (also on row {first})"),
        );
        return written.to_owned();
    }
    let lower = (parent_row, written.to_lowercase());
    match names.siblings_lower.get(&lower) {
        Some(&first) => diag.warn(
            loc.clone(),
            format!(
                "`{written}` differs only in case from the name on row {first}; some analysis tools ignore case"
            ),
        ),
        None => {
            names.siblings_lower.insert(lower, row);
        }
    }
    if is_repeat {
        if let Some(&first) = names.repeats.get(written) {
            diag.error(
                loc,
                format!(
                    "duplicate repeat name `{written}` (also on row {first}); a repeat's name must be unique in the form"
                ),
            );
        } else {
            names.repeats.insert(written.to_owned(), row);
        }
    }
    written.to_owned()
}

/// pyxform's NAMES_003: a repeat may not have the name of the form's root
/// element (`root`: the settings' `name`, `data` by default).
pub fn check_root_name(table: &Table<'_>, root: &str, diag: &mut Diagnostics) {
    let (Some(ty), Some(name)) = (table.column("type"), table.column("name")) else {
        return;
    };
    for row in table.rows {
        if row.cell(name.index) == root
            && parse_type(row.cell(ty.index)) == Ok(RowType::BeginRepeat)
        {
            diag.error(
                Location::cell(super::SHEET, row.number, &name.header),
                format!(
                    "a repeat may not be called `{root}`: that is the name of the form's root element (the settings' `name`, `data` by default)"
                ),
            );
        }
    }
}
