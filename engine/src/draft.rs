//! A response being filled in, saved exactly as it stands on the device.
//!
//! A draft is not a submission: it keeps every stored answer, including
//! those relevance hides now (they come back when the question does, as in
//! ODK Collect), every repeat instance, the language and when filling in
//! began. Computed values are left out (they are recomputed on loading);
//! so is `end` (it is the time of saving a submission).
//!
//! ```json
//! { "format": 1, "instance_id": "0190…", "form_id": "hh", "form_version": "3",
//!   "started": "2026-11-30T09:12:00.000+02:00", "language": "ro",
//!   "answers": { "consent": "yes", "member": [ { "name": "Ana" } ] } }
//! ```
//!
//! `format` is versioned like a database schema: a later engine reads
//! every earlier format (there is one so far) and refuses a newer one with
//! a message, never guesses.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::compile::{CompiledForm, FieldId, FieldKind};
use crate::env::Environment;
use crate::model::QuestionType;
use crate::response::{ResponseError, Saved};
use crate::state::{FormState, InstanceId, LastSaved, NodeRef};

/// The draft format this engine writes.
pub const DRAFT_FORMAT: u32 = 1;

/// See the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub format: u32,
    pub instance_id: String,
    pub form_id: String,
    pub form_version: String,
    /// When filling in began (ISO 8601 date-time).
    pub started: String,
    /// The language the enumerator was using.
    pub language: String,
    /// Stored answers by field name, groups as objects, repeats as arrays.
    pub answers: Json,
    /// The last saved answers the response started from, by field path
    /// (what `${last-saved#name}` reads), so that a reopened draft computes
    /// as it did; absent when the form reads none.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub last_saved: Map<String, Json>,
}

/// Why a draft cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error(
        "the draft is in format {found}, newer than this app reads ({DRAFT_FORMAT}): update the app"
    )]
    NewerFormat { found: u32 },
    #[error(transparent)]
    Answers(#[from] ResponseError),
}

impl FormState {
    /// The live state as a [`Draft`] (see the module docs).
    pub fn to_draft(&self) -> Draft {
        let top: Vec<FieldId> = self.form.top_level().collect();
        Draft {
            format: DRAFT_FORMAT,
            instance_id: self.instance_id.clone(),
            form_id: self.form.form.id.clone(),
            form_version: self.form.form.version.clone(),
            started: self.started.clone(),
            language: self.lang.clone(),
            answers: Json::Object(self.stored_answers(InstanceId::ROOT, &top)),
            last_saved: self.last_saved.to_map(),
        }
    }

    /// Every stored answer of `inst` (hidden ones too), as in a draft.
    pub(crate) fn stored_answers(&self, inst: InstanceId, fields: &[FieldId]) -> Map<String, Json> {
        let mut out = Map::new();
        for &f in fields {
            let field = self.form.field(f);
            match field.kind {
                FieldKind::Question(t) => {
                    let computed =
                        field.props.calculation.is_some() && field.props.trigger.is_empty();
                    if computed || t == QuestionType::End {
                        continue;
                    }
                    let value = self.value(NodeRef {
                        field: f,
                        instance: inst,
                    });
                    if !value.is_empty() {
                        out.insert(field.name.clone(), Json::String(value.to_owned()));
                    }
                }
                FieldKind::Group => {
                    let inner = self.stored_answers(inst, &field.children);
                    if !inner.is_empty() {
                        out.insert(field.name.clone(), Json::Object(inner));
                    }
                }
                FieldKind::Repeat => {
                    let items = self
                        .instances(f, inst)
                        .iter()
                        .map(|&i| Json::Object(self.stored_answers(i, &field.children)))
                        .collect();
                    out.insert(field.name.clone(), Json::Array(items));
                }
            }
        }
        out
    }

    /// Restores a draft: the same answers (hidden ones included), repeat
    /// instances, language and start time; everything computed is
    /// recomputed. Every name must be a field in its place.
    pub fn from_draft(
        form: Arc<CompiledForm>,
        draft: &Draft,
        env: &dyn Environment,
    ) -> Result<FormState, DraftError> {
        if draft.format > DRAFT_FORMAT {
            return Err(DraftError::NewerFormat {
                found: draft.format,
            });
        }
        let saved = Saved {
            form_id: &draft.form_id,
            form_version: &draft.form_version,
            instance_id: &draft.instance_id,
            started: Some(&draft.started),
            language: Some(&draft.language),
            answers: &draft.answers,
        };
        let mut state = Self::restore(form, saved, env)?;
        if !draft.last_saved.is_empty() {
            // Computed again with what `${last-saved#name}` read at the start.
            state.last_saved = std::sync::Arc::new(LastSaved::from_map(&draft.last_saved));
            state.recompute_all(env);
        }
        Ok(state)
    }

