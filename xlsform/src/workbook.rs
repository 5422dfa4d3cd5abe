//! The format-neutral shape every reader produces: named sheets of rows of
//! trimmed text cells. Everything after reading works on this alone, so
//! xlsx, xls, ods, CSV and markdown forms go through exactly the same checks.

/// A whole workbook, sheets in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

/// One sheet. Blank rows are dropped by the readers; `Row::number` keeps
/// the spreadsheet's own numbering so messages point where the designer looks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// 1-based row number as the designer sees it (in CSV: the line).
    pub number: usize,
    /// Trimmed cell texts, column A first; trailing blanks may be absent.
    pub cells: Vec<String>,
}

/// A row as a unit test writes it.
#[cfg(test)]
pub(crate) fn test_row(number: usize, cells: &[&str]) -> Row {
    Row {
        number,
        cells: cells.iter().map(|c| (*c).to_owned()).collect(),
    }
}

impl Row {
    /// The cell in column `index` (0-based), or `""` past the row's end.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", String::as_str)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.is_empty())
    }
}

impl Workbook {
    /// The sheet called `name`, ignoring case and surrounding spaces
    /// (designers write `Survey`, `survey `, `CHOICES`).
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name))
    }

    pub fn sheet_names(&self) -> Vec<&str> {
        self.sheets.iter().map(|s| s.name.as_str()).collect()
    }
}

impl Sheet {
    /// Appends a row unless it is blank: every reader drops blank rows the same way.
    pub fn push(&mut self, number: usize, cells: Vec<String>) {
        let row = Row {
            number,
            cells: cells.into_iter().map(|c| c.trim().to_owned()).collect(),
        };
        if !row.is_blank() {
            self.rows.push(row);
        }
    }
}

/// A number as a designer typed it: spreadsheets store `1` as the float
/// `1.0`, which must come back as `1` (a choice value, a version, a default).
pub fn format_number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        // Exact: the value is an integer well inside i64's range.
        #[allow(clippy::cast_possible_truncation)]
        let i = f as i64;
        i.to_string()
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_their_spreadsheet_decimal_point() {
        assert_eq!(format_number(1.0), "1");
        assert_eq!(format_number(-20.0), "-20");
        assert_eq!(format_number(0.5), "0.5");
        assert_eq!(format_number(2024091201.0), "2024091201");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
    }
}
