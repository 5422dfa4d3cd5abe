//! What an expression sees of the form state: typed field values, resolved
//! relative to the repeat instance it is evaluated in.

use super::{FormState, InstanceId, flags};
use crate::compile::reach::{first_below, shown};
use crate::compile::{Compiled, FieldId, FieldKind, ScopeId};
use crate::env::Environment;
use crate::expr::date::parse_iso;
use crate::expr::value::parse_number;
use crate::expr::{EvalContext, Value};
use crate::external::Rows;
use crate::model::{Choice, QuestionType};

/// The evaluation point of one expression.
pub(crate) struct Ctx<'a> {
    pub state: &'a FormState,
    pub expr: &'a Compiled,
    /// The instance of the expression's scope.
    pub inst: InstanceId,
    pub current: Value,
    /// For a choice filter: the choice row being tested.
    pub choice: Option<&'a Choice>,
    pub env: &'a dyn Environment,
}

impl EvalContext for Ctx<'_> {
    fn resolve(&self, name: &str) -> Value {
        if let Some(base) = crate::expr::lex::last_saved_name(name) {
            return self
                .state
                .last_saved_value(base, self.env.utc_offset_minutes());
        }
        let field = self
            .expr
            .field(name)
            .or_else(|| self.state.form.lookup(name));
        match field {
            Some(g) => self
                .state
                .resolve_from(self.inst, g, self.env.utc_offset_minutes()),
            None => Value::empty(),
        }
    }

    fn resolve_relative(&self, name: &str) -> Value {
        match self.choice {
            // A property first: a file's rows keep every column (their
            // `name` column may not be the value) as properties.
            Some(c) => Value::String(match (c.properties.get(name), name) {
                (Some(v), _) => v.clone(),
                (None, "name") => c.name.clone(),
                // As shown: in the state's language, `${name}`s filled.
                (None, "label") => self
                    .state
                    .fill_text_from(&c.label, self.inst, &self.state.lang),
                (None, _) => String::new(),
            }),
            None => self.resolve(name),
        }
    }

    fn choice_column(&self, column: &str, lang: &str) -> Value {
        // Only labels are translated (checked at load).
        match self.choice {
            Some(c) if column == "label" => {
                Value::String(self.state.fill_text_from(&c.label, self.inst, lang))
            }
            _ => Value::empty(),
        }
    }

    fn current(&self) -> Value {
        self.current.clone()
    }

    /// The expression's field, as javarosa names the context node; in a
    /// choice filter the context is a choice row, whose name we leave empty.
    fn current_name(&self) -> Option<String> {
        match self.choice {
            Some(_) => None,
            None => self
                .expr
                .context
                .map(|f| self.state.form.field(f).name.clone()),
        }
    }

    fn position(&self) -> Option<usize> {
        (self.inst != InstanceId::ROOT).then(|| self.state.tree.inst(self.inst).position as usize)
    }

    fn indexed_repeat(&self, field: &str, repeats: &[(&str, usize)]) -> Value {
        let form = &*self.state.form;
        let tree = &self.state.tree;
        let Some(g) = form.lookup(field) else {
            return Value::empty();
        };
        let mut cur = self.inst;
        for &(name, index) in repeats {
            let Some(r) = form
                .lookup(name)
                .filter(|r| form.field(*r).kind == FieldKind::Repeat)
            else {
                return Value::empty();
            };
            // The list lives in the shared ancestor; levels between that and
            // the list that the call does not index take their first instance.
            let pscope = form.parent_scope(r);
            let depth = form.common_depth(tree.inst(cur).scope, pscope);
            let mut p = tree.ancestor(cur, depth);
            for s in form.scope(pscope).chain.iter().skip(depth + 1) {
                match tree.children(p, form.scope(*s).index_in_parent).first() {
                    Some(&c) => p = c,
                    None => return Value::empty(),
                }
            }
            let list = tree.children(p, form.scope(form.field(r).scope).index_in_parent);
            match index.checked_sub(1).and_then(|i| list.get(i)) {
                Some(&c) => cur = c,
                None => return Value::empty(),
            }
        }
        self.state
            .resolve_from(cur, g, self.env.utc_offset_minutes())
    }

    fn choice_label(&self, field: &str, value: &str) -> Option<String> {
        let form = &*self.state.form;
        let id = form.lookup(field)?;
        let choice = form.choices(id).iter().find(|c| c.name == value)?;
        // As the select shows it: `${name}`s filled from this instance.
        choice
            .label
            .get(&self.state.lang, &form.form.default_language)
            .map(|_| {
                self.state
                    .fill_text_from(&choice.label, self.inst, &self.state.lang)
            })
    }

    fn env(&self) -> &dyn Environment {
        self.env
    }

    fn dataset(&self, id: &str) -> Option<Rows<'_>> {
        let form = &*self.state.form;
        if let Some(d) = form.datasets.get(id) {
            return Some(Rows::File(d));
        }
        form.form.choices.get(id).map(|list| Rows::Choices {
            list,
            lang: &self.state.lang,
            default_lang: &form.form.default_language,
        })
    }
}

