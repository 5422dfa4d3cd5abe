//! Readers: one module per file format, each producing a [`Workbook`].

mod container;
mod csv;
pub mod limits;
mod markdown;
mod ods_scan;
mod spreadsheet;
mod xls_dimensions;
mod xls_layout;
mod xls_scan;
mod xls_sectors;

use crate::workbook::Workbook;

/// Why a file could not be read at all (before any XLSForm checks).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the spreadsheet: {0}")]
    Spreadsheet(String),
    #[error("the spreadsheet is damaged: the reader failed on it ({0})")]
    Damaged(String),
    #[error("cannot read the CSV file: {0}")]
    Csv(String),
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error("the file has {size} bytes; an XLSForm may have at most {limit} bytes")]
    FileTooLarge { size: String, limit: String },
    #[error("the workbook is a zip of {entries} files; a workbook may hold at most {limit}")]
    TooManyEntries { entries: String, limit: String },
    #[error(
        "the workbook inflates to more than {limit} bytes (the limit); \
         an XLSForm is far smaller, so the file is damaged or not a form"
    )]
    Inflates { limit: String },
    #[error(
        "sheet `{sheet}`: the used range {range} is too large ({rows} rows × {columns} \
         columns counted from column A); a sheet may have at most {} cells and {} columns",
        limits::thousands(limits::MAX_SHEET_CELLS),
        limits::thousands(limits::MAX_COLUMNS)
    )]
    SheetTooLarge {
        sheet: String,
        range: String,
        rows: String,
        columns: String,
    },
    #[error(
        "sheet `{sheet}`: the sheets up to this one use more than {} cells together (the limit)",
        limits::thousands(limits::MAX_WORKBOOK_CELLS)
    )]
    WorkbookTooLarge { sheet: String },
}

impl ReadError {
    fn file_too_large(size: u64) -> Self {
        ReadError::FileTooLarge {
            size: limits::thousands(size),
            limit: limits::thousands(limits::MAX_FILE_BYTES),
        }
    }
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

/// Reads `bytes` in `format` into a workbook, refusing files past the
/// [`limits`] before allocating for them.
pub fn read(format: Format, bytes: &[u8]) -> Result<Workbook, ReadError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limits::MAX_FILE_BYTES {
        return Err(ReadError::file_too_large(size));
    }
    match format {
        Format::Spreadsheet => spreadsheet::read(bytes),
        Format::Csv => csv::read(bytes),
        Format::Markdown => {
            let text = std::str::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)?;
            Ok(markdown::read(text))
        }
    }
}

/// Reads at most [`limits::MAX_FILE_BYTES`] of the file at `path`: a larger
/// file is refused without reading it all.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(limits::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limits::MAX_FILE_BYTES {
        let actual = std::fs::metadata(path).map_or(size, |m| m.len());
        return Err(ReadError::file_too_large(actual).to_string());
    }
    Ok(bytes)
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
