//! The instance tree: which repeat instances exist, where, in which order.
//!
//! Instances live in an arena indexed by [`InstanceId`]; an id stays a
//! stable identity while positions shift. A removed instance's entry is
//! reused with the next generation (which the id carries), so the arena is
//! as large as the most instances alive at once and a stale id never names
//! a newer instance; an entry whose generation is exhausted is retired.
//! Each instance also owns a *slot* in its scope, the row index of its data
//! in the per-field vectors; slots of removed instances are reused so data
//! stays dense.

use super::InstanceId;
use crate::compile::{CompiledForm, ScopeId};

#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub scope: ScopeId,
    pub slot: u32,
    pub parent: InstanceId,
    pub depth: u32,
    /// 1-based position among its siblings.
    pub position: u32,
    pub alive: bool,
    /// How many instances used this entry before (see [`InstanceId`]).
    pub generation: u32,
    /// Per repeat nested in this scope (by `Scope::index_in_parent`), its
    /// instances in order.
    pub children: Vec<Vec<InstanceId>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Tree {
    pub arena: Vec<Instance>,
    /// Per scope, per slot: the instance using it.
    pub slots: Vec<Vec<Option<InstanceId>>>,
    free: Vec<Vec<u32>>,
    /// Arena entries of removed instances, to reuse.
    free_entries: Vec<u32>,
}

impl Tree {
    /// A tree with just the root instance (slot 0 of the root scope).
    pub fn new(cf: &CompiledForm) -> Self {
        let root = Instance {
            scope: ScopeId::ROOT,
            slot: 0,
            parent: InstanceId::ROOT,
            depth: 0,
            position: 1,
            alive: true,
            generation: 0,
            children: vec![Vec::new(); cf.scope(ScopeId::ROOT).nested.len()],
        };
        let mut slots = vec![Vec::new(); cf.scopes.len()];
        slots[0].push(Some(InstanceId::ROOT));
        Self {
            arena: vec![root],
            slots,
            free: vec![Vec::new(); cf.scopes.len()],
            free_entries: Vec::new(),
        }
    }

    pub fn get(&self, id: InstanceId) -> Option<&Instance> {
        self.arena
            .get(id.index())
            .filter(|i| i.alive && i.generation == id.generation())
    }

    /// An instance the engine knows exists (or has just removed).
    pub fn inst(&self, id: InstanceId) -> &Instance {
        let inst = &self.arena[id.index()];
        debug_assert_eq!(inst.generation, id.generation(), "stale instance id {id}");
        inst
    }

    /// The instance at `slot` of `scope`, if alive.
    pub fn at(&self, scope: ScopeId, slot: u32) -> Option<InstanceId> {
        self.slots
            .get(scope.index())
            .and_then(|s| s.get(slot as usize))
            .copied()
            .flatten()
    }

    /// The ancestor (or self) of `id` at `depth`.
    pub fn ancestor(&self, mut id: InstanceId, depth: usize) -> InstanceId {
        while self.inst(id).depth as usize > depth {
            id = self.inst(id).parent;
        }
        id
    }

    /// The instances of `repeat_index` (a nested repeat of `parent`'s scope).
    pub fn children(&self, parent: InstanceId, repeat_index: usize) -> &[InstanceId] {
        self.inst(parent)
            .children
            .get(repeat_index)
            .map_or(&[], Vec::as_slice)
    }

    /// Every instance of `target` (a scope at or below `from`'s) under
    /// `from`, in document order.
    pub fn descendants(
        &self,
        cf: &CompiledForm,
        from: InstanceId,
        target: ScopeId,
        out: &mut Vec<InstanceId>,
    ) {
        let depth = self.inst(from).depth as usize;
        let chain = &cf.scope(target).chain;
        if chain.len() <= depth + 1 {
            out.push(from);
            return;
        }
        self.walk(cf, from, &chain[depth + 1..], out);
    }

    fn walk(
        &self,
        cf: &CompiledForm,
        from: InstanceId,
        rest: &[ScopeId],
        out: &mut Vec<InstanceId>,
    ) {
        let Some((first, rest)) = rest.split_first() else {
            out.push(from);
            return;
        };
        let index = cf.scope(*first).index_in_parent;
        for &child in self.children(from, index) {
            self.walk(cf, child, rest, out);
        }
    }

    /// A new instance of `scope` (a repeat) at the end of `parent`'s list.
    pub fn create(&mut self, cf: &CompiledForm, scope: ScopeId, parent: InstanceId) -> InstanceId {
        let id = match self.free_entries.pop() {
            Some(entry) => InstanceId::new(entry, self.arena[entry as usize].generation + 1),
            None => InstanceId::new(self.arena.len() as u32, 0),
        };
        let slot = match self.free[scope.index()].pop() {
            Some(s) => {
                self.slots[scope.index()][s as usize] = Some(id);
                s
            }
            None => {
                self.slots[scope.index()].push(Some(id));
                (self.slots[scope.index()].len() - 1) as u32
            }
        };
        let index = cf.scope(scope).index_in_parent;
        let siblings = &mut self.arena[parent.index()].children[index];
        siblings.push(id);
        let position = siblings.len() as u32;
        let depth = self.inst(parent).depth + 1;
        let inst = Instance {
            scope,
            slot,
            parent,
            depth,
            position,
            alive: true,
            generation: id.generation(),
            children: vec![Vec::new(); cf.scope(scope).nested.len()],
        };
        match self.arena.get_mut(id.index()) {
            Some(entry) => *entry = inst,
            None => self.arena.push(inst),
        }
        id
    }

    /// Remove `id` and everything in it; returns the removed instances
    /// (`id` first) so their data can be cleared.
    pub fn remove(&mut self, cf: &CompiledForm, id: InstanceId) -> Vec<InstanceId> {
        let parent = self.inst(id).parent;
        let index = cf.scope(self.inst(id).scope).index_in_parent;
        let siblings = &mut self.arena[parent.index()].children[index];
        siblings.retain(|&s| s != id);
        let siblings = siblings.clone();
        for (k, s) in siblings.iter().enumerate() {
            self.arena[s.index()].position = k as u32 + 1;
        }
        let mut removed = Vec::new();
        let mut stack = vec![id];
        while let Some(i) = stack.pop() {
            removed.push(i);
            let inst = &mut self.arena[i.index()];
            inst.alive = false;
            let (scope, slot) = (inst.scope, inst.slot);
            for list in std::mem::take(&mut inst.children) {
                stack.extend(list);
            }
            self.slots[scope.index()][slot as usize] = None;
            self.free[scope.index()].push(slot);
            // Retired at the last generation, so no id is ever issued twice.
            if inst.generation < u32::MAX {
                self.free_entries.push(i.index() as u32);
            }
        }
        removed
    }
}
