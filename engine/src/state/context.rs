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

impl Ctx<'_> {
    /// The field `name` designates: one the expression reads (recorded at
    /// load, a few to search), else any of the form's.
    fn field_named(&self, name: &str) -> Option<FieldId> {
        self.expr
            .field(name)
            .or_else(|| self.state.form.lookup(name))
    }
}

impl EvalContext for Ctx<'_> {
    fn resolve(&self, name: &str) -> Value {
        if let Some(base) = crate::expr::lex::last_saved_name(name) {
            return self
                .state
                .last_saved_value(base, self.env.utc_offset_minutes());
        }
        match self.field_named(name) {
            Some(g) => self.state.resolve_from(self.inst, g, self.env),
            None => Value::empty(),
        }
    }

    /// Parsed where the answer is stored: a calculation's text is not
    /// copied into a value to be parsed back.
    fn resolve_number(&self, name: &str) -> Option<f64> {
        if crate::expr::lex::last_saved_name(name).is_some() {
            return match self.resolve(name) {
                v @ (Value::String(_) | Value::Number(_)) => Some(v.as_number()),
                _ => None,
            };
        }
        match self.field_named(name) {
            Some(g) => self.state.number_from(self.inst, g),
            // `Value::empty()`, as a number.
            None => Some(f64::NAN),
        }
    }

    /// Answered where the answer is stored, without copying it.
    fn resolve_is_empty_text(&self, name: &str) -> Option<bool> {
        if crate::expr::lex::last_saved_name(name).is_some() {
            return match self.resolve(name) {
                Value::String(s) => Some(s.is_empty()),
                Value::Number(_) | Value::Date(_) | Value::DateTime { .. } => Some(false),
                Value::Bool(_) | Value::Nodeset(_) => None,
            };
        }
        match self.field_named(name) {
            Some(g) => self.state.is_empty_from(self.inst, g),
            // `Value::empty()`.
            None => Some(true),
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

    fn current_number(&self) -> Option<f64> {
        match &self.current {
            Value::Number(n) => Some(*n),
            Value::String(s) => Some(parse_number(s)),
            _ => None,
        }
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
        self.state.resolve_from(cur, g, self.env)
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
    /// The device's UTC offset is asked only for a date-time.
    pub(crate) fn resolve_from(
        &self,
        from: InstanceId,
        g: FieldId,
        env: &dyn Environment,
    ) -> Value {
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
            FieldKind::Question(_) => {
                let t = field.question_type();
                let typed = |slot| {
                    typed_text_at(t, self.effective_text(g, slot), || env.utc_offset_minutes())
                };
                match self.seen_from(from, g) {
                    Seen::One(slot) => typed(slot),
                    Seen::Many(slots) => Value::Nodeset(slots.into_iter().map(typed).collect()),
                }
            }
        }
    }

    /// `resolve_from(from, g, ..).as_number()` when that value is text or a
    /// number (see [`EvalContext::resolve_number`]), read from the stored
    /// text; `None` for a node-set, a repeat or an answered date.
    fn number_from(&self, from: InstanceId, g: FieldId) -> Option<f64> {
        let field = self.form.field(g);
        match field.kind {
            // No value: `""`.
            FieldKind::Group => return Some(f64::NAN),
            FieldKind::Repeat => return None,
            FieldKind::Question(_) => {}
        }
        let text = self.effective_text(g, self.one_slot(from, g)?);
        use QuestionType as T;
        match field.question_type() {
            // Typed as a date (or kept as text when it does not parse).
            Some(T::Date | T::Today | T::DateTime | T::Start | T::End) if !text.is_empty() => None,
            // Numbers typed as `typed_text` types them: text that does not
            // parse stays text, whose number is NaN as well.
            _ => Some(parse_number(text)),
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

    /// Whether `resolve_from(from, g, ..)` is the empty text (see
    /// [`EvalContext::resolve_is_empty_text`]): `typed_text` gives a number
    /// or a date only for a non-empty answer. `None` for a node-set.
    fn is_empty_from(&self, from: InstanceId, g: FieldId) -> Option<bool> {
        match self.form.field(g).kind {
            // No value: `""`.
            FieldKind::Group => Some(true),
            FieldKind::Repeat => None,
            FieldKind::Question(_) => {
                Some(self.effective_text(g, self.one_slot(from, g)?).is_empty())
            }
        }
    }

    /// Where question `g`'s value lives as seen from instance `from`: in
    /// the shared ancestor instance, or in each instance of a repeat below.
    fn seen_from(&self, from: InstanceId, g: FieldId) -> Seen {
        if let Some(slot) = self.one_slot(from, g) {
            return Seen::One(slot);
        }
        let form = &*self.form;
        let scope = form.field(g).scope;
        let depth = form.common_depth(self.tree.inst(from).scope, scope);
        let anc = self.tree.ancestor(from, depth);
        let mut found = Vec::new();
        self.tree.descendants(form, anc, scope, &mut found);
        Seen::Many(
            found
                .iter()
                .map(|&i| self.tree.inst(i).slot as usize)
                .collect(),
        )
    }

    /// The one slot `g`'s value is read from, as seen from `from`; `None`
    /// when it is read from each instance of a repeat below.
    fn one_slot(&self, from: InstanceId, g: FieldId) -> Option<usize> {
        let form = &*self.form;
        let scope = form.field(g).scope;
        // Most reads: a top-level field (the root instance has slot 0), or
        // one in the reader's own instance.
        if scope == ScopeId::ROOT {
            return Some(0);
        }
        let own = self.tree.inst(from);
        if own.scope == scope {
            return Some(own.slot as usize);
        }
        let depth = form.common_depth(own.scope, scope);
        (form.scope(scope).depth() == depth)
            .then(|| self.tree.inst(self.tree.ancestor(from, depth)).slot as usize)
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
    typed_text_at(t, text, || offset)
}

/// [`typed_text`], the UTC offset asked only for a date or date-time.
fn typed_text_at(t: Option<QuestionType>, text: &str, offset: impl FnOnce() -> i32) -> Value {
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
            parse_iso(text, offset()).map_or_else(|| Value::String(text.to_owned()), Value::from)
        }
        _ => Value::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{Ctx, InstanceId, typed_text};
    use crate::env::FixedEnvironment;
    use crate::expr::{EvalContext, Value};
    use crate::model::QuestionType;
    use crate::state::FormState;
    use crate::testing::{compiled, q};

    /// The number read where the answer is stored is `resolve`'s value as
    /// a number, for every type of field, answer, relevance and place it
    /// is read from; `None` where that value is not text or a number
    /// (dates, node-sets), and for answered dates. Likewise whether it is
    /// the empty text, and the number of `.`.
    #[wasm_bindgen_test(unsupported = test)]
    fn answers_read_in_place_agree_with_resolved_values() {
        let reads = "concat(${i}, ${x}, ${t}, ${c}, ${dt}, ${dtt}, ${tm}, ${s}, ${h}, ${gi}, ${ri}, ${rc}, count(${r}))";
        let form = compiled(
            json!([
                q("i", "integer", json!({})),
                q("x", "decimal", json!({})),
                q("t", "text", json!({})),
                q("c", "calculate", json!({ "calculation": "${i} * 2" })),
                q("dt", "date", json!({})),
                q("dtt", "datetime", json!({})),
                q("tm", "time", json!({})),
                q("s", "select_one", json!({ "choices": "yn" })),
                q("h", "integer", json!({ "relevant": "${t} != 'hide'" })),
                { "kind": "group", "name": "g", "label": { "en": "G" }, "items": [
                    q("gi", "integer", json!({})),
                ]},
                { "kind": "repeat", "name": "r", "label": { "en": "R" }, "items": [
                    q("ri", "integer", json!({})),
                    q("rc", "calculate", json!({ "calculation": "${ri}" })),
                    q("rall", "calculate", json!({ "calculation": reads })),
                ]},
                q("all", "calculate", json!({ "calculation": reads })),
            ]),
            json!({ "yn": [
                { "name": "yes", "label": { "en": "Yes" } },
                { "name": "no", "label": { "en": "No" } },
            ]}),
        );
        let env = FixedEnvironment::default();
        let mut state = FormState::new(form.clone(), &env);
        state.add("r", &env).unwrap();
        state.add("r", &env).unwrap();
        let names = [
            "i",
            "x",
            "t",
            "c",
            "dt",
            "dtt",
            "tm",
            "s",
            "h",
            "gi",
            "ri",
            "rc",
            "r",
            "g",
            "missing",
            "last-saved#i",
        ];
        let settable = [
            "i", "x", "t", "dt", "dtt", "tm", "s", "h", "g/gi", "r[1]/ri",
        ];
        let texts = [
            "",
            "7",
            "-0",
            "007",
            "1.5",
            " 4 ",
            "-.5",
            "1e3",
            "abc",
            "hide",
            "2024-01-15",
            "2024-01-15T10:30:00Z",
            "10:30",
            "yes",
            "NaN",
        ];
        let mut checked = 0;
        for (k, text) in texts.iter().enumerate() {
            // Each field its own answer, so reads differ between fields.
            for (j, path) in settable.iter().enumerate() {
                let node = state.node(path).unwrap();
                state
                    .set_value(node, texts[(k + j) % texts.len()], &env)
                    .unwrap();
            }
            let inner = state.node("r[1]/rall").unwrap().instance;
            for (inst, reader) in [(InstanceId::ROOT, "all"), (inner, "rall")] {
                let id = form.lookup(reader).unwrap();
                let expr = form.field(id).props.calculation.as_ref().unwrap();
                let ctx = Ctx {
                    state: &state,
                    expr,
                    inst,
                    current: Value::empty(),
                    choice: None,
                    env: &env,
                };
                for name in names {
                    let expected = match ctx.resolve(name) {
                        v @ (Value::String(_) | Value::Number(_)) => Some(v.as_number()),
                        _ => None,
                    };
                    let got = ctx.resolve_number(name);
                    // An answered date is left to `resolve` (typed as a
                    // date, or as text when it is none).
                    let date = matches!(name, "dt" | "dtt");
                    if !(date && got.is_none()) {
                        assert_eq!(
                            got.map(f64::to_bits),
                            expected.map(f64::to_bits),
                            "{name} from {reader} after {text:?}"
                        );
                    }
                    checked += usize::from(got.is_some_and(|n| !n.is_nan()));
                    let empty = match ctx.resolve(name) {
                        Value::String(s) => Some(s.is_empty()),
                        Value::Number(_) | Value::Date(_) | Value::DateTime { .. } => Some(false),
                        Value::Bool(_) | Value::Nodeset(_) => None,
                    };
                    assert_eq!(
                        ctx.resolve_is_empty_text(name),
                        empty,
                        "{name} = '' from {reader} after {text:?}"
                    );
                }
            }
        }
        // Not all NaN: the numbers were really read.
        assert!(checked > 20, "{checked}");
        // `.` as constraints see it: the answer typed.
        let expr = form
            .field(form.lookup("all").unwrap())
            .props
            .calculation
            .as_ref()
            .unwrap();
        for t in [
            QuestionType::Integer,
            QuestionType::Decimal,
            QuestionType::Text,
            QuestionType::Date,
            QuestionType::DateTime,
        ] {
            for text in texts {
                let ctx = Ctx {
                    state: &state,
                    expr,
                    inst: InstanceId::ROOT,
                    current: typed_text(Some(t), text, 60),
                    choice: None,
                    env: &env,
                };
                let expected = match ctx.current() {
                    v @ (Value::String(_) | Value::Number(_)) => Some(v.as_number()),
                    _ => None,
                };
                assert_eq!(
                    ctx.current_number().map(f64::to_bits),
                    expected.map(f64::to_bits),
                    "{t:?} {text:?}"
                );
            }
        }
    }
}
