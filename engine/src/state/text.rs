//! Labels, hints and messages as the enumerator sees them: in the chosen
//! language, with each `${name}` replaced by that field's current value.

use super::{FormState, NodeRef};
use crate::model::{Item, Text, insertions};

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
        let Some(s) = text.get(lang, &self.form.form.default_language) else {
            return String::new();
        };
        let found = insertions(s);
        if found.is_empty() || self.tree.get(at.instance).is_none() {
            return s.to_owned();
        }
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for insertion in found {
            out.push_str(&s[last..insertion.range.start]);
            if let Some(field) = self.form.lookup(&insertion.name) {
                out.push_str(&self.text_from(at.instance, field));
            }
            last = insertion.range.end;
        }
        out.push_str(&s[last..]);
        out
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
