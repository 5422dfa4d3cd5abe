//! Choice labels as the respondent saw them. A label may show answers
//! (pyxform's lists of household members label their choices `${name1}`,
//! `${name2}`); an export fills them from the record's own answers, per
//! repeat instance, as the app does (`FormState::label_of_choice`).
//!
//! *Why not load each record into a `FormState`:* the stored answers are
//! already what the engine computed at ingest, with the device's values of
//! what only the device could compute (`now()`, `random()`, ...), which a
//! reload on the server would replace; a reload also refuses records of
//! another form version and costs a full evaluation per record.
//!
//! *What is shared with the engine:* where an insertion reads its value is
//! the engine's own rule, `fieldform_engine::compile::reach` (the engine's
//! filling uses it too): [`CompiledForm::reach`] resolves each insertion
//! once, when the layout is built, to how many instances out and which
//! repeats down from the select's instance, [`first_below`] descends them
//! to the first instance in document order, and [`shown`] says how a
//! stored answer shows. What stays here is only the answer tree's shape:
//! the names of the groups and repeats on the way, an absent (non-relevant)
//! answer read as empty, and an unknown name, a group or
//! `${last-saved#…}` (only the device has it) showing nothing.
//!
//! *Non-relevant instances:* the record keeps a non-relevant repeat
//! instance as `{}` and leaves out a non-relevant group, so the repeat
//! instances that were inside are gone. The engine reloading the record
//! makes there the instances a new instance starts with (`min_instances`,
//! `repeat_count`), and the rule reads the first of those (empty: they are
//! not relevant) rather than passing over to the next instance; so does
//! this module. A count is assumed to give at least one instance there
//! (it is not evaluated here).
//!
//! Labels without insertions stay plain strings: an ordinary export does
//! no filling work. `tests/filled_labels.rs` checks the result against the
//! engine's own filling.

use std::borrow::Cow;
use std::collections::HashMap;

use fieldform_engine::compile::reach::{first_below, shown};
use fieldform_engine::compile::{CompiledForm, FieldId, ScopeId};
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

/// Where an inserted field's value is, seen from the select's instance
/// (the engine's [`fieldform_engine::compile::Reach`], in answer-tree names).
#[derive(Debug, Clone)]
struct Lookup {
    /// How many instances out from the select's is the instance shared
    /// with the field.
    up: usize,
    /// The repeats to descend into from there, outermost first.
    down: Vec<Level>,
    /// From the last instance reached to the value: groups, then the
    /// question.
    value: Vec<String>,
}

/// A repeat to descend into.
#[derive(Debug, Clone)]
struct Level {
    /// From the instance above to the repeat's list: groups, then the
    /// repeat.
    path: Vec<String>,
    /// Whether each instance above starts with one of the repeat's
    /// (`min_instances`, `repeat_count`): the one the engine makes, on
    /// reloading the record, in a non-relevant instance or group above
    /// whose answers the record left out.
    starts_with_one: bool,
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
        let reach = form.reach(form.field(select).scope, field)?;
        let down = reach
            .down
            .iter()
            .map(|&scope| {
                let repeat = form.scope(scope).repeat;
                Level {
                    path: repeat.map_or_else(Vec::new, |r| names_from(form, above(form, scope), r)),
                    starts_with_one: repeat
                        .and_then(|r| form.field(r).repeat())
                        .is_some_and(|r| {
                            r.repeat_count.is_some() || r.min_instances.unwrap_or(0) > 0
                        }),
                }
            })
            .collect();
        Some(Lookup {
            up: reach.up,
            down,
            // The last level's instance (or the shared one) holds the field.
            value: names_from(form, form.scope(form.field(field).scope).repeat, field),
        })
    }

    /// The value's text; empty when absent (not relevant, unanswered, or
    /// no instance), and as [`shown`] says.
    fn read<'a>(&self, at: &Instance<'a>) -> Cow<'a, str> {
        let Some(shared) = at.enclosing(self.up) else {
            return Cow::Borrowed("");
        };
        // `None`: an instance the record has no answers of (one a
        // non-relevant instance started with).
        let found = first_below(Some(shared), &self.down, &mut |inst, level: &Level| {
            instances(inst, level)
        });
        let value = found
            .flatten()
            .and_then(|answers| follow(answers, &self.value));
        match value {
            None | Some(Json::Null) => Cow::Borrowed(""),
            Some(Json::String(s)) => Cow::Borrowed(shown(s)),
            // Not the engine's shape, but shown rather than dropped.
            Some(other) => Cow::Owned(other.to_string()),
        }
    }
}

/// The instances of `level`'s repeat in `inst`, in order. Where the record
/// left them out (a non-relevant instance or group above), the one the
/// repeat starts with, if it does.
fn instances<'a>(
    inst: Option<&'a Map<String, Json>>,
    level: &Level,
) -> Vec<Option<&'a Map<String, Json>>> {
    let list = inst
        .and_then(|answers| follow(answers, &level.path))
        .and_then(Json::as_array);
    match list {
        // An item that is not an object (not the engine's shape) answers
        // nothing, as an instance the record has no answers of.
        Some(items) => items.iter().map(Json::as_object).collect(),
        None if level.starts_with_one => vec![None],
        None => Vec::new(),
    }
}

/// The value at `path` (names of groups, then the last one's) in `answers`.
fn follow<'a>(answers: &'a Map<String, Json>, path: &[String]) -> Option<&'a Json> {
    let (last, groups) = path.split_last()?;
    let mut at = answers;
    for name in groups {
        at = at.get(name)?.as_object()?;
    }
    at.get(last)
}

/// The repeat whose instances hold scope `scope`'s (`None`: the top level).
fn above(form: &CompiledForm, scope: ScopeId) -> Option<FieldId> {
    form.scope(scope).parent.and_then(|p| form.scope(p).repeat)
}

/// The names from repeat `anchor`'s instance (`None`: the top level) down
/// to `field`: the groups between, then `field`'s.
fn names_from(form: &CompiledForm, anchor: Option<FieldId>, field: FieldId) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = Some(field);
    while let Some(id) = at
        && Some(id) != anchor
    {
        let f = form.field(id);
        names.push(f.name.clone());
        at = f.parent;
    }
    names.reverse();
    names
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
