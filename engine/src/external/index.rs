//! Choice filters answered from an index instead of a scan.
//!
//! A cascading select over a long list (40,000 villages filtered by
//! `state = ${state} and district = ${district}`) would evaluate its filter
//! once per row on every edit of either answer. When the filter is a
//! conjunction containing tests `column = <expression of the form only>`,
//! those columns are indexed when the form is compiled: the rows are
//! grouped by their values in those columns, and an edit looks the answers
//! up (one hash lookup) and, if the filter has other terms, evaluates it on
//! those rows only.
//!
//! The result is exactly the scan's: the lookup is used only when every
//! looked-up side evaluates to text (XPath `=` between two strings is plain
//! string equality); a number, a date or a node-set falls back to the scan.

use std::collections::HashMap;

use crate::expr::eval::{and_terms, row_independent};
use crate::expr::{BinOp, Expr, ExprKind, Value};
use crate::model::Choice;

/// See the module docs.
#[derive(Debug)]
pub(crate) struct FilterIndex {
    /// The row-independent side of each indexed test, in key order.
    keys: Vec<Expr>,
    /// Key (the row's values in the indexed columns) → rows, ascending.
    map: HashMap<Vec<String>, Vec<u32>>,
    /// The filter is exactly the indexed tests: the rows found need no
    /// further evaluation.
    pub exact: bool,
}

impl FilterIndex {
    /// Builds the index of `filter` over `list`, if the filter has a test
    /// it can use.
    pub(crate) fn build(filter: &Expr, list: &[Choice]) -> Option<FilterIndex> {
        let mut conjuncts = Vec::new();
        and_terms(filter, &mut conjuncts);
        let mut columns: Vec<&str> = Vec::new();
        let mut keys = Vec::new();
        let mut exact = true;
        for c in &conjuncts {
            match equality(c).filter(|(col, _)| indexable(col, list)) {
                Some((col, key)) => {
                    columns.push(col);
                    keys.push(key.clone());
                }
                None => exact = false,
            }
        }
        if keys.is_empty() {
            return None;
        }
        let mut map: HashMap<Vec<String>, Vec<u32>> = HashMap::new();
        for (i, choice) in list.iter().enumerate() {
            let key = columns
                .iter()
                .map(|col| column_value(choice, col).unwrap_or_default().to_owned())
                .collect();
            map.entry(key).or_default().push(i as u32);
        }
        Some(FilterIndex { keys, map, exact })
    }

    /// The rows whose indexed columns equal the current values of the
    /// keys, `eval` evaluating a key at the filter's evaluation point;
    /// `None` when a key is not text (then the caller scans).
    pub(crate) fn candidates(&self, eval: impl Fn(&Expr) -> Value) -> Option<&[u32]> {
        let mut values = Vec::with_capacity(self.keys.len());
        for k in &self.keys {
            match eval(k) {
                Value::String(s) => values.push(s),
                _ => return None,
            }
        }
        Some(self.map.get(&values).map_or(&[], Vec::as_slice))
    }
}

/// `column = e` or `e = column` with `e` independent of the row.
fn equality(e: &Expr) -> Option<(&str, &Expr)> {
    let ExprKind::Binary {
        op: BinOp::Eq,
        lhs,
        rhs,
    } = &e.kind
    else {
        return None;
    };
    match (bare(lhs), bare(rhs)) {
        (Some(col), None) if row_independent(rhs) => Some((col, rhs)),
        (None, Some(col)) if row_independent(lhs) => Some((col, lhs)),
        _ => None,
    }
}

fn bare(x: &Expr) -> Option<&str> {
    match &x.kind {
        ExprKind::Path(p) if p.is_bare_name() => p.field_name(),
        _ => None,
    }
}

/// A column whose value does not depend on the language: not a choice's
/// translated label.
fn indexable(column: &str, list: &[Choice]) -> bool {
    list.iter().all(|c| column_value(c, column).is_some())
}

/// A choice's value in `column` as a filter reads it (see
/// `state::context`): a property, else the name; `None` for the label,
/// which depends on the language.
pub(crate) fn column_value<'c>(choice: &'c Choice, column: &str) -> Option<&'c str> {
    match choice.properties.get(column) {
        Some(v) => Some(v),
        None => match column {
            "name" => Some(&choice.name),
            "label" => None,
            _ => Some(""),
        },
    }
}
