//! Labels, hints and messages as the enumerator sees them: in the chosen
//! language, with each `${name}` replaced by that field's current value
//! (and each `${last-saved#name}` by its answer in the last saved response).

use super::{FormState, InstanceId, NodeRef};
use crate::expr::lex::last_saved_name;
use crate::model::{Choice, Item, Text, insertions};

impl FormState {
    /// `text` in the state's language (else the form's default, else any),
    /// with insertions filled in from `at`'s repeat instance, the way an
    /// expression of that node would find them, showing the answer as
    /// stored: a non-relevant field shows as empty, a field in a repeat
    /// below shows its first instance.
    pub fn fill_text(&self, text: &Text, at: NodeRef) -> String {
        self.fill_text_in(text, at, &self.lang)
    }

    /// [`FormState::fill_text`] in `lang` rather than the state's language
    /// (the server reports problems in the language a client asks for).
    pub fn fill_text_in(&self, text: &Text, at: NodeRef, lang: &str) -> String {
        self.fill_text_from(text, at.instance, lang)
    }

    /// [`FormState::fill_text_in`] as seen from instance `inst` (also what
    /// a choice filter's `label::English` reads).
    pub(crate) fn fill_text_from(&self, text: &Text, inst: InstanceId, lang: &str) -> String {
        let Some(s) = text.get(lang, &self.form.form.default_language) else {
            return String::new();
        };
        let found = insertions(s);
        if found.is_empty() || self.tree.get(inst).is_none() {
            return s.to_owned();
        }
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for insertion in found {
            out.push_str(&s[last..insertion.range.start]);
            if let Some(base) = last_saved_name(&insertion.name) {
                out.push_str(self.last_saved_text(base.trim()));
            } else if let Some(field) = self.form.lookup(&insertion.name) {
                out.push_str(&self.text_from(inst, field));
            }
            last = insertion.range.end;
        }
        out.push_str(&s[last..]);
        out
    }

    /// A choice's label as the select `at` offers it: in `lang`, with
    /// insertions filled from `at`'s instance (pyxform's lists of the names
    /// entered so far label choices `${name1}`, `${name2}`); the choice's
    /// name when it has no label.
    pub fn choice_label_in(&self, choice: &Choice, at: NodeRef, lang: &str) -> String {
        match choice.label.get(lang, &self.form.form.default_language) {
            Some(_) => self.fill_text_from(&choice.label, at.instance, lang),
            None => choice.name.clone(),
        }
    }

    /// The label of choice `name` in `at`'s whole list (filtered or not),
    /// as [`FormState::choice_label_in`] fills it; `name` itself when the
    /// list has no such choice.
    pub fn label_of_choice(&self, at: NodeRef, name: &str, lang: &str) -> String {
        match self.form.choices(at.field).iter().find(|c| c.name == name) {
            Some(c) => self.choice_label_in(c, at, lang),
            None => name.to_owned(),
        }
    }

    /// The node's label (see [`FormState::fill_text`]); empty for unknown nodes.
    pub fn label(&self, node: NodeRef) -> String {
        self.item_text(node, |item| match item {
            Item::Question(q) => &q.label,
            Item::Group(g) => &g.label,
            Item::Repeat(r) => &r.label,
        })
    }

    /// The question's hint; empty for groups and repeats.
    pub fn hint(&self, node: NodeRef) -> String {
        self.question_text(node, |q| &q.hint)
    }

    /// The question's guidance hint (for the interviewer, not read out).
    pub fn guidance_hint(&self, node: NodeRef) -> String {
        self.question_text(node, |q| &q.guidance_hint)
    }

    fn question_text(&self, node: NodeRef, pick: fn(&crate::model::Question) -> &Text) -> String {
        self.item_text(node, |item| match item {
            Item::Question(q) => pick(q),
            _ => &EMPTY,
        })
    }

    fn item_text(&self, node: NodeRef, pick: impl Fn(&Item) -> &Text) -> String {
        match self.form.fields.get(node.field.index()) {
            Some(f) => self.fill_text(pick(&f.item), node),
            None => String::new(),
        }
    }
}

