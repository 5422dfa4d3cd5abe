//! Choice labels as the respondent saw them. A label may show answers
//! (pyxform's lists of household members label their choices `${name1}`,
//! `${name2}`); an export fills them from the record's own answers, per
//! repeat instance, as the app does (`FormState::label_of_choice`).
//!
//! *Why not load each record into a `FormState`:* the stored answers are
//! already what the engine computed at ingest, with the device's values of
//! what only the device could compute (`now()`, `random()`, ...), which a
//! reload on the server would replace; a reload also refuses records of
//! another form version and costs a full evaluation per record. So an
//! insertion is resolved once, when the layout is built, to where its
//! value sits in the answer tree relative to the select's instance, with
//! the engine's rules (`state::context`): a field in the select's own
//! instance or an enclosing one is read there; a field in a repeat below
//! shows its first instance; a non-relevant (absent) answer is empty; an
//! unknown name, a group or `${last-saved#…}` (only the device has it)
//! shows nothing. Labels without insertions stay plain strings: an
//! ordinary export does no filling work. `tests/filled_labels.rs` checks
//! the result against the engine's own filling.

use std::borrow::Cow;
use std::collections::HashMap;

use fieldform_engine::compile::{CompiledForm, FieldId, FieldKind};
use fieldform_engine::expr::lex::last_saved_name;
use fieldform_engine::model::insertions;
use serde_json::{Map, Value as Json};

use crate::layout::choices_of;

/// One repeat instance's answers (or the record's top level), with the
/// instances around it, so an insertion can read an enclosing instance.
#[derive(Clone, Copy)]
pub(crate) struct Instance<'a> {
    pub answers: &'a Map<String, Json>,
    pub parent: Option<&'a Instance<'a>>,
}

impl<'a> Instance<'a> {
    pub fn top(answers: &'a Map<String, Json>) -> Self {
        Self {
            answers,
            parent: None,
        }
    }

    /// The instance `up` levels out (0: this one).
    fn enclosing(&self, up: usize) -> Option<&'a Map<String, Json>> {
        let mut at = self;
        for _ in 0..up {
            at = at.parent?;
        }
        Some(at.answers)
    }
}

/// The labels of a select's choices in one language, by code.
#[derive(Debug, Clone)]
pub struct ChoiceLabels(HashMap<String, Label>);

#[derive(Debug, Clone)]
enum Label {
    Plain(String),
    /// Shows answers: filled per row.
    Filled(Vec<Piece>),
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Answer(Lookup),
}

/// Where an inserted field's value is, seen from the select's instance.
#[derive(Debug, Clone)]
struct Lookup {
    /// How many instances out from the select's is the instance shared
    /// with the field.
    up: usize,
    /// From that instance to the value.
    steps: Vec<Step>,
}

#[derive(Debug, Clone)]
enum Step {
    Group(String),
    /// Into a repeat's instances (the first one holding the field's
    /// instance, as the engine's `seen_from` finds it).
    Repeat(String),
    Value(String),
}

impl ChoiceLabels {
    /// The choices of select `field` in `lang` (else the form's default
    /// language, else the code), with `other` for an `or_other` select.
    pub(crate) fn new(form: &CompiledForm, field: FieldId, lang: &str) -> ChoiceLabels {
        let default = &form.form.default_language;
        ChoiceLabels(
            choices_of(form, field)
                .into_iter()
                .map(|(code, label)| {
                    let label = match label.get(lang, default) {
                        Some(text) => template(form, field, text),
                        None => Label::Plain(code.clone()),
                    };
                    (code, label)
                })
                .collect(),
        )
    }

    /// The label of `code` as the select in `at` showed it; `code` itself
    /// when the list has no such choice.
    pub(crate) fn show<'a>(&'a self, code: &'a str, at: &Instance<'_>) -> Cow<'a, str> {
        match self.0.get(code) {
            None => Cow::Borrowed(code),
            Some(Label::Plain(text)) => Cow::Borrowed(text),
            Some(Label::Filled(pieces)) => {
                let mut out = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Text(text) => out.push_str(text),
                        Piece::Answer(lookup) => out.push_str(&lookup.read(at)),
                    }
                }
                Cow::Owned(out)
            }
        }
    }
}

