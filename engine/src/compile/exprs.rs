//! Parse every expression of every field once and resolve its references
//! to [`FieldId`]s, collecting every problem.

use std::collections::HashMap;

use super::{
    Compiled, Cond, DefaultValue, Field, FieldId, FieldKind, LoadError, LoadWarning, Property,
};
use crate::expr::{Expr, ExprKind, Func, ReferenceKind, parse, suggest};
use crate::model::{Choice, Condition, Form, Item};

struct Ctx<'a> {
    by_name: &'a HashMap<String, FieldId>,
    kinds: Vec<(String, FieldKind, bool)>,
    errors: &'a mut Vec<LoadError>,
}

pub(super) fn compile_all(
    _form: &Form,
    fields: &mut [Field],
    by_name: &HashMap<String, FieldId>,
    list_names: &[String],
    lists: &[Vec<Choice>],
    errors: &mut Vec<LoadError>,
    warnings: &mut Vec<LoadWarning>,
) {
    // Each field's name, kind and whether it is a select, for checking
    // references while `fields` is being filled in.
    let kinds = fields
        .iter()
        .map(|f| {
            let select = f.question().is_some_and(|q| q.kind.has_choices());
            (f.name.clone(), f.kind, select)
        })
        .collect();
    let mut cx = Ctx {
        by_name,
        kinds,
        errors,
    };
    for field in fields.iter_mut() {
        let name = field.name.clone();
        let item = field.item.clone();
        match &item {
            Item::Question(q) => {
                if q.kind.has_choices() {
                    match &q.choices {
                        Some(list) => match list_names.iter().position(|l| l == list) {
                            Some(i) => field.choice_list = Some(i),
                            None => cx.errors.push(LoadError::MissingChoiceList {
                                field: name.clone(),
                                list: list.clone(),
                            }),
                        },
                        None => warnings.push(LoadWarning::SelectWithoutChoices {
                            field: name.clone(),
                            kind: type_name(q.kind),
                        }),
                    }
                }
                let p = &mut field.props;
                p.relevant = cx.opt(&name, Property::Relevant, q.relevant.as_deref(), None);
                p.required = cx.cond(&name, Property::Required, q.required.as_ref());
                p.read_only = cx.cond(&name, Property::ReadOnly, q.read_only.as_ref());
                p.constraint = cx.opt(&name, Property::Constraint, q.constraint.as_deref(), None);
                p.calculation =
                    cx.opt(&name, Property::Calculation, q.calculation.as_deref(), None);
                p.default = q.default.as_deref().and_then(|d| {
                    if is_dynamic(d) {
                        cx.compile(&name, Property::Default, d, None)
                            .map(DefaultValue::Expr)
                    } else {
                        Some(DefaultValue::Literal(d.to_owned()))
                    }
                });
                let columns = field
                    .choice_list
                    .map(|i| (list_names[i].as_str(), lists[i].as_slice()));
                if let Some(filter) = q.choice_filter.as_deref() {
                    p.choice_filter = cx.compile(
                        &name,
                        Property::ChoiceFilter,
                        filter,
                        Some(columns.unwrap_or(("", &[]))),
                    );
                }
                if let Some(trigger) = q.trigger.as_deref() {
                    let t = trigger.trim();
                    let t = t
                        .strip_prefix("${")
                        .and_then(|r| r.strip_suffix('}'))
                        .unwrap_or(t);
                    match by_name.get(t) {
                        Some(id) => p.trigger = Some(*id),
                        None => cx.errors.push(LoadError::UnknownTrigger {
                            field: name.clone(),
                            trigger: t.to_owned(),
                            suggestion: suggest(t, by_name.keys().map(String::as_str))
                                .map(str::to_owned),
                        }),
                    }
                    if q.calculation.is_none() {
                        cx.errors.push(LoadError::TriggerWithoutCalculation {
                            field: name.clone(),
                        });
                    }
                }
            }
            Item::Group(g) => {
                field.props.relevant =
                    cx.opt(&name, Property::Relevant, g.relevant.as_deref(), None);
            }
            Item::Repeat(r) => {
                let p = &mut field.props;
                p.relevant = cx.opt(&name, Property::Relevant, r.relevant.as_deref(), None);
                p.repeat_count = cx.opt(
                    &name,
                    Property::RepeatCount,
                    r.repeat_count.as_deref(),
                    None,
                );
                if let (Some(min), Some(max)) = (r.min_instances, r.max_instances)
                    && min > max
                {
                    cx.errors.push(LoadError::InstanceBounds {
                        field: name.clone(),
                        min,
                        max,
                    });
                }
            }
        }
    }
}

fn type_name(t: crate::model::QuestionType) -> &'static str {
    use crate::model::QuestionType as T;
    match t {
        T::SelectOne => "select_one",
        T::SelectMultiple => "select_multiple",
        _ => "rank",
    }
}

