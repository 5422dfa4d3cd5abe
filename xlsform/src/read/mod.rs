//! Readers: one module per file format, each producing a [`Workbook`].

mod csv;
mod markdown;
mod spreadsheet;

use crate::workbook::Workbook;

/// Why a file could not be read at all (before any XLSForm checks).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the spreadsheet: {0}")]
    Spreadsheet(String),
    #[error("cannot read the CSV file: {0}")]
    Csv(String),
    #[error("the file is not UTF-8 text")]
    NotUtf8,
}

/// The formats an XLSForm can come in, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// xlsx, xlsm, xlsb, xls, ods: calamine detects which from the content,
    /// which matters because some `.xlsx` files in the wild are really BIFF8.
    Spreadsheet,
    /// pyxform's CSV variant: one file, sections started by a sheet name in column A.
    Csv,
    /// pyxform's markdown-table variant (used in its tests and docs).
    Markdown,
}

impl Format {
    /// The format for a file name, or `None` for an extension we do not read.
    pub fn from_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Some(Format::Spreadsheet),
            "csv" => Some(Format::Csv),
            "md" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// Reads `bytes` in `format` into a workbook.
pub fn read(format: Format, bytes: &[u8]) -> Result<Workbook, ReadError> {
    match format {
        Format::Spreadsheet => spreadsheet::read(bytes),
        Format::Csv => csv::read(bytes),
        Format::Markdown => {
            let text = std::str::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)?;
            Ok(markdown::read(text))
        }
    }
}

/// Sections of the single-file variants (CSV, markdown): a row whose first
/// cell is non-empty starts the sheet it names; other rows belong to the
/// current sheet without their first cell (pyxform's rule).
fn sectioned(rows: impl IntoIterator<Item = (usize, Vec<String>)>) -> Workbook {
    let mut book = Workbook::default();
    for (number, mut cells) in rows {
        let first = cells
            .first()
            .map(|c| c.trim().to_owned())
            .unwrap_or_default();
        if !first.is_empty() {
            book.sheets.push(crate::workbook::Sheet {
                name: first,
                rows: Vec::new(),
            });
        }
        if cells.is_empty() {
            continue;
        }
        cells.remove(0);
        // Rows before the first section have no sheet: pyxform ignores them too.
        if let Some(sheet) = book.sheets.last_mut() {
            sheet.push(number, cells);
        }
    }
    book
}
