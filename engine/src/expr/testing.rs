//! A tiny [`EvalContext`] backed by maps, for the unit tests of this module.

use std::collections::HashMap;

use super::eval::{EvalContext, evaluate};
use super::parse::parse;
use super::value::Value;
use crate::env::{Environment, FixedEnvironment};

pub(crate) struct Ctx {
    fields: HashMap<String, Value>,
    current: Value,
    position: Option<usize>,
    indexed: HashMap<String, Value>,
    choices: HashMap<(String, String), String>,
    pub(crate) env: FixedEnvironment,
}

impl Ctx {
    /// Fixed at 2024-01-15T10:30:00Z, UTC offset 0.
    pub(crate) fn new() -> Self {
        Self {
            fields: HashMap::new(),
            current: Value::empty(),
            position: None,
            indexed: HashMap::new(),
            choices: HashMap::new(),
            env: FixedEnvironment::default(),
        }
    }

    pub(crate) fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(name.to_owned(), value.into());
        self
    }

    pub(crate) fn current(mut self, value: impl Into<Value>) -> Self {
        self.current = value.into();
        self
    }

    pub(crate) fn position(mut self, p: usize) -> Self {
        self.position = Some(p);
        self
    }

    pub(crate) fn indexed(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.indexed.insert(key.to_owned(), value.into());
        self
    }

    pub(crate) fn choice(mut self, field: &str, value: &str, label: &str) -> Self {
        self.choices
            .insert((field.to_owned(), value.to_owned()), label.to_owned());
        self
    }

    pub(crate) fn offset(mut self, minutes: i32) -> Self {
        self.env.utc_offset_minutes = minutes;
        self
    }
}

impl EvalContext for Ctx {
    fn resolve(&self, name: &str) -> Value {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    fn current(&self) -> Value {
        self.current.clone()
    }

    fn position(&self) -> Option<usize> {
        self.position
    }

    /// Keys look like `field|repeat:1|inner:2`.
    fn indexed_repeat(&self, field: &str, repeats: &[(&str, usize)]) -> Value {
        let mut key = field.to_owned();
        for (r, i) in repeats {
            key.push_str(&format!("|{r}:{i}"));
        }
        self.indexed.get(&key).cloned().unwrap_or_default()
    }

    fn choice_label(&self, field: &str, value: &str) -> Option<String> {
        self.choices
            .get(&(field.to_owned(), value.to_owned()))
            .cloned()
    }

    fn env(&self) -> &dyn Environment {
        &self.env
    }
}

pub(crate) fn eval_with(ctx: &Ctx, src: &str) -> Value {
    let expr = parse(src).unwrap_or_else(|e| panic!("`{src}` should parse: {e}"));
    evaluate(&expr, ctx)
}

pub(crate) fn eval(src: &str) -> Value {
    eval_with(&Ctx::new(), src)
}

/// Evaluate and convert to a string, for compact assertions.
pub(crate) fn eval_str(src: &str) -> String {
    eval(src).as_string()
}

/// Evaluate and convert to a number.
pub(crate) fn eval_num(src: &str) -> f64 {
    eval(src).as_number()
}
