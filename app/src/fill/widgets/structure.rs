//! Values that shape the form: a count that sizes a roster (`repeat_count`)
//! or a value that decides whether a roster is shown. Typing passes
//! through intermediate values (`3` → `` → `4`, `1988` → `198` → `1987`)
//! which, applied, would remove filled roster entries; so such an input
//! tries each keystroke on a copy of the state and applies it only when it
//! is valid and removes nothing filled; the rest waits until the input is
//! left (or Enter), and then a removal of filled entries asks first.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::{Arc, Weak};

use fieldform_engine::compile::{CompiledForm, FieldId, Property};
use fieldform_engine::env::Environment;
use fieldform_engine::state::{FormState, InstanceId, NodeRef};
use fieldform_engine::validate::validate_node;

use crate::env::BrowserEnvironment;

/// A form and its structural fields.
type Cached = (Weak<CompiledForm>, Rc<HashSet<FieldId>>);

thread_local! {
    /// The last form's structural fields: every input of a page asks, and
    /// computing them walks every expression of the form.
    static CACHE: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

/// Whether `field` shapes the form (see [`structural_fields`]).
pub fn is_structural(form: &Arc<CompiledForm>, field: FieldId) -> bool {
    let cached = CACHE.with_borrow(|c| {
        c.as_ref()
            .filter(|(weak, _)| weak.upgrade().is_some_and(|f| Arc::ptr_eq(&f, form)))
            .map(|(_, set)| set.clone())
    });
    let set = cached.unwrap_or_else(|| {
        let set = Rc::new(structural_fields(form));
        CACHE.set(Some((Arc::downgrade(form), set.clone())));
        set
    });
    set.contains(&field)
}

/// The fields read, directly or through calculations, by a repeat's
/// `repeat_count` or by the relevance of a repeat or of a group around it;
/// and, since a hidden field reads as empty, by the relevance of each of
/// those fields and of the groups around them.
pub fn structural_fields(form: &CompiledForm) -> HashSet<FieldId> {
    // The relevance of `field` and of everything around it.
    let relevance_refs = |field: FieldId| -> Vec<FieldId> {
        let mut out = Vec::new();
        let mut at = Some(field);
        while let Some(id) = at {
            let f = form.field(id);
            // Resolved at load, by path where names repeat.
            out.extend(f.reads(Property::Relevant));
            at = f.parent;
        }
        out
    };
    let mut todo: Vec<FieldId> = Vec::new();
    for f in &form.fields {
        if f.repeat().is_some() {
            todo.extend(f.reads(Property::RepeatCount));
            todo.extend(relevance_refs(f.id));
        }
    }
    let mut seen = HashSet::new();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let f = form.field(id);
        todo.extend(f.reads(Property::Calculation));
        todo.extend(relevance_refs(id));
    }
    seen
}

/// What answering `text` to `node` would do.
pub struct Trial {
    /// The answer would have no problem (type, required, constraint).
    pub valid: bool,
    /// Repeat entries holding answers that it would remove.
    pub filled_removed: usize,
}

/// Tries `text` on a copy of `state`, in the browser.
pub fn try_answer(state: &FormState, node: NodeRef, text: &str, lang: &str) -> Trial {
    trial(state, node, text, lang, &BrowserEnvironment::new(""))
}

