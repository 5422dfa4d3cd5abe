//! Badly written references (`${hea`, `${ head }`) anywhere on the survey
//! sheet. pyxform 4.5.0 checks every column but `type`, `name` and
//! `trigger` (those have rules of their own: `trigger.rs`) of every row of
//! the sheet as written: the columns Fieldform reads, media, unknown ones
//! (a designer's notes) and rows it skips. So does Fieldform (a loop's rows once, before they are
//! repeated); the cells refused here are not parsed again (`cells`).

use super::SHEET;
use crate::columns::Table;
use crate::errors::{Diagnostics, Location};
use crate::reference_syntax::check_cell;

pub(super) fn check(table: &Table<'_>, diag: &mut Diagnostics) {
    let columns: Vec<_> = table
        .columns
        .iter()
        // pyxform reads `trigger` part by part (`trigger.rs`).
        .filter(|c| !matches!(c.key.as_str(), "type" | "name" | "trigger"))
        .collect();
    for row in table.rows {
        for c in &columns {
            let text = row.cell(c.index);
            if text.contains("${") {
                check_cell(&Location::cell(SHEET, row.number, &c.header), text, diag);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::{Sheet, test_row as row};

    #[test]
    fn every_column_but_type_and_name_is_checked_on_every_row() {
        let sheet = Sheet {
            name: SHEET.into(),
            rows: vec![
                row(1, &["Type", "name", "label::English (en)", "notes"]),
                // `type` and `name` have rules of their own.
                row(2, &["${hea", "${a b}", "Fine ${head}", "${}"]),
                // A row without a type is checked all the same.
                row(3, &["", "", "", "see ${ head }"]),
                row(4, &["text", "q", "Q ${hea", ""]),
            ],
        };
        let mut diag = Diagnostics::default();
        check(&Table::new(&sheet), &mut diag);
        let errors: Vec<(String, Option<usize>)> = diag
            .errors
            .iter()
            .map(|e| {
                (
                    e.to_string().lines().next().unwrap_or("").to_owned(),
                    e.position,
                )
            })
            .collect();
        assert_eq!(
            errors,
            vec![
                (
                    "survey row 3, column notes: `${ head }` is not a reference: ` head ` is not a field name; a reference is `${`, a field name, then `}`".to_owned(),
                    Some(4)
                ),
                (
                    "survey row 4, column label::English (en): `${hea` is not closed; a reference is `${`, a field name, then `}`".to_owned(),
                    Some(2)
                ),
            ]
        );
    }
}
