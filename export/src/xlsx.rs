//! XLSX: one sheet per table, then `codebook` and `choices`. Each data
//! sheet is in rust_xlsxwriter's constant-memory mode (one row in memory,
//! the rest in a temp file per sheet), so sheets fill in step as records
//! come. The workbook itself is assembled at the end (the format needs
//! every sheet's size), into a temp file, then copied to `out`.

use std::collections::HashSet;
use std::io::{Seek, SeekFrom, Write};

use fieldform_engine::compile::CompiledForm;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::codebook::Codebook;
use crate::layout::Layout;
use crate::options::Options;
use crate::record::Record;
use crate::rows::{Cell, for_each_row};
use crate::{ExportError, RecordSink};

/// Excel's limits.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
const MAX_SHEET_NAME: usize = 31;

/// See the module docs.
pub struct XlsxExport {
    layout: Layout,
    options: Options,
    codebook: Codebook,
    workbook: Workbook,
    sheet_names: Vec<String>,
    /// The next row of each data sheet.
    next_row: Vec<u32>,
    /// Per table, which columns hold numbers.
    numeric: Vec<Vec<bool>>,
    used_names: HashSet<String>,
}

/// A sheet name Excel accepts (31 characters, unique ignoring case).
fn sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("~{n}")
        };
        let keep = MAX_SHEET_NAME - suffix.chars().count();
        let name: String = clean.chars().take(keep).chain(suffix.chars()).collect();
        if used.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

impl XlsxExport {
    pub fn new(form: &CompiledForm, options: Options) -> Result<Self, ExportError> {
        let layout = Layout::new(form, &options)?;
        let codebook = Codebook::new(form, &layout);
        let mut workbook = Workbook::new();
        let mut used_names = HashSet::new();
        let mut sheet_names = Vec::new();
        let bold = Format::new().set_bold();
        for table in &layout.tables {
            // The main sheet is the form, a repeat's sheet the repeat.
            let wanted = match table.repeat {
                None => form.form.id.as_str(),
                Some(r) => form.field(r).name.as_str(),
            };
            let name = sheet_name(wanted, &mut used_names);
            if table.columns.len() > MAX_COLUMNS {
                return Err(ExportError::TooManyColumns {
                    sheet: name,
                    columns: table.columns.len(),
                });
            }
            let sheet = workbook.add_worksheet_with_constant_memory();
            let at = |e| xlsx_error(&name, 1, e);
            sheet.set_name(&name).map_err(at)?;
            for (i, column) in table.columns.iter().enumerate() {
                sheet
                    .write_string_with_format(0, i as u16, &column.name, &bold)
                    .map_err(at)?;
            }
            sheet.set_freeze_panes(1, 0).map_err(at)?;
            sheet_names.push(name);
        }
        let next_row = vec![1; layout.tables.len()];
        let numeric = layout
            .tables
            .iter()
            .map(|t| t.columns.iter().map(|c| c.is_numeric()).collect())
            .collect();
        Ok(Self {
            numeric,
            layout,
            options,
            codebook,
            workbook,
            sheet_names,
            next_row,
            used_names,
        })
    }

    /// Adds the codebook sheets, assembles the workbook and copies it to
    /// `out`; returns `out`.
    pub fn finish<W: Write>(mut self, mut out: W) -> Result<W, ExportError> {
        let bold = Format::new().set_bold();
        for (wanted, rows) in [
            ("codebook", &self.codebook.columns),
            ("choices", &self.codebook.choices),
        ] {
            let name = sheet_name(wanted, &mut self.used_names);
            let sheet = self.workbook.add_worksheet_with_constant_memory();
            sheet.set_name(&name).map_err(|e| xlsx_error(&name, 1, e))?;
            for (r, row) in rows.iter().enumerate() {
                for (c, text) in row.iter().enumerate() {
                    let result = if r == 0 {
                        sheet.write_string_with_format(0, c as u16, text, &bold)
                    } else {
                        sheet.write_string(r as u32, c as u16, text)
                    };
                    result.map_err(|e| xlsx_error(&name, r as u32 + 1, e))?;
                }
            }
        }
        let mut file = tempfile::tempfile()?;
        self.workbook
            .save_to_writer(&mut file)
            .map_err(ExportError::XlsxSave)?;
        file.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut file, &mut out)?;
        out.flush()?;
        Ok(out)
    }
}

fn xlsx_error(sheet: &str, row: u32, source: XlsxError) -> ExportError {
    ExportError::Xlsx {
        sheet: sheet.to_owned(),
        row,
        source,
    }
}

fn write_row(
    sheet: &mut Worksheet,
    name: &str,
    row: u32,
    numeric: &[bool],
    cells: &[Cell<'_>],
) -> Result<(), ExportError> {
    for (c, (cell, &is_number)) in cells.iter().zip(numeric).enumerate() {
        if cell.is_empty() {
            continue;
        }
        let col = c as u16;
        let number = is_number
            .then(|| cell.parse::<f64>().ok().filter(|n| n.is_finite()))
            .flatten();
        let result = match number {
            Some(n) => sheet.write_number(row, col, n),
            None => sheet.write_string(row, col, cell.as_ref()),
        };
        result.map_err(|e| xlsx_error(name, row + 1, e))?;
    }
    Ok(())
}

impl RecordSink for XlsxExport {
    fn write(&mut self, record: &Record) -> Result<bool, ExportError> {
        if !self.options.accepts(record) {
            return Ok(false);
        }
        let Self {
            layout,
            workbook,
            sheet_names,
            next_row,
            numeric,
            ..
        } = self;
        for_each_row(layout, record, &mut |table, cells| {
            let row = next_row[table];
            let name = &sheet_names[table];
            if row >= MAX_ROWS {
                return Err(ExportError::TooManyRows {
                    sheet: name.clone(),
                });
            }
            let sheet = workbook
                .worksheet_from_index(table)
                .map_err(|e| xlsx_error(name, row + 1, e))?;
            write_row(sheet, name, row, &numeric[table], cells)?;
            next_row[table] = row + 1;
            Ok(())
        })?;
        Ok(true)
    }
}