static EMPTY: Text = Text(std::collections::BTreeMap::new());

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use serde_json::{Value as Json, json};
    use wasm_bindgen_test::wasm_bindgen_test;

    use crate::compile::{CompiledForm, Property};
    use crate::env::FixedEnvironment;
    use crate::state::{ChangeKind, FormState};
    use crate::testing::{compiled, errors, q};

    /// The labels of the choices `path` offers, in the state's language.
    fn labels(s: &FormState, path: &str) -> Vec<String> {
        let at = s.node(path).unwrap();
        s.choices(at)
            .into_iter()
            .map(|c| s.choice_label_in(c, at, s.language()))
            .collect()
    }

    /// `head`, then a repeat `member` of `who`, `pick` (a select of
    /// `people`, whose labels show `head` and `who`) and `in_member`, then
    /// `after`; `people` ends with `more_choices`.
    fn people_form(in_member: &[Json], after: &[Json], more_choices: &[Json]) -> Arc<CompiledForm> {
        let mut member = vec![
            q("who", "text", json!({})),
            q("pick", "select_one", json!({ "choices": "people" })),
        ];
        member.extend_from_slice(in_member);
        let mut items = vec![
            q("head", "text", json!({})),
            json!({ "kind": "repeat", "name": "member", "label": { "en": "Person" }, "items": member }),
        ];
        items.extend_from_slice(after);
        let mut people = vec![
            json!({ "name": "h", "label": { "en": "${head} (head)", "ro": "${head} (cap)" } }),
            json!({ "name": "w", "label": { "en": "${who}" } }),
            json!({ "name": "n", "label": { "en": "Nobody" } }),
        ];
        people.extend_from_slice(more_choices);
        compiled(Json::Array(items), json!({ "people": people }))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn choice_labels_show_answers_from_the_selects_instance_and_redraw_with_them() {
        let env = FixedEnvironment::default();
        let form = people_form(&[], &[], &[json!({ "name": "x" })]);
        // The select is redrawn when a field its choices show changes.
        let id = |n: &str| form.lookup(n).unwrap();
        assert_eq!(form.text_readers(id("head")), [id("pick")]);
        assert_eq!(form.text_readers(id("who")), [id("pick")]);
        let mut s = FormState::new(form.clone(), &env);
        s.add("member", &env).unwrap();
        s.add("member", &env).unwrap();
        assert_eq!(labels(&s, "member[1]/pick"), [" (head)", "", "Nobody", "x"]);
        s.set("head", "Ana", &env).unwrap();
        s.set("member[1]/who", "Ion", &env).unwrap();
        s.set("member[2]/who", "Eva", &env).unwrap();
        assert_eq!(
            labels(&s, "member[1]/pick"),
            ["Ana (head)", "Ion", "Nobody", "x"]
        );
        assert_eq!(
            labels(&s, "member[2]/pick"),
            ["Ana (head)", "Eva", "Nobody", "x"]
        );
        // After an edit, the label reads the new answer.
        s.set("member[2]/who", "Maria", &env).unwrap();
        assert_eq!(labels(&s, "member[2]/pick")[1], "Maria");
        // In the language shown, else the default's text.
        s.set_language("ro", &env).unwrap();
        assert_eq!(
            labels(&s, "member[2]/pick"),
            ["Ana (cap)", "Maria", "Nobody", "x"]
        );
        let pick = s.node("member[1]/pick").unwrap();
        assert_eq!(s.label_of_choice(pick, "w", "en"), "Ion");
        assert_eq!(s.label_of_choice(pick, "gone", "en"), "gone");
    }

    /// `jr:choice-name` gives the label as the select shows it: filled in
    /// the expression's repeat instance and in the language shown, and
    /// computed again when a field the label shows changes.
    #[wasm_bindgen_test(unsupported = test)]
    fn choice_name_is_the_filled_label_and_follows_what_it_shows() {
        let env = FixedEnvironment::default();
        let form = people_form(
            &[
                q(
                    "named",
                    "calculate",
                    json!({ "calculation": "jr:choice-name(${pick}, '${pick}')" }),
                ),
                // Without the quotes, read as if quoted.
                q(
                    "bare",
                    "calculate",
                    json!({ "calculation": "jr:choice-name(${pick}, ${pick})" }),
                ),
            ],
            &[q(
                "first",
                "calculate",
                json!({ "calculation": "jr:choice-name('w', '/data/member/pick')" }),
            )],
            &[],
        );
        let id = |n: &str| form.lookup(n).unwrap();
        let reads = |n: &str| form.field(id(n)).reads(Property::Calculation);
        for n in ["named", "bare"] {
            assert_eq!(reads(n), [id("pick"), id("head"), id("who")], "{n}");
        }
        assert_eq!(reads("first"), [id("head"), id("who")]);
        let mut s = FormState::new(form.clone(), &env);
        s.add("member", &env).unwrap();
        s.add("member", &env).unwrap();
        s.set("member[1]/pick", "w", &env).unwrap();
        s.set("member[2]/pick", "w", &env).unwrap();
        s.set("member[1]/who", "Ion", &env).unwrap();
        let c = s.set("member[2]/who", "Eva", &env).unwrap();
        let changed: Vec<String> = c
            .items
            .iter()
            .filter(|i| i.kind == ChangeKind::Value)
            .map(|i| s.path(i.node))
            .collect();
        assert!(
            changed.contains(&"member[2]/named".to_owned()),
            "{changed:?}"
        );
        let value = |s: &FormState, p: &str| s.value(s.node(p).unwrap()).to_owned();
        assert_eq!(value(&s, "member[1]/named"), "Ion");
        assert_eq!(value(&s, "member[2]/named"), "Eva");
        assert_eq!(value(&s, "member[2]/bare"), "Eva");
        // From outside the repeat, `${who}` is the first instance's.
        assert_eq!(value(&s, "first"), "Ion");
        s.set("member[2]/pick", "h", &env).unwrap();
        assert_eq!(value(&s, "member[2]/named"), " (head)");
        s.set("head", "Ana", &env).unwrap();
        assert_eq!(value(&s, "member[2]/named"), "Ana (head)");
        // In the language shown, filled too.
        s.set_language("ro", &env).unwrap();
        assert_eq!(value(&s, "member[2]/named"), "Ana (cap)");
        s.set("head", "Maria", &env).unwrap();
        assert_eq!(value(&s, "member[2]/named"), "Maria (cap)");
        assert_eq!(value(&s, "member[1]/named"), "Ion");
        let mut fresh = s.clone();
        fresh.recompute_all(&env);
        assert_eq!(fresh.snapshot(), s.snapshot());
    }

    /// pyxform refuses a `${name}` in a choice label that names no field
    /// or several; so does the compiler (for form files).
    #[wasm_bindgen_test(unsupported = test)]
    fn unknown_or_ambiguous_names_in_choice_labels_are_errors() {
        let items = json!([
            q("head", "text", json!({})),
            { "kind": "group", "name": "g1", "label": { "en": "G1" }, "items": [q("age", "integer", json!({}))] },
            { "kind": "group", "name": "g2", "label": { "en": "G2" }, "items": [q("age", "integer", json!({}))] },
            q("pick", "select_one", json!({ "choices": "people" })),
        ]);
        let choices = json!({ "people": [
            { "name": "h", "label": { "en": "${heads} (head)", "ro": "${head}" } },
            { "name": "a", "label": { "en": "${age}" } },
            { "name": "l", "label": { "en": "${last-saved#hed}" } },
            { "name": "n", "label": { "en": "${head}, ${last-saved#head}" } },
        ]});
        assert_eq!(
            errors(items, choices),
            [
                "choice list `people`, choice `h`, label (en): ${heads} is not a field; did you mean ${head}?",
                "choice list `people`, choice `a`, label (en): ${age} is ambiguous: 2 fields are called `age` (g1/age, g2/age)",
                "choice list `people`, choice `l`, label (en): ${hed} is not a field; did you mean ${head}?",
            ]
        );
    }
}
