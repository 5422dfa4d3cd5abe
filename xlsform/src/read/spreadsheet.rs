//! xlsx, xls (BIFF8), xlsb and ods through calamine, within [`limits`].
//!
//! xlsx and xlsb sheets are read cell by cell (calamine's cell readers) and
//! their grid is checked while the cells arrive, so calamine's
//! `Range::from_sparse`, which allocates first-to-last used row times
//! first-to-last used column however few cells there are, never runs for
//! them. ods content is checked by [`ods_scan`] before calamine expands its
//! repeated cells. A BIFF `.xls` is parsed whole by calamine when it opens,
//! so [`xls_scan`](super::xls_scan) walks its container and records first, and
//! [`xls_dimensions`] shrinks the grids its sheets declare to the cells they
//! hold.
//!
//! [`limits`]: super::limits

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto_from_rs};

use super::limits::{Grid, MAX_WORKBOOK_CELLS};
use super::{ReadError, container, ods_scan, xls_dimensions};
use crate::workbook::{Sheet, Workbook, format_number};

pub fn read(bytes: &[u8]) -> Result<Workbook, ReadError> {
    let prepared: Cow<'_, [u8]>;
    let bytes = match container::inspect(bytes)? {
        container::Container::Zip { ods: true } => {
            if let Some(content) = container::entry(bytes, "content.xml") {
                ods_scan::check(&content)?;
            }
            bytes
        }
        container::Container::Zip { ods: false } => bytes,
        container::Container::Other => {
            prepared = xls_dimensions::prepare(bytes)?;
            &prepared
        }
    };
    // calamine panics on some damaged files (found by fuzzing: broken
    // compound-file headers and sector chains, cell references past u32).
    // A damaged upload must be a clear refusal, not a 500 or a dead CLI.
    std::panic::catch_unwind(|| read_checked(bytes)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(ReadError::Damaged(detail))
    })
}

/// Reads a workbook whose container and records passed the checks above.
fn read_checked(bytes: &[u8]) -> Result<Workbook, ReadError> {
    // Detection by content, not by extension: `.xlsx` files that are really
    // BIFF8 exist in the wild (see the shared corpus).
    let mut sheets = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
    let mut book = Workbook::default();
    let mut total: u64 = 0;
    for name in sheets.sheet_names() {
        let cells = match &mut sheets {
            Sheets::Xlsx(xlsx) => match xlsx.worksheet_cells_reader(&name) {
                Ok(mut reader) => collect(&name, || reader.next_cell())?,
                // Chart sheets: calamine's own range is empty for them too.
                Err(calamine::XlsxError::NotAWorksheet(_)) => Cells::default(),
                Err(e) => return Err(sheet_error(&name, e)),
            },
            Sheets::Xlsb(xlsb) => {
                let mut reader = xlsb
                    .worksheet_cells_reader(&name)
                    .map_err(|e| sheet_error(&name, e))?;
                collect(&name, || reader.next_cell())?
            }
            Sheets::Xls(_) | Sheets::Ods(_) => {
                let range = sheets
                    .worksheet_range(&name)
                    .map_err(|e| sheet_error(&name, e))?;
                Cells::from_range(&range)
            }
        };
        if let Some(grid) = cells.grid {
            if !grid.fits() {
                return Err(grid.error(&name));
            }
            total = total.saturating_add(grid.cells());
            if total > MAX_WORKBOOK_CELLS {
                return Err(ReadError::WorkbookTooLarge { sheet: name });
            }
        }
        book.sheets.push(cells.into_sheet(name));
    }
    Ok(book)
}

fn sheet_error(name: &str, e: impl std::fmt::Display) -> ReadError {
    ReadError::Spreadsheet(format!("sheet `{name}`: {e}"))
}

/// A sheet's non-empty cells by (row, column), 0-based, and the grid they span.
#[derive(Default)]
struct Cells {
    values: BTreeMap<(u32, u32), Data>,
    grid: Option<Grid>,
}

impl Cells {
    fn add(&mut self, (row, col): (u32, u32)) {
        let (row, col) = (u64::from(row), u64::from(col));
        let grid = self.grid.get_or_insert(Grid {
            first_row: row,
            last_row: row,
            first_col: col,
            last_col: col,
        });
        grid.first_row = grid.first_row.min(row);
        grid.last_row = grid.last_row.max(row);
        grid.first_col = grid.first_col.min(col);
        grid.last_col = grid.last_col.max(col);
    }

    fn from_range(range: &calamine::Range<Data>) -> Self {
        let mut cells = Cells::default();
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        for (row, col, value) in range.used_cells() {
            #[allow(clippy::cast_possible_truncation)]
            let pos = (start_row + row as u32, start_col + col as u32);
            cells.add(pos);
            cells.values.insert(pos, value.clone());
        }
        cells
    }

