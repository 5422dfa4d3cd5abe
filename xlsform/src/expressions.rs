//! Expression cells: parsed with the engine's parser, and every `${name}`
//! checked against the names the survey declares. Done here rather than by
//! the engine's compiler so that errors carry the sheet, row and column.

use std::collections::HashMap;

use fieldform_engine::expr::lex::last_saved_name;
use fieldform_engine::expr::{ReferenceKind, parse, parse_choice_filter, suggest};
use fieldform_engine::model::insertions;

use crate::errors::{Diagnostics, Location};

/// How a cell's text is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// relevant, constraint, calculation, required, repeat_count, ...
    Expression,
    /// Bare names in a choice filter are columns of the choices sheet, not fields.
    ChoiceFilter,
    /// A literal (`yes`, `0`) unless it mentions `${...}`.
    Default,
    /// A label or hint: only its `${name}` insertions are checked.
    Text,
    /// A text with `${name}` that Fieldform does not fill (the settings'
    /// title, style, ...): its names are checked as pyxform checks them, and
    /// `${}`, which names nothing, is left as text.
    Unfilled,
    /// A `trigger`: checked as [`CellKind::Unfilled`], except that a name
    /// several fields share is accepted (pyxform recalculates on each).
    Trigger,
}

/// One cell to check once every name is known.
#[derive(Debug, Clone)]
pub struct ExprCell {
    pub location: Location,
    pub text: String,
    pub kind: CellKind,
}

impl ExprCell {
    pub fn new(location: Location, text: &str, kind: CellKind) -> Self {
        Self {
            location,
            text: text.to_owned(),
            kind,
        }
    }
}

/// How an expression mentions a name.
enum Written {
    /// `${name}` (or `'${name}'` in `jr:choice-name`): must name exactly
    /// one field, as in pyxform.
    Dollar,
    /// A bare name or a location path: XPath, so one that designates no
    /// field is an empty node-set, which ODK reads as empty.
    Path,
}

/// Parses each cell and reports syntax errors, `${name}` references to
/// names that do not exist (with a did-you-mean) or that several fields
/// have (pyxform's PYREF_004: a referenced name must be unique in the
/// survey), and warns about bare names and paths that name no field.
/// `names`: every name with the rows it is on.
pub fn check(cells: &[ExprCell], names: &HashMap<String, Vec<usize>>, diag: &mut Diagnostics) {
    let mut candidates: Vec<&str> = names.keys().map(String::as_str).collect();
    // Deterministic suggestions when two names are equally close.
    candidates.sort_unstable();
    for cell in cells {
        // `label::English` is a choice column only in a choice filter.
        let parse_cell = if cell.kind == CellKind::ChoiceFilter {
            parse_choice_filter
        } else {
            parse
        };
        let references: Vec<(String, usize, Written)> = match cell.kind {
            // `${last-saved#name}`: checked by `last_saved`.
            CellKind::Text | CellKind::Unfilled | CellKind::Trigger => insertions(&cell.text)
                .into_iter()
                .filter(|i| last_saved_name(&i.name).is_none())
                .filter(|i| cell.kind == CellKind::Text || !i.name.is_empty())
                .map(|i| (i.name, i.position, Written::Dollar))
                .collect(),
            CellKind::Default if !cell.text.contains("${") => continue,
            _ => match parse_cell(&cell.text) {
                Ok(expr) => expr
                    .analyze()
                    .references
                    .into_iter()
                    .filter(|r| !(r.bare && cell.kind == CellKind::ChoiceFilter))
                    // `jr:choice-name(., '${q}')` names a select: checked like a value.
                    .filter(|r| {
                        matches!(
                            r.kind,
                            ReferenceKind::Value
                                | ReferenceKind::Repeat
                                | ReferenceKind::ChoiceList
                        )
                    })
                    .map(|r| {
                        let dollar = cell.text.chars().nth(r.position()) == Some('$');
                        let written = if dollar || r.kind == ReferenceKind::ChoiceList {
                            Written::Dollar
                        } else {
                            Written::Path
                        };
                        (r.name.clone(), r.position(), written)
                    })
                    .collect(),
                Err(e) => {
                    diag.error_at(cell.location.clone(), e.to_string(), e.position());
                    continue;
                }
            },
        };
        for (name, position, written) in references {
            let rows = names.get(&name).map_or(&[][..], Vec::as_slice);
            match (written, rows) {
                (_, [_]) | (Written::Path, [_, _, ..]) => {}
                (Written::Dollar, [_, _, ..]) if cell.kind == CellKind::Trigger => {}
                (Written::Dollar, [_, _, ..]) => {
                    let rows: Vec<String> = rows.iter().map(ToString::to_string).collect();
                    diag.error_at(
                        cell.location.clone(),
                        format!(
                            "${{{name}}} is ambiguous: `{name}` is the name on rows {}; \
                             a name used in ${{}} must be unique in the form (as in pyxform), \
                             so rename one or write its path (`/data/group/{name}`)",
                            rows.join(", ")
                        ),
                        position,
                    );
                }
                (Written::Path, []) => {
                    diag.warn(
                        cell.location.clone(),
                        format!(
                            "`{name}` at position {position} names no field; it evaluates as empty, as in ODK{}",
                            suggestion(&name, &candidates, "; did you mean ${", "}?")
                        ),
                    );
                }
                (Written::Dollar, []) => {
                    diag.error_at(
                        cell.location.clone(),
                        format!(
                            "${{{name}}} is not a field{}",
                            suggestion(&name, &candidates, "; did you mean ${", "}?")
                        ),
                        position,
                    );
                }
            }
        }
    }
}

fn suggestion(name: &str, candidates: &[&str], before: &str, after: &str) -> String {
    suggest(name, candidates.iter().copied())
        .map_or_else(String::new, |s| format!("{before}{s}{after}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_references_and_parse_errors() {
        let names = HashMap::from([
            ("hh_size".to_owned(), vec![3]),
            ("region".to_owned(), vec![4]),
        ]);
        let cells = [
            ExprCell::new(
                Location::cell("survey", 40, "relevant"),
                "${hh_sise} > 2",
                CellKind::Expression,
            ),
            ExprCell::new(
                Location::cell("survey", 41, "constraint"),
                ". > )",
                CellKind::Expression,
            ),
            ExprCell::new(
                Location::cell("survey", 42, "choice_filter"),
                "district = ${region}",
                CellKind::ChoiceFilter,
            ),
            ExprCell::new(
                Location::cell("survey", 43, "default"),
                "yes",
                CellKind::Default,
            ),
            ExprCell::new(
                Location::cell("survey", 44, "label"),
                "Size ${hh_size}, ${zzz}",
                CellKind::Text,
            ),
        ];
        let mut diag = Diagnostics::default();
        check(&cells, &names, &mut diag);
        let messages: Vec<String> = diag.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            vec![
                "survey row 40, column relevant: ${hh_sise} is not a field; did you mean ${hh_size}?",
                "survey row 41, column constraint: unexpected `)` at position 4",
                "survey row 44, column label: ${zzz} is not a field",
            ]
        );
        assert_eq!(diag.errors[0].position, Some(0));
    }
}
