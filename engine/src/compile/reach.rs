//! Where a `${name}` in a text reads its value, seen from the repeat
//! instance the text is shown in: the one rule that the engine's filling
//! (`FormState::fill_text`, `label_of_choice`) and the export's filled
//! choice labels (`fieldform_export`, on stored answers) both follow, so a
//! change here changes both.
//!
//! The rule: a question in the reader's instance or an enclosing one is
//! read there; a question in a repeat below shows the first instance of
//! that repeat in document order, relevant or not (each level's instances
//! in order, passing over those that hold none of the level below); a
//! group or repeat shows nothing.

use super::{CompiledForm, FieldId, FieldKind, ScopeId};

/// Where a question's value sits relative to the reader's instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach<'f> {
    /// How many repeat levels out the instance shared with the question is
    /// (0: the reader's own).
    pub up: usize,
    /// The depth of that shared instance (0: the top level).
    pub depth: usize,
    /// The repeat scopes to descend into from the shared instance,
    /// outermost first (see [`first_below`]); empty when the question is
    /// in the shared instance.
    pub down: &'f [ScopeId],
}

impl CompiledForm {
    /// Where `${field}` is read from an instance of scope `from`; `None`
    /// when it shows nothing (a group or a repeat).
    pub fn reach(&self, from: ScopeId, field: FieldId) -> Option<Reach<'_>> {
        let f = self.field(field);
        if !matches!(f.kind, FieldKind::Question(_)) {
            return None;
        }
        let depth = self.common_depth(from, f.scope);
        Some(Reach {
            up: self.scope(from).depth() - depth,
            depth,
            down: &self.scope(f.scope).chain[depth + 1..],
        })
    }
}

/// The first instance at the end of `levels` below `start`, in document
/// order: `children(instance, level)` lists an instance's instances of the
/// next level down, in order; an instance with none is passed over. `start`
/// itself when `levels` is empty. Generic so the engine's instance tree and
/// an export's answer tree descend the same way.
pub fn first_below<I, L, C>(
    start: I,
    levels: &[L],
    children: &mut impl FnMut(I, &L) -> C,
) -> Option<I>
where
    C: IntoIterator<Item = I>,
{
    let Some((level, rest)) = levels.split_first() else {
        return Some(start);
    };
    children(start, level)
        .into_iter()
        .find_map(|child| first_below(child, rest, children))
}

/// A stored answer as a filled text shows it: a calculation over an
/// unanswered number is NaN (ODK semantics), shown as not known yet.
pub fn shown(text: &str) -> &str {
    if text == "NaN" { "" } else { text }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{first_below, shown};
    use crate::testing::{compiled, q};

    #[wasm_bindgen_test(unsupported = test)]
    fn reach_goes_out_to_the_shared_instance_then_down_the_repeats_below() {
        let form = compiled(
            json!([
                q("head", "text", json!({})),
                { "kind": "repeat", "name": "member", "items": [
                    q("name", "text", json!({})),
                    { "kind": "group", "name": "g", "items": [
                        { "kind": "repeat", "name": "child", "items": [
                            q("cname", "text", json!({})),
                        ]},
                    ]},
                ]},
                { "kind": "group", "name": "top", "items": [q("main", "text", json!({}))] },
            ]),
            json!({}),
        );
        let id = |n: &str| form.lookup(n).unwrap();
        let scope = |n: &str| form.field(id(n)).scope;
        let (root, member, child) = (scope("main"), scope("name"), scope("cname"));
        let reach = |from, name| form.reach(from, id(name));
        let at = |from, name| reach(from, name).map(|r| (r.up, r.depth, r.down.to_vec()));
        // Out to the shared instance.
        assert_eq!(at(child, "head"), Some((2, 0, vec![])));
        assert_eq!(at(child, "name"), Some((1, 1, vec![])));
        assert_eq!(at(child, "cname"), Some((0, 2, vec![])));
        assert_eq!(at(member, "head"), Some((1, 0, vec![])));
        // Down the repeats below, through groups.
        assert_eq!(at(root, "cname"), Some((0, 0, vec![member, child])));
        assert_eq!(at(member, "cname"), Some((0, 1, vec![child])));
        // Groups and repeats show nothing.
        assert_eq!(reach(root, "g"), None);
        assert_eq!(reach(root, "member"), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn first_below_passes_over_instances_without_the_level_below() {
        // Instance `n`'s instances of the level below.
        let tree = |n: u32| -> Vec<u32> {
            match n {
                0 => vec![1, 2, 3],
                1 => vec![],
                2 => vec![20, 21],
                3 => vec![30],
                _ => vec![],
            }
        };
        let mut children = |n: u32, _: &()| tree(n);
        assert_eq!(first_below(0, &[(), ()], &mut children), Some(20));
        assert_eq!(first_below(0, &[()], &mut children), Some(1));
        assert_eq!(first_below(0, &[], &mut children), Some(0));
        assert_eq!(first_below(1, &[()], &mut children), None);
        assert_eq!(shown("NaN"), "");
        assert_eq!(shown("12.50"), "12.50");
    }
}
