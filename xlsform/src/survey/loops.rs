//! pyxform's loops: `begin loop over <list>` … `end loop`.
//!
//! pyxform (`builder.py`, `_create_loop_from_dict`) turns a loop into a
//! group named after the loop holding, for each choice of the list except
//! one named `none`, a group named and labelled after the choice, holding a
//! copy of the loop's rows. In each copy of a row directly inside the loop,
//! `%(name)s` and `%(label)s` become the choice's name and label (the label
//! in the cell's language); rows nested deeper are copied unchanged. The
//! engine has no loops: this expands them into those ordinary groups, as
//! rows, before the survey is read, so the field paths are pyxform's and
//! every other check applies to the copies. Copies keep their row's number,
//! so messages point at the row the designer wrote.

use std::collections::{BTreeMap, HashSet};

use fieldform_engine::model::{Choice, Text};

use super::SHEET;
use crate::columns::{Column, Table};
use crate::errors::{Diagnostics, Location, did_you_mean};
use crate::expressions::ExprCell;
use crate::languages::Languages;
use crate::types::{RowType, parse_type};
use crate::workbook::Row;

/// The choice pyxform adds to the list of a select with `or_other`.
const OTHER: &str = "other";

/// A loop marker in the `type` column.
#[derive(Debug, PartialEq, Eq)]
enum Marker<'a> {
    /// `begin loop over <list>` (`over` optional); `None`: no list written.
    Begin(Option<&'a str>),
    End,
}

fn marker(ty: &str) -> Option<Marker<'_>> {
    let ty = ty.trim();
    if ty.eq_ignore_ascii_case("end loop") || ty.eq_ignore_ascii_case("end_loop") {
        return Some(Marker::End);
    }
    let head = ty.get(..10)?;
    if !(head.eq_ignore_ascii_case("begin loop") || head.eq_ignore_ascii_case("begin_loop")) {
        return None;
    }
    let rest = &ty[10..];
    if rest.is_empty() {
        return Some(Marker::Begin(None));
    }
    // pyxform: `begin loop` then one space, an optional `over `, the list.
    let rest = rest.strip_prefix(' ')?;
    let list = rest.strip_prefix("over ").unwrap_or(rest).trim();
    if list.is_empty() || list.contains(char::is_whitespace) {
        return None;
    }
    Some(Marker::Begin(Some(list)))
}

/// Whether a `type` opens or closes a block (group, repeat or loop); the
/// metadata type `end` does neither.
fn depth_change(ty: &str) -> isize {
    let lower = ty.trim().to_lowercase();
    if lower.starts_with("begin ") || lower.starts_with("begin_") {
        1
    } else if lower.starts_with("end ") || lower.starts_with("end_") {
        -1
    } else {
        0
    }
}

struct Expander<'t, 'a> {
    table: &'t Table<'a>,
    type_col: &'t Column,
    name_col: Option<&'t Column>,
    langs: &'t Languages,
    lists: &'t BTreeMap<String, Vec<Choice>>,
    /// Lists of a select with `or_other`: pyxform appends its `other`
    /// choice to the list itself, so a loop over it gets that group too,
    /// wherever the select is.
    or_other: HashSet<String>,
    width: usize,
}

/// The survey's rows with every loop expanded, or `None` when it has no
/// loop (the common case: nothing is copied).
pub(super) fn expand(
    table: &Table<'_>,
    langs: &Languages,
    lists: &BTreeMap<String, Vec<Choice>>,
    diag: &mut Diagnostics,
) -> Option<Vec<Row>> {
    let type_col = table.column("type")?;
    if !table
        .rows
        .iter()
        .any(|r| marker(r.cell(type_col.index)).is_some())
    {
        return None;
    }
    let width = table.columns.iter().map(|c| c.index + 1).max().unwrap_or(0);
    let or_other = table
        .rows
        .iter()
        .filter_map(|r| match parse_type(r.cell(type_col.index)) {
            Ok(RowType::Question {
                list: Some(list),
                or_other: true,
                ..
            }) => Some(list),
            _ => None,
        })
        .collect();
    let expander = Expander {
        table,
        type_col,
        name_col: table.column("name"),
        langs,
        lists,
        or_other,
        width,
    };
    Some(expander.rows(table.rows, diag))
}

