//! How much a workbook may make the reader allocate. A spreadsheet is a zip
//! of XML (or a BIFF file) whose size says little about what it expands to:
//! a 1.6 KB `.xlsx` with cells A1 and XFD1048576 asks for a 17-billion-cell
//! grid, a few MB of zeros inflate to gigabytes, and one ODS attribute
//! (`number-columns-repeated="100000000"`) repeats a cell a hundred million
//! times. Every reader checks these bounds *before* the allocation they
//! protect, and refuses with a [`ReadError`](super::ReadError) that says
//! which bound and where.
//!
//! Real XLSForms have at most a few thousand rows (tens of thousands for a
//! long choice list) and a hundred or two columns, so the bounds below are
//! generous for forms and still keep one import under a few hundred MB.

/// The file itself, before anything is read (an upload, a file on disk).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Entries in an `.xlsx`/`.ods` zip: a workbook has tens (a few hundred
/// with many pictures).
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// All entries of the zip together, inflated, as declared and as actually
/// inflated (a header may lie).
pub const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;

/// Columns of one sheet: Excel's own limit (XFD).
pub const MAX_COLUMNS: u64 = 16_384;

/// Cells of one sheet's grid as the reader lays it out: the used rows
/// (first to last) times the columns from A to the last used one. 2
/// million is 20,000 rows × 100 columns.
pub const MAX_SHEET_CELLS: u64 = 2_000_000;

/// The same, all sheets together.
pub const MAX_WORKBOOK_CELLS: u64 = 4_000_000;

/// `1,234,567`: limits and sizes in messages.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A 0-based (row, column) as a cell reference: (0, 0) is `A1`.
pub(crate) fn cell_name(row: u64, col: u64) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = u8::try_from((n - 1) % 26).unwrap_or(0);
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

/// The grid a sheet needs, checked against [`MAX_COLUMNS`] and
/// [`MAX_SHEET_CELLS`]: used rows `first_row..=last_row`, columns from A to
/// `last_col` (all 0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grid {
    pub first_row: u64,
    pub last_row: u64,
    pub first_col: u64,
    pub last_col: u64,
}

impl Grid {
    pub fn cells(&self) -> u64 {
        (self.last_row - self.first_row + 1).saturating_mul(self.last_col + 1)
    }

    pub fn fits(&self) -> bool {
        self.last_col < MAX_COLUMNS && self.cells() <= MAX_SHEET_CELLS
    }

    /// `A1:XFD1048576`.
    pub fn range(&self) -> String {
        format!(
            "{}:{}",
            cell_name(self.first_row, self.first_col),
            cell_name(self.last_row, self.last_col)
        )
    }

    /// The refusal for a sheet whose grid does not fit.
    pub fn error(&self, sheet: &str) -> super::ReadError {
        super::ReadError::SheetTooLarge {
            sheet: sheet.to_owned(),
            range: self.range(),
            rows: thousands(self.last_row - self.first_row + 1),
            columns: thousands(self.last_col + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(9, 26), "AA10");
        assert_eq!(thousands(17_179_869_184), "17,179,869,184");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn grids_fit_or_not() {
        let g = |last_row, last_col| Grid {
            first_row: 0,
            last_row,
            first_col: 0,
            last_col,
        };
        assert!(g(19_999, 99).fits());
        assert!(g(0, MAX_COLUMNS - 1).fits());
        assert!(!g(0, MAX_COLUMNS).fits());
        assert!(!g(1_048_575, 16_383).fits());
        assert_eq!(g(1_048_575, 16_383).range(), "A1:XFD1048576");
    }
}
