//! `${last-saved#name}`: the answers of the last response saved of a form
//! on this device (ODK's `instance('__last-saved')`), read by defaults and
//! other expressions of a new response: a street entered in the previous
//! interview, a counter that goes on from the last one.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::FormState;
use super::context::typed_text;
use crate::expr::Value;
use crate::model::Form;

/// Answer texts by field path (`household/street`, as
/// [`CompiledForm::path_of`](crate::compile::CompiledForm::path_of) writes
/// it). By path rather than by field id so that a response of another
/// version of the form still gives the answers of the fields both have.
/// A field in a repeat has its first instance's answer (XPath's first node,
/// as in ODK).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastSaved {
    answers: HashMap<String, String>,
}

impl LastSaved {
    /// From a response's answer tree ([`Response::answers`]: groups as
    /// objects, repeats as arrays of objects, answers as strings). Anything
    /// else in the tree (a number from an older app) is read as its text.
    ///
    /// [`Response::answers`]: crate::response::Response::answers
    pub fn from_answers(answers: &Json) -> LastSaved {
        let mut out = LastSaved::default();
        out.read(answers, "");
        out
    }

    fn read(&mut self, node: &Json, prefix: &str) {
        let Json::Object(map) = node else {
            return;
        };
        for (name, value) in map {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            match value {
                Json::Object(_) => self.read(value, &path),
                Json::Array(items) => {
                    if let Some(first) = items.first() {
                        self.read(first, &path);
                    }
                }
                Json::String(text) => {
                    self.answers.insert(path, text.clone());
                }
                Json::Number(n) => {
                    self.answers.insert(path, n.to_string());
                }
                Json::Bool(b) => {
                    self.answers.insert(path, b.to_string());
                }
                Json::Null => {}
            }
        }
    }

    /// Whether any expression of `form` reads `${last-saved#name}`: only
    /// then is the last saved response worth looking up.
    pub fn wanted_by(form: &Form) -> bool {
        // Every expression, label, hint and message is a string somewhere
        // in the items.
        serde_json::to_string(&form.items).is_ok_and(|text| text.contains("${last-saved#"))
    }

    /// As kept in a draft: answer texts by field path.
    pub fn to_map(&self) -> Map<String, Json> {
        let mut paths: Vec<(&String, &String)> = self.answers.iter().collect();
        // Sorted: the same draft serializes to the same bytes.
        paths.sort();
        paths
            .into_iter()
            .map(|(path, text)| (path.clone(), Json::String(text.clone())))
            .collect()
    }

    /// Back from [`LastSaved::to_map`].
    pub fn from_map(map: &Map<String, Json>) -> LastSaved {
        LastSaved {
            answers: map
                .iter()
                .filter_map(|(path, text)| Some((path.clone(), text.as_str()?.to_owned())))
                .collect(),
        }
    }

    /// No last saved response (the first of a form on the device).
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// The answer at `path`, if the last response had one.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.answers.get(path).map(String::as_str)
    }
}

impl FormState {
    /// The last saved answers this response started from (empty when none
    /// was given, e.g. a response reopened from a draft or from a submission).
    pub fn last_saved(&self) -> &LastSaved {
        &self.last_saved
    }

    /// What `${last-saved#name}` reads: typed like the field's own answer;
    /// empty without a last saved answer or when `name` is not one field.
    pub(crate) fn last_saved_value(&self, name: &str, offset: i32) -> Value {
        let Some(field) = self.form.lookup(name) else {
            return Value::empty();
        };
        let path = self.form.path_of(field);
        self.last_saved
            .get(&path)
            .map_or_else(Value::empty, |text| {
                typed_text(self.form.field(field).question_type(), text, offset)
            })
    }