impl Expander<'_, '_> {
    fn rows(&self, rows: &[Row], diag: &mut Diagnostics) -> Vec<Row> {
        let mut out = Vec::with_capacity(rows.len());
        let mut i = 0;
        while i < rows.len() {
            let row = &rows[i];
            let ty = row.cell(self.type_col.index);
            match marker(ty) {
                None => out.push(row.clone()),
                Some(Marker::End) => diag.error(
                    Location::row(SHEET, row.number),
                    "`end loop` without a matching `begin loop`",
                ),
                Some(Marker::Begin(list)) => {
                    let end = matching_end(rows, i + 1, self.type_col);
                    let body = &rows[i + 1..end.unwrap_or(rows.len())];
                    if end.is_none() {
                        diag.error(
                            Location::row(SHEET, row.number),
                            "`begin loop` without a matching `end loop`",
                        );
                    }
                    let end_number = end.map_or(row.number, |e| rows[e].number);
                    out.push(self.with_type(row, "begin group"));
                    match self.choices(row, list, diag) {
                        Some(choices) => {
                            for choice in choices.iter().filter(|c| c.name != "none") {
                                out.push(self.choice_group(row.number, choice));
                                let copy = self.substituted(body, choice);
                                out.extend(self.rows(&copy, diag));
                                out.push(self.marker_row(end_number, "end group"));
                            }
                        }
                        // Keep the rows once so that their names still
                        // resolve: the error above is the only one.
                        None => out.extend(self.rows(body, diag)),
                    }
                    out.push(self.marker_row(end_number, "end group"));
                    i = end.map_or(rows.len(), |e| e + 1);
                    continue;
                }
            }
            i += 1;
        }
        out
    }

    fn choices(
        &self,
        row: &Row,
        list: Option<&str>,
        diag: &mut Diagnostics,
    ) -> Option<Vec<Choice>> {
        let loc = Location::cell(SHEET, row.number, &self.type_col.header);
        let Some(list) = list else {
            diag.error(
                loc,
                "`begin loop` needs the name of a choice list, e.g. `begin loop over rooms`",
            );
            return None;
        };
        let found = self.lists.get(list);
        if found.is_none() {
            diag.error(
                loc,
                format!(
                    "choice list `{list}` does not exist{}",
                    did_you_mean(list, self.lists.keys().map(String::as_str))
                ),
            );
        }
        let mut choices = found?.clone();
        if self.or_other.contains(list) && !choices.iter().any(|c| c.name == OTHER) {
            let mut label = Text::default();
            for lang in self
                .langs
                .list
                .iter()
                .map(|l| &l.code)
                .chain([&self.langs.default])
            {
                label.0.insert(lang.clone(), "Other".to_owned());
            }
            choices.push(Choice {
                name: OTHER.to_owned(),
                label,
                properties: BTreeMap::new(),
            });
        }
        Some(choices)
    }

    fn with_type(&self, row: &Row, ty: &str) -> Row {
        let mut row = row.clone();
        if row.cells.len() <= self.type_col.index {
            row.cells.resize(self.type_col.index + 1, String::new());
        }
        row.cells[self.type_col.index] = ty.to_owned();
        row
    }

    fn marker_row(&self, number: usize, ty: &str) -> Row {
        let mut cells = vec![String::new(); self.width];
        cells[self.type_col.index] = ty.to_owned();
        Row { number, cells }
    }

    /// The group of one choice: its name, and its label in every label column.
    fn choice_group(&self, number: usize, choice: &Choice) -> Row {
        let mut row = self.marker_row(number, "begin group");
        if let Some(c) = self.name_col {
            row.cells[c.index] = choice.name.clone();
        }
        for c in self.table.translations("label") {
            row.cells[c.index] = self.label(choice, c).to_owned();
        }
        row
    }