/// A default is an expression when it references a field or calls a
/// function; otherwise it is the literal initial value (`yes`, `0`).
fn is_dynamic(default: &str) -> bool {
    if default.contains("${") {
        return true;
    }
    // A name immediately followed by `(`: `today()`, `concat(`; but not
    // the text `yes (sure)`.
    let chars: Vec<char> = default.chars().collect();
    chars
        .windows(2)
        .any(|w| w[1] == '(' && (w[0].is_alphanumeric() || matches!(w[0], '_' | '-' | ':')))
}

impl Ctx<'_> {
    fn opt(
        &mut self,
        field: &str,
        property: Property,
        source: Option<&str>,
        columns: Option<(&str, &[Choice])>,
    ) -> Option<Compiled> {
        source.and_then(|s| self.compile(field, property, s, columns))
    }

    fn cond(&mut self, field: &str, property: Property, c: Option<&Condition>) -> Cond {
        match c {
            None => Cond::Const(false),
            Some(Condition::Const(b)) => Cond::Const(*b),
            Some(Condition::Expr(s)) => match s.trim() {
                // XLSForm spreadsheets say `yes`/`true()` as often as `true`.
                "yes" | "true" | "true()" => Cond::Const(true),
                "no" | "false" | "false()" | "" => Cond::Const(false),
                _ => self
                    .compile(field, property, s, None)
                    .map_or(Cond::Const(false), Cond::Expr),
            },
        }
    }

    /// Parse and resolve one expression. `columns`: for a choice filter, the
    /// list whose columns bare names refer to.
    fn compile(
        &mut self,
        field: &str,
        property: Property,
        source: &str,
        columns: Option<(&str, &[Choice])>,
    ) -> Option<Compiled> {
        let expr = match parse(source) {
            Ok(e) => e,
            Err(error) => {
                self.errors.push(LoadError::Parse {
                    field: field.to_owned(),
                    property,
                    error,
                });
                return None;
            }
        };
        let analysis = expr.analyze();
        let mut refs: Vec<(String, FieldId)> = Vec::new();
        let mut ok = true;
        for r in &analysis.references {
            if r.bare
                && let Some((list, choices)) = columns
            {
                if !is_column(&r.name, choices) {
                    let mut cols: Vec<&str> = vec!["name", "label"];
                    for c in choices {
                        cols.extend(c.properties.keys().map(String::as_str));
                    }
                    self.errors.push(LoadError::UnknownColumn {
                        field: field.to_owned(),
                        list: list.to_owned(),
                        name: r.name.clone(),
                        position: r.position(),
                        suggestion: suggest(&r.name, cols).map(str::to_owned),
                    });
                    ok = false;
                }
                continue;
            }
            let written = if r.bare || !source_has_ref(source, r.position()) {
                r.name.clone()
            } else {
                format!("${{{}}}", r.name)
            };
            let Some(&id) = self.by_name.get(&r.name) else {
                let bare = !written.starts_with("${");
                self.errors.push(LoadError::UnknownReference {
                    field: field.to_owned(),
                    property,
                    name: r.name.clone(),
                    written,
                    bare,
                    position: r.position(),
                    suggestion: suggest(&r.name, self.kinds.iter().map(|k| k.0.as_str()))
                        .map(str::to_owned),
                });
                ok = false;
                continue;
            };
            let (_, kind, select) = &self.kinds[id.index()];
            let wrong = match (r.kind, kind) {
                (ReferenceKind::Value, FieldKind::Group) => {
                    Some(("a group", "a question or a repeat"))
                }
                (ReferenceKind::Repeat, FieldKind::Group) => Some(("a group", "a repeat")),
                (ReferenceKind::Repeat, FieldKind::Question(_)) => Some(("a question", "a repeat")),
                (ReferenceKind::ChoiceList, _) if !select => {
                    Some(("not a select question", "a select question"))
                }
                _ => None,
            };
            if let Some((found, expected)) = wrong {
                self.errors.push(LoadError::WrongKind {
                    field: field.to_owned(),
                    property,
                    written,
                    position: r.position(),
                    found,
                    expected,
                });
                ok = false;
                continue;
            }
            // jr:choice-name's list is static: no dependency on its value.
            if r.kind != ReferenceKind::ChoiceList && !refs.iter().any(|(n, _)| *n == r.name) {
                refs.push((r.name.clone(), id));
            }
        }
        ok.then(|| Compiled {
            source: source.to_owned(),
            uses_language: calls(&expr, Func::ChoiceName),
            expr,
            refs,
            uses_current: analysis.uses_current,
            uses_position: analysis.uses_position,
        })
    }
}

/// Whether the reference at character `position` is written `${...}`.
fn source_has_ref(source: &str, position: usize) -> bool {
    source.chars().nth(position) == Some('$')
}

fn is_column(name: &str, choices: &[Choice]) -> bool {
    matches!(name, "name" | "label") || choices.iter().any(|c| c.properties.contains_key(name))
}

fn calls(e: &Expr, f: Func) -> bool {
    match &e.kind {
        ExprKind::Call { func, args } => *func == f || args.iter().any(|a| calls(a, f)),
        ExprKind::Neg(x) => calls(x, f),
        ExprKind::Binary { lhs, rhs, .. } => calls(lhs, f) || calls(rhs, f),
        _ => false,
    }
}
