//! An import error's place in the workbook, read back from the server's
//! message. The server sends each XLSForm error as one line,
//! `survey row 12, column type: message` (`fieldform_xlsform::Location`'s
//! format); the console shows sheet, row and column in their own columns.

/// One error, located as far as the message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub sheet: Option<String>,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

/// The sheets a message may name on their own (`settings: …`); with a row
/// or a column any one-word sheet name is read as a place.
const SHEETS: &[&str] = &[
    "survey",
    "choices",
    "settings",
    "external_choices",
    "entities",
];

/// Reads `line`; a line without a recognisable place is all message.
pub fn locate(line: &str) -> Located {
    parse(line).unwrap_or_else(|| Located {
        sheet: None,
        row: None,
        column: None,
        message: line.to_owned(),
    })
}

fn parse(line: &str) -> Option<Located> {
    let name_end = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .filter(|&end| end > 0)?;
    let (sheet, mut rest) = line.split_at(name_end);
    let place = |row, column: Option<&str>, message: &str| {
        Some(Located {
            sheet: Some(sheet.to_owned()),
            row,
            column: column.map(str::to_owned),
            message: message.to_owned(),
        })
    };
    // Without a row, only a known sheet: `error: …` is prose.
    let known = SHEETS.contains(&sheet);
    if let Some(message) = rest.strip_prefix(": ") {
        return if known {
            place(None, None, message)
        } else {
            None
        };
    }
    let mut row = None;
    if let Some(after) = rest.strip_prefix(" row ") {
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .filter(|&end| end > 0)?;
        row = Some(after[..digits].parse().ok()?);
        rest = &after[digits..];
        if let Some(message) = rest.strip_prefix(": ") {
            return place(row, None, message);
        }
    } else if !known {
        return None;
    }
    let after = rest.strip_prefix(", column ")?;
    // Headers hold `::` (`label::English (en)`), never `: `.
    let (column, message) = after.split_once(": ")?;
    place(row, Some(column), message)
}

#[cfg(test)]
mod tests {
    use super::{Located, locate};

    fn at(sheet: Option<&str>, row: Option<usize>, column: Option<&str>, m: &str) -> Located {
        Located {
            sheet: sheet.map(str::to_owned),
            row,
            column: column.map(str::to_owned),
            message: m.to_owned(),
        }
    }

    #[test]
    fn reads_every_shape_of_place() {
        assert_eq!(
            locate("survey row 12, column type: unknown type `integr`; did you mean `integer`?"),
            at(
                Some("survey"),
                Some(12),
                Some("type"),
                "unknown type `integr`; did you mean `integer`?"
            )
        );
        assert_eq!(
            locate("choices row 3: duplicate choice `yes`"),
            at(Some("choices"), Some(3), None, "duplicate choice `yes`")
        );
        assert_eq!(
            locate("survey row 4, column label::English (en): empty label"),
            at(
                Some("survey"),
                Some(4),
                Some("label::English (en)"),
                "empty label"
            )
        );
        assert_eq!(
            locate("settings: no form_id"),
            at(Some("settings"), None, None, "no form_id")
        );
        assert_eq!(
            locate("choices, column list_name: missing"),
            at(Some("choices"), None, Some("list_name"), "missing")
        );
    }

    #[test]
    fn leaves_prose_alone() {
        for line in [
            "the workbook has no survey sheet",
            "error: something",
            "field `age`: constraint: unknown function `foo`",
            "survey row x, column type: y",
            "survey column type: y",
            "",
        ] {
            assert_eq!(locate(line), at(None, None, None, line), "{line}");
        }
    }
}
