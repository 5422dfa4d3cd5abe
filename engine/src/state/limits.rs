//! Bounds on the repeat instances built while loading a response from
//! outside (a submission on the server). A `repeat_count` answer of
//! 99,999,999, or an array of a million `{}`, must be refused before the
//! instances exist: each costs memory for every field of its scope, and the
//! validation messages grow with them.

use super::{FormState, InstanceId, MAX_INSTANCES, NodeRef};
use crate::compile::{CompiledForm, FieldId, ScopeId};
use crate::response::ResponseError;

/// Instances of one repeat (under one parent) a response may have when the
/// form sets no `max_instances` (a form's own maximum is its author's word).
pub const MAX_RESPONSE_INSTANCES: usize = 1_000;

/// Nodes (one field in one instance) a response may make in all, so nested
/// repeats cannot multiply their limits.
pub const MAX_RESPONSE_NODES: usize = 100_000;

/// Counts what loading has built so far; the first refusal is kept.
#[derive(Debug, Clone)]
pub(crate) struct LoadGuard {
    nodes: usize,
    pub exceeded: Option<ResponseError>,
}

impl LoadGuard {
    /// Starts from the instances that already exist.
    pub fn new(state: &FormState) -> Self {
        let nodes = state
            .tree
            .arena
            .iter()
            .filter(|i| i.alive)
            .map(|i| scope_size(&state.form, i.scope))
            .sum();
        LoadGuard {
            nodes,
            exceeded: None,
        }
    }
}

fn scope_size(form: &CompiledForm, scope: ScopeId) -> usize {
    form.scope(scope).fields.len().max(1)
}

impl FormState {
    /// Whether `repeat` under `parent` may grow to `target` instances. Always
    /// for the app's own state (no guard); under a guard, a refusal is
    /// recorded and nothing may be created from then on.
    pub(crate) fn admit_instances(
        &mut self,
        form: &CompiledForm,
        repeat: FieldId,
        parent: InstanceId,
        target: usize,
    ) -> bool {
        let len = self.instances(repeat, parent).len();
        if self.guard.is_none() || target <= len {
            return true;
        }
        let path = || {
            self.path(NodeRef {
                field: repeat,
                instance: parent,
            })
        };
        let f = form.field(repeat);
        let limit = f
            .repeat()
            .and_then(|r| r.max_instances)
            .map_or(MAX_RESPONSE_INSTANCES, |m| (m as usize).min(MAX_INSTANCES));
        let added = (target - len).saturating_mul(scope_size(form, f.scope));
        let refusal = match &self.guard {
            Some(g) if g.exceeded.is_some() => return false,
            Some(_) if target > limit => Some(ResponseError::TooManyInstances {
                path: path(),
                limit,
            }),
            Some(g) if g.nodes.saturating_add(added) > MAX_RESPONSE_NODES => {
                Some(ResponseError::TooLarge {
                    path: path(),
                    limit: MAX_RESPONSE_NODES,
                })
            }
            _ => None,
        };
        let Some(guard) = self.guard.as_mut() else {
            return true;
        };
        match refusal {
            Some(e) => {
                guard.exceeded = Some(e);
                false
            }
            None => {
                guard.nodes += added;
                true
            }
        }
    }
}

impl FormState {
    /// The refusal [`FormState::admit_instances`] recorded.
    pub(crate) fn refusal(&mut self) -> ResponseError {
        self.guard
            .as_mut()
            .and_then(|g| g.exceeded.take())
            .unwrap_or(ResponseError::TooLarge {
                path: String::new(),
                limit: MAX_RESPONSE_NODES,
            })
    }
}
