//! The `trigger` column, read as pyxform 4.5.0 reads it (`process_trigger`
//! in `validators/pyxform/question_types`): the cell must hold a `${`; it is
//! split at commas, and each part holds at most one `${name}` (text around
//! it, and a part without one, are ignored); a malformed reference in a
//! part is refused. Each name must be a question's (not a group's or a
//! repeat's). The form file keeps each name once, as `${a}, ${b}`; the
//! engine recalculates the field when any of them changes.

use std::collections::HashSet;

use fieldform_engine::expr::lex::last_saved_name;
use fieldform_engine::model::{QuestionType, insertions};

use super::SHEET;
use crate::columns::{Column, Table};
use crate::errors::{Diagnostics, ImportError, Location};
use crate::reference_syntax::first_malformed;
use crate::types::{RowType, parse_type};
use crate::workbook::Row;

/// One `${name}` of a trigger: the name (without `last-saved#`, which
/// pyxform drops there) and the 0-based character offset of its `${`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub name: String,
    pub position: usize,
}

/// Why a trigger cannot be read, and where in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refused {
    pub message: String,
    pub position: usize,
}

const SHAPE: &str = "a trigger is `${name}`, or several separated by commas";

/// The fields a (non-empty) trigger names, in order, as pyxform reads them.
pub(super) fn targets(text: &str) -> Result<Vec<Target>, Refused> {
    // pyxform: `is_pyxform_reference_candidate`.
    if text.chars().count() <= 2 || !text.contains("${") {
        return Err(Refused {
            message: format!("`{text}` is not a reference; {SHAPE}"),
            position: 0,
        });
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for part in text.split(',') {
        let at = |position: usize| offset + position;
        if let Some(m) = first_malformed(part) {
            return Err(Refused {
                message: m.message,
                position: at(m.position),
            });
        }
        let mut found = insertions(part)
            .into_iter()
            // `${}` is left as text, as everywhere.
            .filter(|i| !i.name.is_empty());
        if let Some(first) = found.next() {
            if let Some(second) = found.next() {
                return Err(Refused {
                    message: format!(
                        "`${{{}}}` follows `${{{}}}` without a comma; {SHAPE}",
                        second.name, first.name
                    ),
                    position: at(second.position),
                });
            }
            let name = last_saved_name(&first.name).unwrap_or(&first.name);
            out.push(Target {
                name: name.to_owned(),
                position: at(first.position),
            });
        }
        offset += part.chars().count() + 1;
    }
    Ok(out)
}

/// The trigger for the form file: the fields it names, each once, as
/// `${name}` separated by commas; `None` if it names none or cannot be
/// read (refused by [`check`]).
pub(super) fn read(text: &str) -> Option<String> {
    let targets = targets(text).ok()?;
    let mut names: Vec<&str> = Vec::new();
    for t in &targets {
        if !names.contains(&t.name.as_str()) {
            names.push(&t.name);
        }
    }
    if names.is_empty() {
        return None;
    }
    let listed: Vec<String> = names.iter().map(|n| format!("${{{n}}}")).collect();
    Some(listed.join(", "))
}

/// Refuses, on every row with a type (pyxform reads the trigger before it
/// looks at the type), a trigger that cannot be read, and one naming a
/// group or a repeat and no question (pyxform looks among the questions
/// only) or a question that is not shown (pyxform hangs the recalculation
/// on the question's control). Names no field has are left to the reference check, which
/// suggests one. Run on the rows as written, so a loop's are refused once.
pub(super) fn check(
    table: &Table<'_>,
    type_col: &Column,
    name_col: Option<&Column>,
    diag: &mut Diagnostics,
) {
    let Some(trigger_col) = table.column("trigger") else {
        return;
    };
    let mut blocks = HashSet::new();
    let mut questions = HashSet::new();
    let mut unseen = HashSet::new();
    let filled = |row: &Row, key: &str| {
        table
            .translations(key)
            .any(|c| !row.cell(c.index).is_empty())
    };
    for row in table.rows {
        let name = name_col.map_or("", |c| row.cell(c.index));
        match parse_type(row.cell(type_col.index)) {
            Ok(RowType::BeginGroup | RowType::BeginRepeat) => {
                blocks.insert(name);
            }
            Ok(row_type) => {
                questions.insert(name);
                // pyxform (`Question.xml_control`): a calculate, or a
                // calculated or triggered field with no label or hint,
                // has no control to hang the recalculation on.
                let calculate = matches!(
                    row_type,
                    RowType::Question {
                        kind: QuestionType::Calculate,
                        ..
                    }
                );
                let computed = filled(row, "calculation")
                    || targets(row.cell(trigger_col.index)).is_ok_and(|t| !t.is_empty());
                if calculate || (computed && !filled(row, "label") && !filled(row, "hint")) {
                    unseen.insert(name);
                }
            }
            Err(_) => {}
        }
    }
    for row in table.rows {
        let text = row.cell(trigger_col.index);
        if text.is_empty() || row.cell(type_col.index).is_empty() {
            continue;
        }
        let mut refuse = |message: String, position| {
            diag.errors.push(ImportError {
                location: Location::cell(SHEET, row.number, &trigger_col.header),
                message,
                position: Some(position),
                expression: Some(text.to_owned()),
            });
        };
        match targets(text) {
            Err(e) => refuse(e.message, e.position),
            Ok(targets) => {
                for t in targets {
                    let name = t.name.as_str();
                    if blocks.contains(name) && !questions.contains(name) {
                        refuse(
                            format!("`{name}` is a group or a repeat; a trigger names a question"),
                            t.position,
                        );
                    } else if unseen.contains(name) {
                        refuse(
                            format!(
                                "`{name}` is not shown (a calculate, or a calculated field without a label or hint), so its changes cannot trigger a recalculation"
                            ),
                            t.position,
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Result<Vec<(String, usize)>, (String, usize)> {
        targets(text)
            .map(|ts| ts.into_iter().map(|t| (t.name, t.position)).collect())
            .map_err(|e| (e.message, e.position))
    }

    fn ok(list: &[(&str, usize)]) -> Result<Vec<(String, usize)>, (String, usize)> {
        Ok(list.iter().map(|(n, p)| ((*n).to_owned(), *p)).collect())
    }

    #[test]
    fn reads_one_reference_per_comma_separated_part() {
        assert_eq!(names("${head}"), ok(&[("head", 0)]));
        assert_eq!(names("${head}, ${age}"), ok(&[("head", 0), ("age", 9)]));
        assert_eq!(names("${head},${age}"), ok(&[("head", 0), ("age", 8)]));
        // Text around a reference, and parts without one, are ignored.
        assert_eq!(names("x ${head} y, age,"), ok(&[("head", 2)]));
        assert_eq!(names("${}, ${head}"), ok(&[("head", 5)]));
        assert_eq!(names("${last-saved#head}"), ok(&[("head", 0)]));
        assert_eq!(names("${}"), ok(&[]));
        // A part of two characters is never a reference.
        assert_eq!(names("${head},${"), ok(&[("head", 0)]));
    }

    #[test]
    fn refuses_what_pyxform_refuses() {
        for (text, position, start) in [
            ("head", 0, "`head` is not a reference"),
            ("/data/head", 0, "`/data/head` is not a reference"),
            ("${", 0, "`${` is not a reference"),
            (
                "${head} ${age}",
                8,
                "`${age}` follows `${head}` without a comma",
            ),
            ("${head}, ${hea", 9, "`${hea` is not closed"),
            ("${head}, ${ age }", 9, "`${ age }` is not a reference"),
            ("${a,b}", 0, "`${a` is not closed"),
        ] {
            let (message, at) = names(text).expect_err(text);
            assert_eq!(at, position, "{text}");
            assert!(message.starts_with(start), "{text}: {message}");
        }
    }

    #[test]
    fn stores_each_field_named_once() {
        assert_eq!(read("x ${head}, ${head}").as_deref(), Some("${head}"));
        assert_eq!(
            read("${head}, y ${age},${head}, ${last-saved#age}").as_deref(),
            Some("${head}, ${age}")
        );
        assert_eq!(read("${}"), None);
        // Refused by `check`, with the sheet.
        assert_eq!(read("head"), None);
    }
}