    /// The choice's label in `column`'s language.
    fn label<'c>(&self, choice: &'c Choice, column: &Column) -> &'c str {
        let lang = self.langs.of(column.lang.as_deref());
        choice
            .label
            .get(&lang, &self.langs.default)
            .unwrap_or_default()
    }

    /// The loop's body for one choice: rows directly in the loop get the
    /// choice's name and label; rows nested deeper are kept as written.
    fn substituted(&self, body: &[Row], choice: &Choice) -> Vec<Row> {
        let mut depth = 0isize;
        body.iter()
            .map(|row| {
                let change = depth_change(row.cell(self.type_col.index));
                if change < 0 {
                    depth += change;
                }
                let out = if depth <= 0 {
                    let mut row = row.clone();
                    for (index, cell) in row.cells.iter_mut().enumerate() {
                        if !cell.contains('%') {
                            continue;
                        }
                        let label = self
                            .table
                            .columns
                            .iter()
                            .find(|c| c.index == index)
                            .map_or("", |c| self.label(choice, c));
                        *cell = substitute(cell, &choice.name, label);
                    }
                    row
                } else {
                    row.clone()
                };
                if change > 0 {
                    depth += change;
                }
                out
            })
            .collect()
    }
}

/// Drops the repeats among the messages reported since `before` (errors,
/// warnings) and among the queued expression cells: a loop's copies of a row
/// share its location, so each would say the same thing once per choice.
pub(super) fn dedupe(diag: &mut Diagnostics, before: (usize, usize), exprs: &mut Vec<ExprCell>) {
    let (errors, warnings) = before;
    let new_errors = diag.errors.split_off(errors.min(diag.errors.len()));
    for e in new_errors {
        if !diag.errors[errors..].contains(&e) {
            diag.errors.push(e);
        }
    }
    let new_warnings = diag.warnings.split_off(warnings.min(diag.warnings.len()));
    for w in new_warnings {
        if !diag.warnings[warnings..].contains(&w) {
            diag.warnings.push(w);
        }
    }
    let mut seen = HashSet::new();
    exprs.retain(|c| {
        let l = &c.location;
        seen.insert((l.sheet.clone(), l.row, l.column.clone(), c.text.clone()))
    });
}

/// The index of the `end loop` closing a loop whose body starts at `from`.
fn matching_end(rows: &[Row], from: usize, type_col: &Column) -> Option<usize> {
    let mut open = 0usize;
    for (i, row) in rows.iter().enumerate().skip(from) {
        match marker(row.cell(type_col.index)) {
            Some(Marker::Begin(_)) => open += 1,
            Some(Marker::End) if open == 0 => return Some(i),
            Some(Marker::End) => open -= 1,
            None => {}
        }
    }
    None
}

/// Python's `text % {"name": name, "label": label}` for the two keys
/// pyxform provides (`%%` is a literal `%`); any other `%` is kept.
fn substitute(text: &str, name: &str, label: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("%(name)s") {
            out.push_str(name);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("%(label)s") {
            out.push_str(label);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("%%") {
            out.push('%');
            rest = after;
        } else {
            out.push('%');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(
            marker("begin loop over rooms"),
            Some(Marker::Begin(Some("rooms")))
        );
        assert_eq!(
            marker("begin_loop over rooms"),
            Some(Marker::Begin(Some("rooms")))
        );
        assert_eq!(
            marker("Begin Loop rooms"),
            Some(Marker::Begin(Some("rooms")))
        );
        assert_eq!(marker("begin loop"), Some(Marker::Begin(None)));
        assert_eq!(marker("end loop"), Some(Marker::End));
        assert_eq!(marker("END_LOOP"), Some(Marker::End));
        assert_eq!(marker("begin group"), None);
        assert_eq!(marker("begin looped group"), None);
        assert_eq!(marker("begin loop over two lists"), None);
        assert_eq!(marker("end"), None);
    }

    #[test]
    fn substitution_is_pythons_for_name_and_label() {
        assert_eq!(
            substitute(
                "How many %(label)s (%(name)s)? 100%% %d",
                "pit",
                "Pit latrine"
            ),
            "How many Pit latrine (pit)? 100% %d"
        );
        assert_eq!(substitute("no markers", "a", "b"), "no markers");
        assert_eq!(substitute("ends with %", "a", "b"), "ends with %");
    }

    #[test]
    fn blocks_open_and_close_but_the_end_type_does_not() {
        assert_eq!(depth_change("begin group"), 1);
        assert_eq!(depth_change("begin_repeat"), 1);
        assert_eq!(depth_change("end group"), -1);
        assert_eq!(depth_change("end"), 0);
        assert_eq!(depth_change("text"), 0);
    }
}
