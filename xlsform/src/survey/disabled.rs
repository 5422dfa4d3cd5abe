//! The `disabled` column, read as pyxform 4.5.0 reads it (`workbook_to_json`):
//! a survey row whose `disabled` cell is a yes of pyxform's (`yes`, `Yes`,
//! `YES`, `true`, `True`, `TRUE`, `true()`) is skipped before anything else
//! looks at it, as if it were not there. Only a header written `disabled`
//! counts (pyxform matches it as written); the column is not in the XLSForm
//! spec, so it is warned about. pyxform still checks the `${name}`s of a
//! skipped row (every column but `type`, `name` and `trigger`, as on every
//! row) against the names of the rows it kept: so does Fieldform.

use std::borrow::Cow;

use super::{ALIASES, SHEET};
use crate::columns::Table;
use crate::errors::{Diagnostics, Location};
use crate::expressions::{CellKind, ExprCell};
use crate::reference_syntax::first_malformed;
use crate::workbook::Sheet;

/// The header pyxform looks for, as written.
pub const HEADER: &str = "disabled";

/// pyxform's `aliases.yes_no` values that are true.
fn is_yes(cell: &str) -> bool {
    matches!(
        cell,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "true()"
    )
}

/// The survey sheet split: the rows read, and the disabled ones (each with
/// the header row first; row numbers kept).
pub struct Split<'a> {
    pub kept: Cow<'a, Sheet>,
    pub skipped: Sheet,
}

pub fn split_disabled<'a>(sheet: &'a Sheet, diag: &mut Diagnostics) -> Split<'a> {
    let table = Table::new(sheet);
    let unsplit = |sheet| Split {
        kept: Cow::Borrowed(sheet),
        skipped: Sheet::default(),
    };
    let Some(column) = table.columns.iter().find(|c| c.header == HEADER) else {
        return unsplit(sheet);
    };
    if !table.has_content(column) {
        return unsplit(sheet);
    }
    let index = column.index;
    let skipped = table.rows.iter().filter(|r| is_yes(r.cell(index))).count();
    diag.warn(
        Location::column(SHEET, HEADER),
        format!(
            "`disabled` is not part of the XLSForm spec (use `relevant`); \
             {skipped} row(s) marked yes skipped, as pyxform does"
        ),
    );
    if skipped == 0 {
        return unsplit(sheet);
    }
    let (mut kept, mut out) = (sheet.clone(), sheet.clone());
    // The header row stays in both.
    let mut first = true;
    kept.rows
        .retain(|r| std::mem::take(&mut first) || !is_yes(r.cell(index)));
    let mut first = true;
    out.rows
        .retain(|r| std::mem::take(&mut first) || is_yes(r.cell(index)));
    Split {
        kept: Cow::Owned(kept),
        skipped: out,
    }
}

/// Checks the references of the disabled rows as pyxform does: malformed
/// ones here; the cells returned are checked with the survey's, against
/// the names of the rows kept.
pub fn check_skipped(skipped: &Sheet, diag: &mut Diagnostics) -> Vec<ExprCell> {
    let mut table = Table::new(skipped);
    // Header problems were reported on the rows kept, which share the header.
    table.dealias(SHEET, ALIASES, &mut Diagnostics::default());
    super::malformed::check(&table, diag);
    let mut cells = Vec::new();
    for row in table.rows {
        for c in &table.columns {
            let text = row.cell(c.index);
            if matches!(c.key.as_str(), "type" | "name" | "trigger")
                || !text.contains("${")
                || first_malformed(text).is_some()
            {
                continue;
            }
            cells.push(ExprCell::new(
                Location::cell(SHEET, row.number, &c.header),
                text,
                CellKind::Unfilled,
            ));
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::Row;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: SHEET.into(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: i + 1,
                    cells: cells.iter().map(|c| (*c).to_owned()).collect(),
                })
                .collect(),
        }
    }

    fn kept(s: &Sheet) -> Vec<usize> {
        let mut diag = Diagnostics::default();
        split_disabled(s, &mut diag)
            .kept
            .rows
            .iter()
            .map(|r| r.number)
            .collect()
    }

    #[test]
    fn skips_the_rows_pyxform_skips_and_keeps_row_numbers() {
        let mut rows: Vec<&[&str]> = vec![&["type", "name", "disabled"]];
        let values = [
            "yes", "Yes", "YES", "true", "True", "TRUE", "true()", "y", "1", "no", "yEs", "TRUE()",
            "",
        ];
        let cells: Vec<[&str; 3]> = values.iter().map(|v| ["text", "a", *v]).collect();
        rows.extend(cells.iter().map(|c| &c[..]));
        // Rows 2 to 8 hold pyxform's yes.
        assert_eq!(kept(&sheet(&rows)), vec![1, 9, 10, 11, 12, 13, 14]);
    }

    #[test]
    fn only_a_header_written_disabled_counts() {
        let s = sheet(&[&["type", "Disabled"], &["text", "yes"]]);
        assert_eq!(kept(&s), vec![1, 2]);
    }
}
