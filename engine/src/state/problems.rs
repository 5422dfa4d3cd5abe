//! Which questions have a problem now (required and empty, badly formed,
//! not a choice offered, out of range, constraint false), kept up to date
//! as the answers change, so validating a whole response reads them
//! instead of checking every question.
//!
//! Whether a question has a problem depends only on its own node: its
//! relevance, required flag, constraint verdict, stored text and offered
//! choices (see [`crate::validate::validate_node`]). Each of these changes
//! only when one of the question's own runtime nodes reports a change, so
//! the question is re-checked then (`run`); new and removed slots forget
//! what was there, and a recomputation from scratch checks everything.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{FormState, InstanceId, NodeRef};
use crate::compile::{CompiledForm, FieldId, FieldKind, ScopeId};

/// The (field, slot) of every question with a problem.
#[derive(Debug, Clone)]
pub(crate) struct Problems {
    set: BTreeSet<(u32, u32)>,
    /// Per field: whether it can have a problem at all (a question the
    /// enumerator answers), so a calculation's change costs nothing here.
    checked: Arc<[bool]>,
}

impl Problems {
    pub fn new(form: &CompiledForm) -> Self {
        let checked = form
            .fields
            .iter()
            .map(|f| matches!(f.kind, FieldKind::Question(t) if t.takes_input()))
            .collect();
        Self {
            set: BTreeSet::new(),
            checked,
        }
    }

    fn update(&mut self, field: FieldId, slot: u32, problem: bool) {
        if problem {
            self.set.insert((field.0, slot));
        } else if !self.set.is_empty() {
            self.set.remove(&(field.0, slot));
        }
    }
}

impl FormState {
    /// Re-checks the question at `field` in `inst` after one of its nodes
    /// changed.
    pub(crate) fn recheck(&mut self, field: FieldId, inst: InstanceId) {
        if !self.problems.checked.get(field.index()).is_some_and(|&c| c) {
            return;
        }
        let node = NodeRef {
            field,
            instance: inst,
        };
        let slot = self.tree.inst(inst).slot;
        let problem = crate::validate::has_problem(self, node, slot as usize);
        self.problems.update(field, slot, problem);
    }

    /// The slot of `node`'s data, if it exists.
    pub(crate) fn slot_of(&self, node: NodeRef) -> Option<usize> {
        self.slot(node).ok()
    }

    /// The stored text and the flag byte of `field` in `slot`.
    pub(crate) fn cell(&self, field: FieldId, slot: usize) -> Option<(&str, u8)> {
        let d = self.data.get(field.index())?;
        Some((d.stored.get(slot)?.as_str(), *d.flags.get(slot)?))
    }

    /// Checks every question of every instance afresh.
    pub(crate) fn recheck_all(&mut self) {
        self.problems.set.clear();
        let form = self.form.clone();
        for f in &form.fields {
            if !self.problems.checked[f.id.index()] {
                continue;
            }
            for (slot, inst) in self.tree.slots[f.scope.index()].iter().enumerate() {
                let Some(inst) = *inst else { continue };
                let node = NodeRef {
                    field: f.id,
                    instance: inst,
                };
                if crate::validate::has_problem(self, node, slot) {
                    self.problems.set.insert((f.id.0, slot as u32));
                }
            }
        }
    }

    /// Forgets what was known about `slot` of `scope` (created afresh or
    /// freed).
    pub(crate) fn forget_problems(&mut self, scope: ScopeId, slot: u32) {
        if self.problems.set.is_empty() {
            return;
        }
        for &f in &self.form.scope(scope).fields {
            self.problems.set.remove(&(f.0, slot));
        }
    }

    /// How many questions have a problem now: the length of
    /// [`crate::validate::validate`]'s answer, without building it.
    pub fn problem_count(&self) -> usize {
        self.problems.set.len()
    }

    /// The questions with a problem now, in document order (what
    /// [`crate::validate::validate`] reports on).
    pub fn problem_nodes(&self) -> Vec<NodeRef> {
        let mut keyed: Vec<(Vec<u32>, NodeRef)> = self
            .problems
            .set
            .iter()
            .filter_map(|&(field, slot)| {
                let field = FieldId(field);
                let instance = self.tree.at(self.form.field(field).scope, slot)?;
                let node = NodeRef { field, instance };
                Some((self.document_key(node), node))
            })
            .collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        keyed.into_iter().map(|(_, n)| n).collect()
    }

    /// Sorts nodes in document order ([`FormState::nodes`]'s): field ids
    /// are numbered in document order (a group or repeat before what it
    /// holds), so a node's key is, from the top, each repeat instance's
    /// (repeat, position) around it, then its field.
    fn document_key(&self, node: NodeRef) -> Vec<u32> {
        let mut key = vec![node.field.0];
        let mut cur = node.instance;
        while cur != InstanceId::ROOT {
            let inst = self.tree.inst(cur);
            let repeat = self.form.scope(inst.scope).repeat.map_or(0, |r| r.0);
            key.extend([inst.position, repeat]);
            cur = inst.parent;
        }
        key.reverse();
        key
    }
}