impl FormState {
    /// The value of `g` as seen from instance `from`: the value in the
    /// shared ancestor instance, or a node-set over the instances below it.
    pub(crate) fn resolve_from(&self, from: InstanceId, g: FieldId, offset: i32) -> Value {
        let form = &*self.form;
        let field = form.field(g);
        match field.kind {
            FieldKind::Group => Value::empty(),
            FieldKind::Repeat => {
                let depth = form.common_depth(self.tree.inst(from).scope, form.parent_scope(g));
                let mut found = Vec::new();
                self.tree.descendants(
                    form,
                    self.tree.ancestor(from, depth),
                    field.scope,
                    &mut found,
                );
                Value::Nodeset(vec![Value::empty(); found.len()])
            }
            FieldKind::Question(_) => match self.seen_from(from, g) {
                Seen::One(slot) => self.typed(g, slot, offset),
                Seen::Many(slots) => Value::Nodeset(
                    slots
                        .into_iter()
                        .map(|slot| self.typed(g, slot, offset))
                        .collect(),
                ),
            },
        }
    }

    /// The effective answer text of `g` as seen from `from`, as stored (for
    /// labels: `12.50` and a zone-less date-time stay as typed), where
    /// [`crate::compile::reach`] says a text reads it.
    pub(crate) fn text_from(&self, from: InstanceId, g: FieldId) -> String {
        let form = &*self.form;
        let own = self.tree.inst(from);
        let Some(reach) = form.reach(own.scope, g) else {
            return String::new();
        };
        let shared = self.tree.ancestor(from, reach.depth);
        let found = first_below(shared, reach.down, &mut |inst, scope: &ScopeId| {
            let index = form.scope(*scope).index_in_parent;
            self.tree.children(inst, index).iter().copied()
        });
        found.map_or_else(String::new, |i| {
            let slot = self.tree.inst(i).slot as usize;
            shown(self.effective_text(g, slot)).to_owned()
        })
    }

    /// Where question `g`'s value lives as seen from instance `from`: in
    /// the shared ancestor instance, or in each instance of a repeat below.
    fn seen_from(&self, from: InstanceId, g: FieldId) -> Seen {
        let form = &*self.form;
        let scope = form.field(g).scope;
        // Most reads: a top-level field (the root instance has slot 0), or
        // one in the reader's own instance.
        if scope == ScopeId::ROOT {
            return Seen::One(0);
        }
        let own = self.tree.inst(from);
        if own.scope == scope {
            return Seen::One(own.slot as usize);
        }
        let depth = form.common_depth(own.scope, scope);
        let anc = self.tree.ancestor(from, depth);
        if form.scope(scope).depth() == depth {
            return Seen::One(self.tree.inst(anc).slot as usize);
        }
        let mut found = Vec::new();
        self.tree.descendants(form, anc, scope, &mut found);
        Seen::Many(
            found
                .iter()
                .map(|&i| self.tree.inst(i).slot as usize)
                .collect(),
        )
    }

    /// The stored text of `g` in `slot`, `""` when not relevant.
    fn effective_text(&self, g: FieldId, slot: usize) -> &str {
        let d = &self.data[g.index()];
        if d.flags.get(slot).is_none_or(|f| f & flags::REL == 0) {
            return "";
        }
        d.stored.get(slot).map_or("", String::as_str)
    }

    /// The effective typed value of `g` in `slot`: `""` when not relevant.
    pub(crate) fn typed(&self, g: FieldId, slot: usize, offset: i32) -> Value {
        typed_text(
            self.form.field(g).question_type(),
            self.effective_text(g, slot),
            offset,
        )
    }
}

/// The slots a question's value is read from (see `FormState::seen_from`).
enum Seen {
    One(usize),
    Many(Vec<usize>),
}

/// A stored answer as the expression language sees it (see
/// [`EvalContext::resolve`]): numbers, dates and date-times typed, the rest
/// text. Text that does not parse as its type stays text.
pub(crate) fn typed_text(t: Option<QuestionType>, text: &str, offset: i32) -> Value {
    use QuestionType as T;
    if text.is_empty() {
        return Value::empty();
    }
    match t {
        Some(T::Integer | T::Decimal | T::Range) => {
            let n = parse_number(text);
            if n.is_nan() {
                Value::String(text.to_owned())
            } else {
                Value::Number(n)
            }
        }
        Some(T::Date | T::Today | T::DateTime | T::Start | T::End) => {
            parse_iso(text, offset).map_or_else(|| Value::String(text.to_owned()), Value::from)
        }
        _ => Value::String(text.to_owned()),
    }
}
