//! Expression cells: parsed with the engine's parser, and every `${name}`
//! checked against the names the survey declares. Done here rather than by
//! the engine's compiler so that errors carry the sheet, row and column.

use std::collections::HashMap;

use fieldform_engine::expr::{ReferenceKind, parse, suggest};
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

/// Parses each cell and reports syntax errors and references to names
/// that do not exist (with a did-you-mean).
pub fn check(
    cells: &[ExprCell],
    names: &HashMap<String, usize>,
    ambiguous: &HashMap<String, Vec<usize>>,
    diag: &mut Diagnostics,
) {
    let mut candidates: Vec<&str> = names.keys().map(String::as_str).collect();
    // Deterministic suggestions when two names are equally close.
    candidates.sort_unstable();
    for cell in cells {
        let references: Vec<(String, usize)> = match cell.kind {
            CellKind::Text => insertions(&cell.text)
                .into_iter()
                .map(|i| (i.name, i.position))
                .collect(),
            CellKind::Default if !cell.text.contains("${") => continue,
            _ => match parse(&cell.text) {
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
                    .map(|r| (r.name.clone(), r.position()))
                    .collect(),
                Err(e) => {
                    diag.error_at(cell.location.clone(), e.to_string(), e.position());
                    continue;
                }
            },
        };
        for (name, position) in references {
            if let Some(rows) = ambiguous.get(&name) {
                let rows: Vec<String> = rows.iter().map(ToString::to_string).collect();
                diag.error_at(
                    cell.location.clone(),
                    format!(
                        "${{{name}}} is ambiguous: `{name}` is the name on rows {}",
                        rows.join(", ")
                    ),
                    position,
                );
                continue;
            }
            if names.contains_key(&name) {
                continue;
            }
            let hint = suggest(&name, candidates.iter().copied())
                .map_or_else(String::new, |s| format!("; did you mean ${{{s}}}?"));
            diag.error_at(
                cell.location.clone(),
                format!("${{{name}}} is not a field{hint}"),
                position,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_references_and_parse_errors() {
        let names = HashMap::from([("hh_size".to_owned(), 3), ("region".to_owned(), 4)]);
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
        check(&cells, &names, &HashMap::new(), &mut diag);
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