    /// Rows as the designer sees them: every cell from column A to the last
    /// used column, as calamine's range laid them out.
    fn into_sheet(self, name: String) -> Sheet {
        let mut sheet = Sheet {
            name,
            rows: Vec::new(),
        };
        let Some(grid) = self.grid else {
            return sheet;
        };
        let width = usize::try_from(grid.last_col + 1).unwrap_or(0);
        let mut current: Option<(u32, Vec<String>)> = None;
        for ((row, col), value) in self.values {
            if current.as_ref().is_some_and(|(r, _)| *r != row)
                && let Some((r, cells)) = current.take()
            {
                sheet.push(r as usize + 1, cells);
            }
            let (_, cells) = current.get_or_insert_with(|| (row, vec![String::new(); width]));
            if let Some(cell) = cells.get_mut(col as usize) {
                *cell = cell_text(&value);
            }
        }
        if let Some((r, cells)) = current {
            sheet.push(r as usize + 1, cells);
        }
        sheet
    }
}

/// Reads a sheet's cells, checking the grid as they come: past the limits
/// nothing more is kept, but the reading goes on (it is bounded by the
/// inflated size) so that the error names the whole used range.
fn collect<'a, E: std::fmt::Display>(
    name: &str,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
) -> Result<Cells, ReadError> {
    let mut cells = Cells::default();
    let mut fits = true;
    while let Some(cell) = next().map_err(|e| sheet_error(name, e))? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let pos = cell.get_position();
        cells.add(pos);
        fits = fits && cells.grid.is_some_and(|g| g.fits());
        if fits {
            cells
                .values
                .insert(pos, Data::from(cell.get_value().clone()));
        } else {
            cells.values.clear();
        }
    }
    Ok(cells)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        // As Excel shows it, and as pyxform reads it (a `name` cell `FALSE`).
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
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

    use crate::bombs;

    /// Refused, with `expected` in the message, in well under the time a
    /// server would answer in.
    fn refused_fast(bytes: &[u8], expected: &str) {
        let started = std::time::Instant::now();
        let err = read(bytes).expect_err("refused");
        assert!(err.to_string().contains(expected), "{err}");
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn far_apart_cells_are_refused_with_their_range() {
        refused_fast(
            &bombs::xlsx_far_cells(),
            "sheet `survey`: the used range A1:XFD1048576 is too large (1,048,576 rows × \
             16,384 columns counted from column A); a sheet may have at most 2,000,000 cells \
             and 16,384 columns",
        );
    }

    #[test]
    fn a_column_past_xfd_is_refused() {
        refused_fast(
            &bombs::xlsx(r#"<row r="1"><c r="XFE1"><v>1</v></c></row>"#),
            "the used range XFE1:XFE1",
        );
    }

    #[test]
    fn a_sheet_within_the_limits_reads_as_before() {
        let book = read(&bombs::xlsx(
            r#"<row r="2"><c r="B2" t="inlineStr"><is><t> type </t></is></c><c r="D2"><v>3</v></c></row><row r="5"><c r="C5"><v>1.5</v></c></row>"#,
        ))
        .expect("reads");
        let survey = book.sheet("survey").expect("survey");
        let rows: Vec<_> = survey
            .rows
            .iter()
            .map(|r| (r.number, r.cells.clone()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (2, vec!["".into(), "type".into(), "".into(), "3".into()]),
                (5, vec!["".into(), "".into(), "1.5".into(), "".into()]),
            ]
        );
    }

    #[test]
    fn deflate_bombs_are_refused() {
        // Declares its 300 MiB honestly.
        refused_fast(
            &bombs::zip_bomb("xl/worksheets/sheet1.xml", 300 << 20, 300 << 20),
            "the workbook inflates to more than 67,108,864 bytes",
        );
        // Declares 1 KB.
        let lying = bombs::zip_bomb("xl/sharedStrings.xml", 1024, 300 << 20);
        assert!(lying.len() < 3 << 20, "{} bytes", lying.len());
        refused_fast(
            &lying,
            "the workbook inflates to more than 67,108,864 bytes",
        );
    }

    #[test]
    fn ods_repeats_are_refused_before_calamine_expands_them() {
        refused_fast(
            &bombs::ods_repeated(100_000_000, 1),
            "sheet `survey`: the used range A1:HJUNYV1 is too large (1 rows × 100,000,000",
        );
        refused_fast(
            &bombs::ods_repeated(1, 100_000_000),
            "the used range A1:A100000000 is too large (100,000,000 rows × 1 columns",
        );
        let book = read(&bombs::ods_repeated(3, 2)).expect("small repeats read");
        let survey = book.sheet("survey").expect("survey");
        assert_eq!(survey.rows.len(), 2);
        assert_eq!(survey.rows[1].cells, vec!["x", "x", "x"]);
    }

    #[test]
    fn xls_bombs_are_refused_before_calamine_opens_them() {
        refused_fast(
            &bombs::xls_far_cells(),
            "sheet `survey`: the used range A1:IV65536 is too large (65,536 rows × 256 columns",
        );
        // DIMENSIONS declaring 4 billion rows around one cell: calamine
        // gets a copy declaring that cell (see xls_dimensions), at once.
        let started = std::time::Instant::now();
        let book = read(&bombs::xls_dimensions()).expect("one cell reads");
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        assert_eq!(book.sheet("survey").map(|s| s.rows.len()), Some(1));
        refused_fast(
            &bombs::xls_chain_loop(),
            "the .xls file is damaged: a sector chain loops",
        );
        // A sheet said to start past the stream's end (calamine would panic).
        let mut past = bombs::xls(&[(bombs::XLS_NUMBER, bombs::xls_number(0, 0, 1.0))]);
        // Header, FAT and directory sectors, then BOF (20 bytes) and the
        // BoundSheet8 record's header (4): its first field is the position.
        let at = 3 * 512 + 20 + 4;
        past[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        refused_fast(&past, "sheet `survey` starts past the end of the workbook");
        let book = read(&bombs::xls(&[
            (bombs::XLS_NUMBER, bombs::xls_number(0, 0, 1.0)),
            (bombs::XLS_NUMBER, bombs::xls_number(2, 1, 2.5)),
        ]))
        .expect("a small .xls reads");
        let survey = book.sheet("survey").expect("survey");
        let rows: Vec<_> = survey
            .rows
            .iter()
            .map(|r| (r.number, r.cells.clone()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (1, vec!["1".to_owned(), String::new()]),
                (3, vec![String::new(), "2.5".to_owned()])
            ]
        );
    }

    #[test]
    fn a_file_past_the_size_limit_is_refused_unread() {
        let big = vec![0u8; usize::try_from(super::super::limits::MAX_FILE_BYTES).unwrap_or(0) + 1];
        let err = super::super::read(super::super::Format::Spreadsheet, &big).expect_err("too big");
        assert_eq!(
            err.to_string(),
            "the file has 20,971,521 bytes; an XLSForm may have at most 20,971,520 bytes"
        );
    }

    /// What calamine's own `worksheet_range` makes of a workbook (the
    /// reading before the limits), for comparison.
    fn through_ranges(bytes: &[u8]) -> Workbook {
        let mut sheets = open_workbook_auto_from_rs(Cursor::new(bytes)).expect("opens");
        let mut book = Workbook::default();
        for name in sheets.sheet_names() {
            let range = sheets.worksheet_range(&name).expect("a sheet");
            let mut sheet = Sheet {
                name: name.clone(),
                rows: Vec::new(),
            };
            let (first_row, first_col) = range.start().unwrap_or((0, 0));
            for (i, row) in range.rows().enumerate() {
                let mut cells = vec![String::new(); first_col as usize];
                cells.extend(row.iter().map(cell_text));
                sheet.push(first_row as usize + i + 1, cells);
            }
            book.sheets.push(sheet);
        }
        book
    }

    /// Reading cell by cell changes nothing for real workbooks: the shared
    /// corpus and the shipped forms read exactly as calamine's ranges do.
    #[test]
    fn real_workbooks_read_as_through_calamine_ranges() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for dir in [root.join("../../shared/xlsforms"), root.join("../forms")] {
            let entries =
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
                let name = path.to_string_lossy().into_owned();
                if !["xlsx", "xls", "ods"].iter().any(|x| name.ends_with(x)) {
                    continue;
                }
                let bytes = std::fs::read(&path).expect("readable");
                assert_eq!(read(&bytes).expect(&name), through_ranges(&bytes), "{name}");
                compared += 1;
            }
        }
        assert!(compared >= 12, "compared only {compared} workbooks");
        // A sheet declaring 65,530 rows × 38 columns around a few hundred
        // cells: read from a copy declaring the cells' grid, as calamine
        // reads the original.
        let path = root.join("tests/corpus/osmfw-archived-buildings.xls");
        let bytes = std::fs::read(&path).expect("readable");
        assert!(matches!(xls_dimensions::prepare(&bytes), Ok(Cow::Owned(_))));
        assert_eq!(read(&bytes).expect("reads"), through_ranges(&bytes));
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
