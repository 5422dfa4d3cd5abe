//! `${last-saved#name}` references (the answer in the last saved response),
//! in expressions and in labels, hints and messages: `name` must be one
//! field of the form, checked here with the cell's place as every other
//! reference is (the engine's compiler checks it too, but without sheet and
//! row).

use std::collections::HashMap;

use fieldform_engine::expr::lex::last_saved_name;
use fieldform_engine::expr::{ReferenceKind, parse, suggest};
use fieldform_engine::model::insertions;

use crate::errors::Diagnostics;
use crate::expressions::{CellKind, ExprCell};

/// Reports each `${last-saved#name}` whose `name` no field has, or several
/// have. `names`: every name with the rows it is on. Cells that do not
/// parse were reported by the expression check already.
pub fn check(cells: &[ExprCell], names: &HashMap<String, Vec<usize>>, diag: &mut Diagnostics) {
    let mut candidates: Vec<&str> = names.keys().map(String::as_str).collect();
    candidates.sort_unstable();
    for cell in cells.iter().filter(|c| c.text.contains("${last-saved#")) {
        let references: Vec<(String, usize)> = if matches!(
            cell.kind,
            CellKind::Text | CellKind::Unfilled | CellKind::Trigger
        ) {
            insertions(&cell.text)
                .into_iter()
                .filter_map(|i| Some((last_saved_name(&i.name)?.trim().to_owned(), i.position)))
                .collect()
        } else {
            let Ok(expr) = parse(&cell.text) else {
                continue;
            };
            expr.analyze()
                .references
                .into_iter()
                .filter(|r| r.kind == ReferenceKind::LastSaved)
                .map(|r| (r.name.clone(), r.position()))
                .collect()
        };
        for (name, position) in references {
            let name = &name;
            let message = match names.get(name).map_or(0, Vec::len) {
                1 => continue,
                0 => format!(
                    "${{last-saved#{name}}}: `{name}` is not a field{}",
                    suggest(name, candidates.iter().copied())
                        .map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
                ),
                _ => format!(
                    "${{last-saved#{name}}}: `{name}` is the name of several fields; it must name one"
                ),
            };
            diag.error_at(cell.location.clone(), message, position);
        }
    }
}
