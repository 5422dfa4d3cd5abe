//! What the importer reports: errors (the form cannot be used) and warnings
//! (it can, but something in the workbook was ignored or mapped), each with
//! the place a designer needs to find it.

use std::collections::HashMap;
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
#[error("{location}{message}{}", excerpt(expression.as_deref(), *position))]
pub struct ImportError {
    pub location: Location,
    /// What is wrong, with a suggestion when one can be made.
    pub message: String,
    /// For expression problems: the 0-based character offset in the cell.
    pub position: Option<usize>,
    /// For expression problems: the expression as it was checked, shown
    /// under the message with a caret at `position`.
    pub expression: Option<String>,
}

/// The line of `expression` holding character `position`, and a caret under
/// it, each on its own indented line; nothing without both.
fn excerpt(expression: Option<&str>, position: Option<usize>) -> String {
    let (Some(expression), Some(position)) = (expression, position) else {
        return String::new();
    };
    // Cells may hold several lines: show only the one the caret is on.
    let mut line_start = 0;
    for (i, c) in expression.chars().enumerate() {
        if i >= position {
            break;
        }
        if c == '\n' {
            line_start = i + 1;
        }
    }
    let line: Vec<char> = expression
        .chars()
        .skip(line_start)
        .take_while(|&c| c != '\n' && c != '\r')
        // One column per character, so the caret stays under its character.
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let column = position - line_start;
    // A long line is cut to what is around the caret.
    let from = column.saturating_sub(EXCERPT_SIDE);
    let to = line.len().min(column + EXCERPT_SIDE);
    let mut shown: String = line.get(from..to).unwrap_or_default().iter().collect();
    let mut caret = column - from;
    if from > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if to < line.len() {
        shown.push('…');
    }
    format!("\n    {shown}\n    {}^", " ".repeat(caret))
}

/// How many characters of an expression an excerpt shows on each side of
/// the caret.
const EXCERPT_SIDE: usize = 60;

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
            expression: None,
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
            expression: None,
        });
    }

    pub fn warn(&mut self, location: Location, message: impl Into<String>) {
        self.warnings.push(Warning::new(location, message));
    }

    /// Whether an error was reported in `column` of `sheet` row `row`.
    pub fn has_error_at(&self, sheet: &str, row: usize, column: &str) -> bool {
        self.errors.iter().any(|e| {
            e.location.sheet.as_deref() == Some(sheet)
                && e.location.row == Some(row)
                && e.location.column.as_deref() == Some(column)
        })
    }

    /// Everything found, ready to show: each positioned error gets the
    /// expression it points into (`sources`: the expression cells as they
    /// were parsed, by location), and errors and warnings are put in
    /// workbook order (the file, then `survey`, `choices`, `settings` and
    /// any other sheet, each by row), keeping the order of those on one row.
    pub fn finish<'a>(
        self,
        sources: impl IntoIterator<Item = (&'a Location, &'a str)>,
    ) -> ImportErrors {
        let mut errors = self.errors;
        let sources: Vec<(&Location, &str)> = sources.into_iter().collect();
        for e in errors.iter_mut().filter(|e| e.position.is_some()) {
            if e.expression.is_none()
                && let Some((_, text)) = sources.iter().find(|(l, _)| **l == e.location)
            {
                e.expression = Some((*text).to_owned());
            }
        }
        errors.sort_by_key(|e| order(&e.location));
        let mut warnings = self.warnings;
        warnings.sort_by_key(|w| order(&w.location));
        ImportErrors { errors, warnings }
    }
}

/// The sheets in the order a designer reads them; others come after.
const SHEET_ORDER: &[&str] = &[
    "survey",
    "choices",
    "settings",
    "external_choices",
    "entities",
];

/// A sort key for workbook order (see [`Diagnostics::finish`]).
fn order(location: &Location) -> (usize, String, usize) {
    let Some(sheet) = &location.sheet else {
        return (0, String::new(), 0);
    };
    let lower = sheet.trim().to_lowercase();
    let rank = SHEET_ORDER
        .iter()
        .position(|s| *s == lower)
        .map_or(SHEET_ORDER.len() + 1, |i| i + 1);
    // Within a sheet, what concerns the whole sheet or a column comes first.
    let name = if rank > SHEET_ORDER.len() {
        lower
    } else {
        String::new()
    };
    (rank, name, location.row.unwrap_or(0))
}

/// Keeps the names of rows that failed from causing errors elsewhere.
///
/// A row whose `type` cell has an error (a misspelled or incomplete type,
/// none at all) makes no question, but its name is still known, so
/// expressions naming it add no "is not a field" error: the row's own error
/// is the one to fix. A row whose `name` cell has an error (a duplicate
/// among siblings) does not make the name ambiguous either. And a
/// misspelled `begin group` (or repeat) does not make its `end group` an
/// error of its own.
/// `names`: every name with the rows it is on.
pub fn settle_failed_rows(
    table: &crate::columns::Table<'_>,
    sheet: &str,
    diag: &mut Diagnostics,
    names: &mut HashMap<String, Vec<usize>>,
) {
    let (Some(ty), Some(name)) = (table.column("type"), table.column("name")) else {
        return;
    };
    // Failed `begin` rows not yet matched with an unmatched `end`.
    let mut failed_begins = 0usize;
    for row in table.rows {
        let failed = diag.has_error_at(sheet, row.number, &ty.header);
        let kind = row.cell(ty.index).trim().to_lowercase();
        if failed && kind.starts_with("begin") {
            failed_begins += 1;
        } else if failed_begins > 0 && kind.starts_with("end") {
            let before = diag.errors.len();
            diag.errors
                .retain(|e| !is_unmatched_end(e, sheet, row.number));
            if diag.errors.len() < before {
                failed_begins -= 1;
            }
        }
        let written = row.cell(name.index);
        if written.is_empty() {
            continue;
        }
        if failed {
            names
                .entry(written.to_owned())
                .or_insert_with(|| vec![row.number]);
        } else if diag.has_error_at(sheet, row.number, &name.header)
            && let Some(rows) = names.get_mut(written)
            && rows.len() > 1
        {
            rows.retain(|&r| r != row.number);
        }
    }
}

/// The survey reader's "`end group` without a matching `begin group`" on `row`.
fn is_unmatched_end(e: &ImportError, sheet: &str, row: usize) -> bool {
    e.location.sheet.as_deref() == Some(sheet)
        && e.location.row == Some(row)
        && e.location.column.is_none()
        && e.message.starts_with("`end ")
        && e.message.contains("without a matching `begin")
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
        // A long expression is cut around the caret.
        let long = format!("{}${{x}} = 1 and {}", "1 + ".repeat(40), "2 + ".repeat(40));
        let cut = ImportError {
            location: Location::cell("survey", 3, "relevant"),
            message: "m".into(),
            position: Some(160),
            expression: Some(long),
        };
        let shown = cut.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 3, "{shown}");
        assert!(
            lines[1].starts_with("    …") && lines[1].ends_with('…'),
            "{shown}"
        );
        assert_eq!(lines[1].chars().position(|c| c == '$'), lines[2].find('^'));
        let all = ImportErrors {
            errors: vec![e.clone(), e],
            warnings: vec![],
        };
        assert_eq!(all.to_string(), "no `survey` sheet\nno `survey` sheet");
    }
}
