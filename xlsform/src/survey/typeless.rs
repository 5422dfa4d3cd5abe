//! Survey rows without a type. pyxform 4.5.0 refuses one that has a name or
//! a label in any language ("Question with no type") and skips any other
//! (a hint, a relevance, a designer's notes). Checked on the rows as
//! written, so a row in a loop is refused once, with its label unfilled.

use super::SHEET;
use crate::columns::{Column, Table};
use crate::errors::{Diagnostics, Location};

pub(super) fn check(
    table: &Table<'_>,
    type_col: &Column,
    name_col: Option<&Column>,
    diag: &mut Diagnostics,
) {
    for row in table
        .rows
        .iter()
        .filter(|r| r.cell(type_col.index).is_empty())
    {
        let location = Location::cell(SHEET, row.number, &type_col.header);
        let name = name_col.map_or("", |c| row.cell(c.index));
        if !name.is_empty() {
            diag.error(location, format!("`{name}` has no type"));
        } else if let Some((column, label)) = table
            .translations("label")
            .map(|c| (c, row.cell(c.index)))
            .find(|(_, text)| !text.is_empty())
        {
            diag.error(
                location,
                format!(
                    "a question with no type: column {} has `{label}`; give the row a type and a name, or clear its label",
                    column.header
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::{Sheet, test_row as row};

    #[test]
    fn a_name_or_a_label_in_any_language_needs_a_type() {
        let sheet = Sheet {
            name: SHEET.into(),
            rows: vec![
                row(
                    1,
                    &["Type", "name", "hint", "caption::French (fr)", "notes"],
                ),
                row(2, &["text", "q", "", "Q"]),
                row(3, &["", "", "a hint", "", "a note"]),
                row(4, &["", "", "", "Bonjour"]),
                row(5, &["", "x", "", "X"]),
                row(6, &[]),
            ],
        };
        let table = Table::new(&sheet);
        let (Some(type_col), name_col) = (table.column("type"), table.column("name")) else {
            panic!("no type column");
        };
        let mut diag = Diagnostics::default();
        check(&table, type_col, name_col, &mut diag);
        let errors: Vec<String> = diag.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            vec![
                "survey row 4, column Type: a question with no type: column caption::French (fr) has `Bonjour`; give the row a type and a name, or clear its label",
                "survey row 5, column Type: `x` has no type",
            ]
        );
    }
}
