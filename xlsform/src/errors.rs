//! What the importer reports: errors (the form cannot be used) and warnings
//! (it can, but something in the workbook was ignored or mapped), each with
//! the place a designer needs to find it.

use std::fmt;

/// Where in the workbook something is: `survey row 12, column type`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// `survey`, `choices`, `settings`; `None` for the file as a whole.
    pub sheet: Option<String>,
    /// 1-based spreadsheet row (the line in CSV and markdown files).
    pub row: Option<usize>,
    /// The column header as written in the workbook (`label::English (en)`).
    pub column: Option<String>,
}

impl Location {
    pub fn file() -> Self {
        Self::default()
    }

    pub fn sheet(sheet: &str) -> Self {
        Self {
            sheet: Some(sheet.to_owned()),
            ..Self::default()
        }
    }

    pub fn row(sheet: &str, row: usize) -> Self {
        Self {
            sheet: Some(sheet.to_owned()),
            row: Some(row),
            column: None,
        }
    }

    pub fn cell(sheet: &str, row: usize, column: &str) -> Self {
        Self {
            sheet: Some(sheet.to_owned()),
            row: Some(row),
            column: Some(column.to_owned()),
        }
    }

    pub fn column(sheet: &str, column: &str) -> Self {
        Self {
            sheet: Some(sheet.to_owned()),
            row: None,
            column: Some(column.to_owned()),
        }
    }
}

/// `survey row 12, column type: ` (the prefix of every message), or nothing
/// for the file as a whole.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(sheet) = &self.sheet else {
            return Ok(());
        };
        write!(f, "{sheet}")?;
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": ")
    }
}

/// A problem that makes the workbook unusable as a form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}{message}")]
pub struct ImportError {
    pub location: Location,
    /// What is wrong, with a suggestion when one can be made.
    pub message: String,
    /// For expression problems: the 0-based character offset in the cell.
    pub position: Option<usize>,
}

/// Something in the workbook that was ignored or mapped to a near
/// equivalent; the form is still usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.location, self.message)
    }
}

impl ImportError {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Self {
            location,
            message: message.into(),
            position: None,
        }
    }
}

impl Warning {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Self {
            location,
            message: message.into(),
        }
    }
}

/// Every error found in one pass (the importer never stops at the first),
/// with the warnings found along the way.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct ImportErrors {
    pub errors: Vec<ImportError>,
    pub warnings: Vec<Warning>,
}

/// One error per line, so a CLI can print it as is.
impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Collects errors and warnings while a workbook is read.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub errors: Vec<ImportError>,
    pub warnings: Vec<Warning>,
}

impl Diagnostics {
    pub fn error(&mut self, location: Location, message: impl Into<String>) {
        self.errors.push(ImportError::new(location, message));
    }

    pub fn error_at(&mut self, location: Location, message: impl Into<String>, position: usize) {
        self.errors.push(ImportError {
            location,
            message: message.into(),
            position: Some(position),
        });
    }

    pub fn warn(&mut self, location: Location, message: impl Into<String>) {
        self.warnings.push(Warning::new(location, message));
    }
}

/// `; did you mean `x`?` or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    fieldform_engine::expr::suggest(name, candidates)
        .map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_sheet_row_and_column() {
        let e = ImportError::new(Location::cell("survey", 12, "type"), "unknown type");
        assert_eq!(e.to_string(), "survey row 12, column type: unknown type");
        let e = ImportError::new(Location::row("survey", 30), "unbalanced");
        assert_eq!(e.to_string(), "survey row 30: unbalanced");
        let w = Warning::new(Location::column("survey", "media::image"), "ignored");
        assert_eq!(w.to_string(), "survey, column media::image: ignored");
        let e = ImportError::new(Location::file(), "no `survey` sheet");
        assert_eq!(e.to_string(), "no `survey` sheet");
        let all = ImportErrors {
            errors: vec![e.clone(), e],
            warnings: vec![],
        };
        assert_eq!(all.to_string(), "no `survey` sheet\nno `survey` sheet");
    }
}
