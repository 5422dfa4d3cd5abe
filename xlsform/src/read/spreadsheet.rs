//! xlsx, xls (BIFF8), xlsb and ods through calamine.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::ReadError;
use crate::workbook::{Sheet, Workbook, format_number};

pub fn read(bytes: &[u8]) -> Result<Workbook, ReadError> {
    // Detection by content, not by extension: `.xlsx` files that are really
    // BIFF8 exist in the wild (see the shared corpus).
    let mut sheets = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
    let mut book = Workbook::default();
    for name in sheets.sheet_names() {
        let range = sheets
            .worksheet_range(&name)
            .map_err(|e| ReadError::Spreadsheet(format!("sheet `{name}`: {e}")))?;
        let mut sheet = Sheet {
            name: name.clone(),
            rows: Vec::new(),
        };
        // A range starts at its first used cell, not necessarily at A1.
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate() {
            let mut cells = vec![String::new(); first_col as usize];
            cells.extend(row.iter().map(cell_text));
            sheet.push(first_row as usize + i + 1, cells);
        }
        book.sheets.push(sheet);
    }
    Ok(book)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
    }
}

/// A cell formatted as a date (a `version` or a `default` typed as a date)
/// holds a serial day number; the designer meant the ISO date.
fn excel_date(serial: f64) -> String {
    use fieldform_engine::expr::date::{civil_from_days, days_from_civil};
    // Excel's day 0 is 1899-12-30 (counting its fictitious 1900-02-29).
    let days = serial.floor();
    #[allow(clippy::cast_possible_truncation)]
    let (y, m, d) = civil_from_days(days as i64 + days_from_civil(1899, 12, 30));
    let seconds = ((serial - days) * 86_400.0).round() as i64;
    if seconds == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        let (h, min, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serial_dates() {
        assert_eq!(excel_date(45427.0), "2024-05-15");
        assert_eq!(excel_date(45427.5), "2024-05-15T12:00:00");
    }

    #[test]
    fn garbage_is_a_read_error() {
        let err = read(b"not a spreadsheet").expect_err("garbage");
        assert!(
            err.to_string().starts_with("cannot read the spreadsheet"),
            "{err}"
        );
    }
}
