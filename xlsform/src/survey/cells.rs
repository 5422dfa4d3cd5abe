//! One survey row read by column key: text per language, expressions
//! (repaired and queued for the checks), conditions and counts.

use std::collections::HashMap;

use fieldform_engine::model::{Condition, Text};

use super::SHEET;
use crate::columns::{Column, Table};
use crate::errors::{Diagnostics, Location};
use crate::expressions::{CellKind, ExprCell};
use crate::fixes::{Fixed, fix};
use crate::languages::Languages;
use crate::reference_syntax::first_malformed;
use crate::workbook::Row;

/// Reads the cells of one row by column key, queueing expressions for the
/// checks and reporting repairs.
pub(super) struct Cells<'a, 'd> {
    pub table: &'a Table<'a>,
    pub row: &'a Row,
    pub langs: &'a Languages,
    pub selects: &'a HashMap<String, String>,
    pub exprs: &'a mut Vec<ExprCell>,
    pub diag: &'d mut Diagnostics,
    /// An unsupported type kept as a hidden field: its own columns
    /// (a `select_one_from_file`'s choice_filter) are dropped without a word,
    /// the type's warning says it all.
    pub hidden: bool,
}

impl Cells<'_, '_> {
    pub fn col(&self, key: &str) -> Option<&Column> {
        self.table.column(key)
    }

    pub fn get(&self, key: &str) -> Option<(&Column, &str)> {
        let c = self.col(key)?;
        let v = self.row.cell(c.index);
        (!v.is_empty()).then_some((c, v))
    }

    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(|(_, v)| v.to_owned())
    }

    pub fn loc(&self, column: &Column) -> Location {
        Location::cell(SHEET, self.row.number, &column.header)
    }

    /// Text per language; a suffixed column wins over the unsuffixed one
    /// for the same language.
    pub fn translated(&mut self, key: &str) -> Text {
        let mut text = Text::default();
        let mut columns: Vec<&Column> = self.table.translations(key).collect();
        columns.sort_by_key(|c| c.lang.is_none());
        for c in columns {
            let v = self.row.cell(c.index);
            if v.is_empty() {
                continue;
            }
            // A malformed reference was refused with the sheet (`malformed`).
            if v.contains("${") && first_malformed(v).is_none() {
                self.exprs
                    .push(ExprCell::new(self.loc(c), v, CellKind::Text));
            }
            text.0
                .entry(self.langs.of(c.lang.as_deref()))
                .or_insert_with(|| v.to_owned());
        }
        text
    }

    /// An expression cell, repaired where ODK would accept it, and queued
    /// for the parse and reference checks.
    pub fn expr(&mut self, key: &str, kind: CellKind) -> Option<String> {
        let (c, v) = self.get(key)?;
        let loc = self.loc(c);
        if first_malformed(v).is_some() {
            // Refused with the sheet (`malformed`): no parse error on top.
            return Some(v.to_owned());
        }
        let text = if kind == CellKind::Default {
            v.to_owned()
        } else {
            match fix(v, self.selects) {
                Fixed::Use { text, warnings } => {
                    for w in warnings {
                        self.diag.warn(loc.clone(), w);
                    }
                    text
                }
                Fixed::Drop { warning } => {
                    self.diag.warn(loc, warning);
                    return None;
                }
            }
        };
        self.exprs.push(ExprCell::new(loc, &text, kind));
        Some(text)
    }

    /// `required`/`read_only`: yes/no, true/false, true()/false(), or an expression.
    pub fn condition(&mut self, key: &str) -> Option<Condition> {
        let (_, v) = self.get(key)?;
        match v.to_lowercase().as_str() {
            "yes" | "true" | "true()" => Some(Condition::Const(true)),
            "no" | "false" | "false()" => Some(Condition::Const(false)),
            _ => self.expr(key, CellKind::Expression).map(Condition::Expr),
        }
    }

    pub fn count(&mut self, key: &str) -> Option<u32> {
        let (c, v) = self.get(key)?;
        match v.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                let loc = self.loc(c);
                self.diag.error(loc, format!("`{v}` is not a whole number"));
                None
            }
        }
    }
}