    /// What `${last-saved#name}` shows in a label, hint or message: the
    /// answer as stored, as `${name}` shows the current one.
    pub(crate) fn last_saved_text(&self, name: &str) -> &str {
        self.form
            .lookup(name)
            .and_then(|field| self.last_saved.get(&self.form.path_of(field)))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::LastSaved;
    use crate::env::FixedEnvironment;
    use crate::state::FormState;
    use crate::testing::{compiled, errors, q};

    fn items() -> serde_json::Value {
        json!([
            q("street", "text", json!({ "default": "${last-saved#street}" })),
            {
                "kind": "group", "name": "visit", "items": [
                    q("count", "integer", json!({ "default": "${last-saved#count} + 1" })),
                ]
            },
            {
                "kind": "repeat", "name": "member", "items": [q("who", "text", json!({}))]
            },
            q("first_member", "calculate", json!({ "calculation": "${last-saved#who}" })),
            q("same_street", "calculate", json!({
                "calculation": "if(${street} = ${last-saved#street}, 'yes', 'no')"
            })),
        ])
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn defaults_and_expressions_read_the_last_saved_response() {
        let form = compiled(items(), json!({}));
        let env = FixedEnvironment::default();
        let last = LastSaved::from_answers(&json!({
            "street": "Abbey Road",
            "visit": { "count": "41" },
            "member": [{ "who": "Ana" }, { "who": "Ion" }],
            "gone": "a field this version does not have",
        }));
        assert_eq!(last.get("visit/count"), Some("41"));
        let mut s = FormState::new_with_last_saved(form.clone(), &env, last);
        let value = |s: &FormState, path: &str| s.value(s.node(path).expect(path)).to_owned();
        assert_eq!(value(&s, "street"), "Abbey Road");
        // Typed as the field: a number, so `+ 1` counts on.
        assert_eq!(value(&s, "count"), "42");
        // In a repeat: the first instance's answer, as in ODK.
        assert_eq!(value(&s, "first_member"), "Ana");
        assert_eq!(value(&s, "same_street"), "yes");
        // A default is a starting point: the answer can change, and the
        // last saved value stays what it was.
        s.set("street", "Penny Lane", &env).expect("sets");
        assert_eq!(value(&s, "same_street"), "no");
        assert_eq!(s.last_saved().get("street"), Some("Abbey Road"));

        // A draft keeps what the response started from: reopened, it
        // computes the same.
        let draft = s.to_draft();
        assert_eq!(draft.last_saved["visit/count"], "41");
        let reopened = FormState::from_draft(form.clone(), &draft, &env).expect("reopens");
        assert_eq!(reopened.snapshot(), s.snapshot());
        assert_eq!(value(&reopened, "first_member"), "Ana");

        // The first response of a form: nothing saved yet, all empty.
        let first = FormState::new(form.clone(), &env);
        assert_eq!(value(&first, "street"), "");
        assert_eq!(value(&first, "count"), "NaN");
        assert_eq!(value(&first, "first_member"), "");
        assert!(first.last_saved().is_empty());
        assert!(first.to_draft().last_saved.is_empty());
        assert!(LastSaved::wanted_by(&form.form));
        assert!(!LastSaved::wanted_by(&crate::testing::form(
            json!([q("a", "text", json!({ "default": "${a}" }))]),
            json!({})
        )));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn last_saved_names_a_field_and_is_no_dependency() {
        // A default reading its own field's last answer is no cycle.
        let ok = errors(
            json!([q("n", "integer", json!({ "default": "${last-saved#n}" }))]),
            json!({}),
        );
        assert!(ok.is_empty(), "{ok:?}");
        let unknown = errors(
            json!([q(
                "n",
                "integer",
                json!({ "calculation": "${last-saved#m} + 1" })
            )]),
            json!({}),
        );
        assert_eq!(
            unknown,
            vec!["field `n`, calculation: ${m} at position 0 is not a field; did you mean ${n}?"]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn labels_hints_and_messages_show_the_last_saved_answer() {
        let form = compiled(
            json!([
                q("street", "text", json!({
                    "label": { "en": "Street (last time: ${last-saved#street})" },
                    "hint": { "en": "Was ${ last-saved#count }, now ${count}" },
                })),
                q("count", "integer", json!({
                    "constraint": ". > ${last-saved#count}",
                    "constraint_message": { "en": "More than ${last-saved#count}, please" },
                })),
                { "kind": "repeat", "name": "member", "items": [q("who", "text", json!({
                    "label": { "en": "After ${last-saved#who}" },
                }))]},
            ]),
            json!({}),
        );
        let env = FixedEnvironment::default();
        let last = LastSaved::from_answers(&json!({
            "street": "Abbey Road",
            "count": "41",
            "member": [{ "who": "Ana" }],
        }));
        let mut s = FormState::new_with_last_saved(form.clone(), &env, last);
        let node = |s: &FormState, path: &str| s.node(path).expect(path);
        assert_eq!(
            s.label(node(&s, "street")),
            "Street (last time: Abbey Road)"
        );
        s.set("count", "40", &env).expect("sets");
        assert_eq!(s.hint(node(&s, "street")), "Was 41, now 40");
        let issue = crate::validate::validate_node(&s, node(&s, "count"), "en").expect("too few");
        assert_eq!(issue.message, "More than 41, please");
        s.add("member", &env).expect("adds");
        assert_eq!(s.label(node(&s, "member[1]/who")), "After Ana");
        // Fixed for the session: no text redraws when `street` changes.
        let street = form.lookup("street").expect("street");
        assert!(form.text_readers(street).is_empty());
        assert!(LastSaved::wanted_by(&crate::testing::form(
            json!([q(
                "a",
                "text",
                json!({ "label": { "en": "${last-saved#a}" } })
            )]),
            json!({})
        )));
        // The first response of a form: shown as empty.
        let first = FormState::new(form.clone(), &env);
        assert_eq!(first.label(node(&first, "street")), "Street (last time: )");

        let unknown = errors(
            json!([q(
                "a",
                "text",
                json!({ "label": { "en": "${last-saved#b}" } })
            )]),
            json!({}),
        );
        assert_eq!(
            unknown,
            vec!["field `a`, label (en): ${b} is not a field; did you mean ${a}?"]
        );
    }

    /// On the server there is no last saved response: what was computed
    /// from it is the device's word, as for the clock.
    #[wasm_bindgen_test(unsupported = test)]
    fn the_server_keeps_what_came_from_the_last_saved_response() {
        use crate::response::{Meta, Response, Status};
        let form = compiled(items(), json!({}));
        let env = FixedEnvironment::default();
        let answers = json!({
            "street": "Abbey Road",
            "visit": { "count": "42" },
            "first_member": "Ana",
            "same_street": "yes",
        });
        let response = Response {
            instance_id: "0190b4e7-a2c5-7f1d-8c1e-3d2e1f0a9b8c".into(),
            form_id: "test".into(),
            form_version: "1".into(),
            status: Status::Complete,
            meta: Meta::default(),
            answers: answers.clone(),
        };
        let state = FormState::from_response(form, &response, &env).expect("loads");
        assert!(state.last_saved().is_empty());
        let computed = state.computed_answers(&answers);
        assert_eq!(computed["first_member"], "Ana");
        assert_eq!(computed["same_street"], "yes");
    }
}
