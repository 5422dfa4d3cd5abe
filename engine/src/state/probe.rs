//! Evaluating one ad-hoc expression, for designers trying their logic
//! (`fieldform expr`): against a form state at a chosen node, or alone.

use super::context::Ctx;
use super::{FormState, InstanceId, StateError};
use crate::compile::{Compiled, FieldKind};
use crate::env::Environment;
use crate::expr::{self, EvalContext, ParseError, Value, evaluate, suggest};

/// Why an expression could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("${{{name}}} at position {position} is not a field of this form{}",
        suggestion.as_ref().map_or_else(String::new, |s| format!("; did you mean ${{{s}}}?")))]
    UnknownReference {
        name: String,
        position: usize,
        suggestion: Option<String>,
    },
    /// Several fields are called `name` (in different groups).
    #[error("${{{name}}} at position {position} is ambiguous: {} fields are called `{name}` ({}); write a path such as `/data/{}`", paths.len(), paths.join(", "), paths.first().map_or("", String::as_str))]
    AmbiguousReference {
        name: String,
        position: usize,
        paths: Vec<String>,
    },
    #[error("${{{name}}} at position {position}: no form to look it up in (give one with --form)")]
    NoForm { name: String, position: usize },
    #[error("--at {0}")]
    At(#[from] StateError),
}

/// The XPath type name of a value, as designers know them.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Date(_) => "date",
        Value::DateTime { .. } => "dateTime",
        Value::Nodeset(_) => "node-set",
    }
}

/// Evaluates `src` with no form: literals and functions only.
pub fn evaluate_alone(src: &str, env: &dyn Environment) -> Result<Value, ProbeError> {
    let parsed = expr::parse(src)?;
    if let Some(r) = parsed.references().into_iter().find(|r| !r.bare) {
        let position = r.position();
        return Err(ProbeError::NoForm {
            name: r.name,
            position,
        });
    }
    struct Alone<'a>(&'a dyn Environment);
    impl EvalContext for Alone<'_> {
        fn resolve(&self, _: &str) -> Value {
            Value::empty()
        }
        fn current(&self) -> Value {
            Value::empty()
        }
        fn env(&self) -> &dyn Environment {
            self.0
        }
    }
    Ok(evaluate(&parsed, &Alone(env)))
}

impl FormState {
    /// Evaluates `src` as if it belonged to the node at `at` (a path such as
    /// `hh_member[2]/age`; `None`: the top level): references resolve from
    /// that node's repeat instance and `.` is its value.
    pub fn evaluate_expression(
        &self,
        src: &str,
        at: Option<&str>,
        env: &dyn Environment,
    ) -> Result<Value, ProbeError> {
        let mut parsed = expr::parse(src)?;
        let node = at.map(|path| self.node(path)).transpose()?;
        // Location paths resolve from the node, as the form's own would.
        self.form.resolve_paths(&mut parsed, node.map(|n| n.field));
        let mut refs = Vec::new();
        for r in parsed.references() {
            match self.form.lookup(&r.name) {
                Some(field) => refs.push((r.name, field)),
                // A bare name or a path that designates no field: empty, as in ODK.
                None if r.bare || src.chars().nth(r.position()) != Some('$') => {}
                None if self.form.named(&r.name).len() > 1 => {
                    let form = &self.form;
                    return Err(ProbeError::AmbiguousReference {
                        position: r.position(),
                        paths: form
                            .named(&r.name)
                            .into_iter()
                            .map(|f| form.path_of(f))
                            .collect(),
                        name: r.name,
                    });
                }
                None => {
                    let names = self.form.fields.iter().map(|f| f.name.as_str());
                    let suggestion = suggest(&r.name, names).map(str::to_owned);
                    return Err(ProbeError::UnknownReference {
                        position: r.position(),
                        name: r.name,
                        suggestion,
                    });
                }
            }
        }
        let (inst, current) = match node {
            None => (InstanceId::ROOT, Value::empty()),
            Some(node) => {
                let f = self.form.field(node.field);
                let current = if matches!(f.kind, FieldKind::Question(_)) {
                    self.typed_value(node, env)
                } else {
                    Value::empty()
                };
                (node.instance, current)
            }
        };
        let compiled = Compiled {
            source: src.to_owned(),
            uses_current: parsed.uses_current(),
            uses_position: false,
            uses_language: false,
            expr: parsed,
            refs,
            context: node.map(|n| n.field),
        };
        let ctx = Ctx {
            state: self,
            expr: &compiled,
            inst,
            current,
            choice: None,
            env,
        };
        Ok(evaluate(&compiled.expr, &ctx))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::compile::compile;
    use crate::env::FixedEnvironment;
    use crate::model::{Form, Item, Question, QuestionType, Repeat};

    fn state(env: &FixedEnvironment) -> FormState {
        let mut form: Form = serde_json::from_str(
            r#"{"format":1,"id":"p","version":"1","title":{"en":"P"},
                "languages":[{"code":"en","name":"English"}],"default_language":"en","items":[]}"#,
        )
        .expect("form");
        let mut rep = Repeat {
            name: "member".into(),
            label: Default::default(),
            relevant: None,
            appearance: None,
            repeat_count: None,
            min_instances: None,
            max_instances: None,
            items: vec![Item::Question(Question::new("age", QuestionType::Integer))],
        };
        rep.min_instances = Some(2);
        form.items = vec![
            Item::Question(Question::new("hh_size", QuestionType::Integer)),
            Item::Repeat(rep),
        ];
        let compiled = compile(&form).expect("compiles");
        let mut state = FormState::new(Arc::new(compiled), env);
        state.set("hh_size", "2", env).expect("set");
        state.set("member[1]/age", "30", env).expect("set");
        state.set("member[2]/age", "12", env).expect("set");
        state
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn evaluates_at_top_level_and_in_an_instance() {
        let env = FixedEnvironment::default();
        let s = state(&env);
        let v = s
            .evaluate_expression("sum(${age}) + ${hh_size}", None, &env)
            .expect("ok");
        assert_eq!(v.as_string(), "44");
        let v = s
            .evaluate_expression(". * 2 + position(..)", Some("member[2]/age"), &env)
            .expect("ok");
        assert_eq!(v.as_string(), "26");
        assert_eq!(type_name(&v), "number");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reports_unknown_references_with_suggestion() {
        let env = FixedEnvironment::default();
        let err = state(&env)
            .evaluate_expression("${hh_sise} + 1", None, &env)
            .expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "${hh_sise} at position 0 is not a field of this form; did you mean ${hh_size}?"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn alone_evaluates_functions_and_refuses_references() {
        let env = FixedEnvironment::default();
        let v = evaluate_alone("concat('a', 1 + 2)", &env).expect("ok");
        assert_eq!((v.as_string().as_str(), type_name(&v)), ("a3", "string"));
        let err = evaluate_alone("1 + ${x}", &env).expect_err("no form");
        assert_eq!(
            err.to_string(),
            "${x} at position 4: no form to look it up in (give one with --form)"
        );
        let err = evaluate_alone("1 + ", &env).expect_err("parse");
        assert!(err.to_string().contains("position"), "{err}");
    }
}