    /// The response's name in lists: the form's `instance_name` expression
    /// evaluated now (e.g. "Household 0421, Cahul"), or `None` when the
    /// form has none or it evaluates to nothing.
    pub fn instance_name(&self, env: &dyn Environment) -> Option<String> {
        let src = self.form.form.settings.instance_name.as_deref()?;
        let name = self.evaluate_expression(src, None, env).ok()?.as_string();
        let name = name.trim();
        (!name.is_empty()).then(|| name.to_owned())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::compile::compile;
    use crate::env::FixedEnvironment;
    use crate::response::fixtures::{add_answered, household_items};
    use crate::testing::{form, q};

    fn compiled(instance_name: Option<&str>) -> Arc<CompiledForm> {
        let mut f = form(
            household_items(
                &[q("hh_id", "text", json!({ "default": "0001" }))],
                &[q("note_age", "text", json!({ "relevant": "${age} >= 15" }))],
            ),
            json!({}),
        );
        f.settings.instance_name = instance_name.map(str::to_owned);
        Arc::new(compile(&f).unwrap())
    }

    fn filled(env: &FixedEnvironment) -> FormState {
        let mut s = FormState::new(compiled(None), env);
        s.set("village", "Orhei", env).unwrap();
        s.set("hh_id", "", env).unwrap();
        s.set("household/hh_size", "7", env).unwrap();
        s.set("secret", "hidden later", env).unwrap();
        s.set("household/hh_size", "2", env).unwrap();
        let ana = [("name", "Ana"), ("age", "34"), ("note_age", "adult")];
        add_answered(&mut s, "member", &ana, env);
        add_answered(&mut s, "member", &[("name", "Ion"), ("age", "9")], env);
        // Ana's note becomes hidden, but stays in the draft.
        s.set("member[1]/age", "12", env).unwrap();
        s.add("member", env).unwrap();
        s.set_language("ro", env).unwrap();
        s
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn keeps_hidden_answers_empty_instances_and_the_language() {
        let env = FixedEnvironment::default();
        let d = filled(&env).to_draft();
        assert_eq!(d.format, DRAFT_FORMAT);
        assert_eq!(d.language, "ro");
        assert_eq!(
            d.answers,
            json!({
                "start": "2024-01-15T10:30:00.000+00:00",
                "village": "Orhei",
                "household": { "hh_size": "2", "secret": "hidden later" },
                "member": [
                    { "name": "Ana", "age": "12", "note_age": "adult" },
                    { "name": "Ion", "age": "9" },
                    {},
                ],
            })
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn restores_exactly_what_was_there() {
        let env = FixedEnvironment::default();
        let original = filled(&env);
        let text = serde_json::to_string(&original.to_draft()).unwrap();
        let draft: Draft = serde_json::from_str(&text).unwrap();
        let mut back = FormState::from_draft(compiled(None), &draft, &env).unwrap();
        assert_eq!(back.to_draft(), original.to_draft());
        assert_eq!(back.snapshot(), original.snapshot());
        assert_eq!(back.language(), "ro");
        assert_eq!(back.instance_id(), original.instance_id());
        // A default the enumerator cleared stays cleared.
        assert_eq!(back.value(back.node("hh_id").unwrap()), "");
        // Hidden answers come back when relevant again.
        back.set("household/hh_size", "6", &env).unwrap();
        assert_eq!(back.value(back.node("secret").unwrap()), "hidden later");
        back.set("member[1]/age", "40", &env).unwrap();
        let note = back.node("member[1]/note_age").unwrap();
        assert!(back.relevant(note));
        assert_eq!(back.value(note), "adult");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn refuses_newer_formats_other_forms_and_strangers() {
        let env = FixedEnvironment::default();
        let good = filled(&env).to_draft();
        let err = |d: Draft| {
            FormState::from_draft(compiled(None), &d, &env)
                .unwrap_err()
                .to_string()
        };
        let mut d = good.clone();
        d.format = DRAFT_FORMAT + 1;
        assert_eq!(
            err(d),
            "the draft is in format 2, newer than this app reads (1): update the app"
        );
        let mut d = good.clone();
        d.form_version = "9".into();
        assert_eq!(
            err(d),
            "the response is for form `test` version `9`, not `test` version `1`"
        );
        let mut d = good;
        d.answers = json!({ "member": [{ "nme": "x" }] });
        assert_eq!(
            err(d),
            "answers: `member[1]/nme` is not a field of this form"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn names_instances_by_the_forms_expression() {
        let env = FixedEnvironment::default();
        let form = compiled(Some("concat('Household ', ${hh_id}, ', ', ${village})"));
        let mut s = FormState::new(form, &env);
        s.set("village", "Cahul", &env).unwrap();
        s.set("hh_id", "0421", &env).unwrap();
        assert_eq!(
            s.instance_name(&env).as_deref(),
            Some("Household 0421, Cahul")
        );
        let unnamed = FormState::new(compiled(None), &env);
        assert_eq!(unnamed.instance_name(&env), None);
        let blank = FormState::new(compiled(Some("${village}")), &env);
        assert_eq!(blank.instance_name(&env), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_wrong_instance_name_is_a_compile_error() {
        let mut f = form(json!([q("village", "text", json!({}))]), json!({}));
        let compile_errors = |f: &crate::model::Form| -> Vec<String> {
            compile(f)
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        f.settings.instance_name = Some("concat(${vilage}, 'x')".into());
        assert_eq!(
            compile_errors(&f),
            [
                "settings, instance_name: ${vilage} at position 7 is not a field; did you mean ${village}?"
            ]
        );
        f.settings.instance_name = Some("concat(${village}".into());
        let errors = compile_errors(&f);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("settings, instance_name: "),
            "{}",
            errors[0]
        );
    }
}