/// Tries `text` on a copy of `state`.
pub fn trial(
    state: &FormState,
    node: NodeRef,
    text: &str,
    lang: &str,
    env: &dyn Environment,
) -> Trial {
    let mut copy = state.clone();
    if copy.set_value(node, text, env).is_err() {
        return Trial {
            valid: false,
            filled_removed: 0,
        };
    }
    let valid = validate_node(&copy, node, lang).is_none();
    let after: HashSet<InstanceId> = copy.nodes().iter().map(|n| n.instance).collect();
    let before = state.nodes();
    let gone: HashSet<InstanceId> = before
        .iter()
        .map(|n| n.instance)
        .filter(|i| !after.contains(i))
        .collect();
    let form = state.form();
    // Each removed entry once, counted at its outermost removed instance
    // (a member's nested entries go with the member).
    let filled: HashSet<InstanceId> = before
        .iter()
        .filter(|n| gone.contains(&n.instance))
        .filter(|n| form.field(n.field).is_settable() && !state.value(**n).is_empty())
        .map(|n| {
            let mut top = n.instance;
            while let Some(parent) = state.parent(top).filter(|p| gone.contains(p)) {
                top = parent;
            }
            top
        })
        .collect();
    Trial {
        valid,
        filled_removed: filled.len(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use fieldform_engine::compile::{CompiledForm, compile};
    use fieldform_engine::env::FixedEnvironment;
    use fieldform_engine::model::Form;
    use fieldform_engine::state::{FormState, InstanceId, NodeRef};

    use super::{structural_fields, trial};

    fn ggs() -> CompiledForm {
        let json = include_str!("../../../../forms/ggs_household.form.json");
        let form = Form::from_json(json).map(|f| compile(&f));
        let Ok(Ok(form)) = form else {
            panic!("the shipped GGS form compiles");
        };
        form
    }

    #[test]
    fn a_trial_says_whether_an_answer_is_valid_and_how_many_filled_entries_it_removes() {
        let form = Arc::new(ggs());
        let env = FixedEnvironment::default();
        let mut state = FormState::new(form.clone(), &env);
        let node = |name: &str| {
            let field = form.lookup(name).unwrap_or_else(|| panic!("{name} exists"));
            NodeRef::root(field)
        };
        let mut set = |n: NodeRef, v: &str| {
            assert!(state.set_value(n, v, &env).is_ok(), "{v} set");
        };
        for (name, value) in [
            ("consent", "yes"),
            ("resp_birth_year", "1988"),
            ("resp_birth_month", "4"),
            ("hh_others", "3"),
        ] {
            set(node(name), value);
        }
        let (Some(member), Some(name)) = (form.lookup("hh_member"), form.lookup("hh_name")) else {
            panic!("the roster exists");
        };
        let members = state.instances(member, InstanceId::ROOT).to_vec();
        assert_eq!(members.len(), 3);
        // Two filled members and an empty third.
        for id in &members[..2] {
            let n = NodeRef {
                field: name,
                instance: *id,
            };
            assert!(state.set_value(n, "Ion", &env).is_ok());
        }
        let count = node("hh_others");
        let t = |state: &FormState, n: NodeRef, v: &str| {
            let r = trial(state, n, v, "en", &env);
            (r.valid, r.filled_removed)
        };
        assert_eq!(t(&state, count, ""), (false, 2), "an empty count");
        assert_eq!(t(&state, count, "1"), (true, 1));
        assert_eq!(t(&state, count, "2"), (true, 0), "only the empty third");
        assert_eq!(t(&state, count, "4"), (true, 0));
        assert_eq!(t(&state, count, "40"), (false, 0), "above the limit");
        assert_eq!(
            t(&state, node("resp_birth_year"), "198"),
            (false, 2),
            "an ineligible respondent hides the roster"
        );
        assert_eq!(t(&state, node("resp_birth_year"), "1987"), (true, 0));
        // Nothing was changed by trying.
        assert_eq!(state.instances(member, InstanceId::ROOT).len(), 3);
    }

    #[test]
    fn the_ggs_roster_is_shaped_by_its_count_and_the_respondents_eligibility() {
        let form = ggs();
        let names: HashSet<String> = structural_fields(&form)
            .into_iter()
            .map(|f| form.field(f).name.clone())
            .collect();
        for name in [
            "hh_others",
            "n_children_ever",
            "eligible",
            "resp_birth_year",
            "consent",
        ] {
            assert!(names.contains(name), "{name} shapes the form: {names:?}");
        }
        for name in ["hh_name", "hh_birth_year", "interviewer_id", "hh_id"] {
            assert!(!names.contains(name), "{name} does not shape the form");
        }
    }
}