/// `text` as a label of select `select`'s choices: plain, or its pieces.
fn template(form: &CompiledForm, select: FieldId, text: &str) -> Label {
    let found = insertions(text);
    if found.is_empty() {
        return Label::Plain(text.to_owned());
    }
    let mut pieces = Vec::new();
    let mut last = 0;
    for insertion in found {
        pieces.push(Piece::Text(text[last..insertion.range.start].to_owned()));
        last = insertion.range.end;
        if last_saved_name(&insertion.name).is_some() {
            continue;
        }
        if let Some(field) = form.lookup(&insertion.name)
            && let Some(lookup) = Lookup::new(form, select, field)
        {
            pieces.push(Piece::Answer(lookup));
        }
    }
    pieces.push(Piece::Text(text[last..].to_owned()));
    Label::Filled(pieces)
}

impl Lookup {
    /// `None` when `field` is not a question (it shows nothing).
    fn new(form: &CompiledForm, select: FieldId, field: FieldId) -> Option<Lookup> {
        if !matches!(form.field(field).kind, FieldKind::Question(_)) {
            return None;
        }
        let (from, to) = (form.field(select).scope, form.field(field).scope);
        let shared = form.common_depth(from, to);
        let up = form.scope(from).depth() - shared;
        // The repeat whose instance is shared (`None`: the top level).
        let anchor = form.scope(form.scope(to).chain[shared]).repeat;
        let mut steps = Vec::new();
        let mut at = Some(field);
        while let Some(id) = at
            && Some(id) != anchor
        {
            let f = form.field(id);
            steps.push(match f.kind {
                FieldKind::Question(_) => Step::Value(f.name.clone()),
                FieldKind::Group => Step::Group(f.name.clone()),
                FieldKind::Repeat => Step::Repeat(f.name.clone()),
            });
            at = f.parent;
        }
        steps.reverse();
        Some(Lookup { up, steps })
    }

    /// The value's text; empty when absent (not relevant, unanswered, or
    /// no instance), and for NaN, as a label shows a number not known yet.
    fn read<'a>(&self, at: &Instance<'a>) -> Cow<'a, str> {
        let value = at
            .enclosing(self.up)
            .and_then(|answers| find(answers, &self.steps))
            .flatten();
        match value {
            None | Some(Json::Null) => Cow::Borrowed(""),
            Some(Json::String(s)) if s == "NaN" => Cow::Borrowed(""),
            Some(Json::String(s)) => Cow::Borrowed(s),
            // Not the engine's shape, but shown rather than dropped.
            Some(other) => Cow::Owned(other.to_string()),
        }
    }
}

/// Follows `steps` from `answers`: `None` when no instance of the field's
/// repeat is there, else the value in the first one (`None` if absent).
fn find<'a>(answers: &'a Map<String, Json>, steps: &[Step]) -> Option<Option<&'a Json>> {
    let (step, rest) = steps.split_first()?;
    match step {
        Step::Value(name) => Some(answers.get(name)),
        Step::Group(name) => match answers.get(name).and_then(Json::as_object) {
            Some(group) => find(group, rest),
            // A group left out (not relevant) holds no value and no
            // instance of a repeat inside it.
            None if rest.iter().any(|s| matches!(s, Step::Repeat(_))) => None,
            None => Some(None),
        },
        Step::Repeat(name) => {
            let empty = Map::new();
            answers
                .get(name)
                .and_then(Json::as_array)?
                .iter()
                .find_map(|i| match i.as_object() {
                    Some(instance) => find(instance, rest),
                    // Not the engine's shape: an instance without answers.
                    None => find(&empty, rest).map(|_| None),
                })
        }
    }
}

/// A label as the codebook shows it: the form's text, each `${name}` as
/// `[name]`, so a reader sees where an answer goes without XLSForm syntax.
pub(crate) fn readable(text: &str) -> Cow<'_, str> {
    let found = insertions(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for insertion in found {
        out.push_str(&text[last..insertion.range.start]);
        out.push('[');
        out.push_str(&insertion.name);
        out.push(']');
        last = insertion.range.end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}
