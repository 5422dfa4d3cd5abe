//! The answers to one form, and everything computed from them, kept up to
//! date incrementally.
//!
//! # Data layout
//!
//! Each field's data is a set of dense vectors indexed by *slot*, the row of
//! one instance of the field's scope (the root has one slot, a repeat one
//! per instance): the stored answer text, a flag byte (relevant, required,
//! read-only, constraint verdict) and, for filtered selects, the visible
//! choices. Repeat instances live in an arena ([`InstanceId`]s are stable
//! while positions shift, and never name another instance: a removed
//! instance's arena entry is reused under a new generation); the slots of
//! removed instances are reused.
//!
//! # Effective values
//!
//! What an expression reads from a field is its *effective* value: the
//! stored answer (or calculation) while the field is relevant, `""` while it
//! is not. Relevance is inherited: a field inside a non-relevant group or
//! repeat instance is not relevant. Non-relevant answers are kept (so they
//! come back if the field becomes relevant again, as in ODK Collect) but are
//! left out of the submitted [`Response`](crate::response::Response).
//!
//! # Typed values
//!
//! Answers are stored as canonical ODK text (numbers as typed, dates
//! `YYYY-MM-DD`, select_multiple space separated). Expressions see integer,
//! decimal and range answers as numbers, date and today as dates, datetime,
//! start and end as date-times, everything else as text (see
//! [`EvalContext::resolve`](crate::expr::EvalContext::resolve)). From inside
//! a repeat instance, fields of the same instance (or of enclosing
//! instances) resolve to that instance; fields in repeats below the shared
//! ancestor resolve to a node-set over their instances.

mod changes;
mod context;
mod error;
mod last_saved;
pub(crate) mod limits;
mod probe;
mod problems;
pub(crate) mod propagate;
mod queue;
mod text;
pub(crate) mod tree;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tree_tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod prop_tests;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

pub use changes::{Change, ChangeKind, Changes};
pub use error::StateError;
pub use last_saved::LastSaved;
pub use limits::{MAX_RESPONSE_INSTANCES, MAX_RESPONSE_NODES};
pub use probe::{ProbeError, evaluate_alone, type_name};
pub use propagate::MAX_INSTANCES;

use crate::compile::{CompiledForm, Cond, FieldId, FieldKind, NodeKind, ScopeId};
use crate::env::Environment;
use crate::expr::{Value, suggest};
use crate::model::{Choice, QuestionType};
use propagate::Run;
use tree::Tree;

/// Bits of a field's per-slot flag byte.
pub(crate) mod flags {
    /// Effectively relevant (own condition and every ancestor's).
    pub const REL: u8 = 1;
    /// The relevance readers last saw (see `process_value`).
    pub const SEEN_REL: u8 = 2;
    /// The stored text changed since readers were last told.
    pub const DIRTY: u8 = 4;
    pub const REQUIRED: u8 = 8;
    pub const READ_ONLY: u8 = 16;
    /// The constraint holds (or the answer is empty).
    pub const VALID: u8 = 32;
}

/// A repeat instance's stable identity ([`InstanceId::ROOT`]: the top
/// level). Removing other instances never changes it.
///
/// The low 32 bits are its entry in the instance arena, the high 32 bits
/// that entry's generation: a removed instance's entry is reused, with the
/// next generation, so the arena stays as large as the most instances alive
/// at once while a stale id never names the new instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(pub u64);

impl InstanceId {
    pub const ROOT: InstanceId = InstanceId(0);

    pub(crate) fn new(index: u32, generation: u32) -> Self {
        InstanceId(u64::from(generation) << 32 | u64::from(index))
    }

    /// Its entry in the arena.
    pub fn index(self) -> usize {
        (self.0 & u64::from(u32::MAX)) as usize
    }

    /// How many instances used its entry before it.
    pub fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }
}

/// `3`, or `3v2` for the third instance to use entry 3.
impl fmt::Display for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.generation() {
            0 => write!(f, "{}", self.index()),
            g => write!(f, "{}v{g}", self.index()),
        }
    }
}

impl FromStr for InstanceId {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let (index, generation) = s.split_once('v').unwrap_or((s, "0"));
        Ok(InstanceId::new(
            index.parse().map_err(|_| ())?,
            generation.parse().map_err(|_| ())?,
        ))
    }
}

/// One node of the instance tree: a field in one instance of its scope.
/// For a repeat, `instance` is one instance of that repeat.
///
/// Compact and `Copy`, for the UI; [`NodeRef::key`] is a short string form
/// (`"12.3"`: field 12 in instance 3) that [`FromStr`] reads back. For
/// people, [`FormState::path`] gives `hh_member[2]/age`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeRef {
    pub field: FieldId,
    pub instance: InstanceId,
}

impl NodeRef {
    /// A top-level field.
    pub fn root(field: FieldId) -> Self {
        Self {
            field,
            instance: InstanceId::ROOT,
        }
    }

    /// `"<field>.<instance>"` (see [`InstanceId`]'s `Display`).
    pub fn key(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.field.0, self.instance)
    }
}

impl FromStr for NodeRef {
    type Err = StateError;

    fn from_str(s: &str) -> Result<Self, StateError> {
        let bad = || StateError::BadPath {
            path: s.to_owned(),
            problem: "a node key looks like `12.3`".to_owned(),
        };
        let (f, i) = s.split_once('.').ok_or_else(bad)?;
        Ok(NodeRef {
            field: FieldId(f.parse().map_err(|_| bad())?),
            instance: i.parse().map_err(|()| bad())?,
        })
    }
}

/// Per field, per slot (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldData {
    pub stored: Vec<String>,
    pub flags: Vec<u8>,
    /// Visible choice indices; only for selects with a choice filter.
    pub choices: Vec<Vec<u32>>,
}

/// The computed state of one node, for comparing two states
/// ([`FormState::snapshot`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSnapshot {
    pub path: String,
    /// Effective value (`""` when not relevant); empty for groups and repeats.
    pub value: String,
    pub relevant: bool,
    pub required: bool,
    pub read_only: bool,
    pub constraint_ok: bool,
    /// Visible choice names of a filtered select.
    pub choices: Option<Vec<String>>,
}

/// A form being filled in: see the module docs.
#[derive(Debug, Clone)]
pub struct FormState {
    pub(crate) form: Arc<CompiledForm>,
    pub(crate) lang: String,
    pub(crate) instance_id: String,
    /// When filling in began (ISO date-time), for the response's metadata.
    pub(crate) started: String,
    pub(crate) tree: Tree,
    pub(crate) data: Vec<FieldData>,
    /// Answers of instances a `repeat_count` took away, per repeat and
    /// parent instance, last removed on top: a count going back up brings
    /// them back (an enumerator correcting `3` to `4` passes through an
    /// empty count). Kept for the session, not saved.
    pub(crate) removed:
        HashMap<(FieldId, InstanceId), Vec<serde_json::Map<String, serde_json::Value>>>,
    /// Set only while loading a response from outside: bounds the instances
    /// built (see `limits`).
    pub(crate) guard: Option<limits::LoadGuard>,
    /// What `${last-saved#name}` reads (see [`FormState::new_with_last_saved`]).
    pub(crate) last_saved: Arc<LastSaved>,
    /// The questions with a problem now (see `problems`).
    pub(crate) problems: problems::Problems,
    /// The last edit's propagation buffers, reused by the next.
    spare: propagate::Spare,
}

impl FormState {
    /// A blank response: defaults and metadata filled in, initial repeat
    /// instances created (`repeat_count`, else `min_instances`, else none),
    /// everything computed. The instance id is a fresh UUID v7
    /// ([`crate::response::uuid_v7`]).
    pub fn new(form: Arc<CompiledForm>, env: &dyn Environment) -> FormState {
        let id = crate::response::uuid_v7(env);
        Self::with_instance_id(form, id, env)
    }

    /// Like [`FormState::new`] with a given instance id.
    pub fn with_instance_id(
        form: Arc<CompiledForm>,
        instance_id: String,
        env: &dyn Environment,
    ) -> FormState {
        Self::starting(form, instance_id, env, LastSaved::default())
    }

    /// Like [`FormState::new`], with the answers of the last response saved
    /// of this form on the device, which `${last-saved#name}` reads (in
    /// defaults, evaluated as the response starts, and in any other
    /// expression); with none (the first response), they read as empty.
    pub fn new_with_last_saved(
        form: Arc<CompiledForm>,
        env: &dyn Environment,
        last_saved: LastSaved,
    ) -> FormState {
        let id = crate::response::uuid_v7(env);
        Self::starting(form, id, env, last_saved)
    }

    fn starting(
        form: Arc<CompiledForm>,
        instance_id: String,
        env: &dyn Environment,
        last_saved: LastSaved,
    ) -> FormState {
        let mut state = FormState {
            lang: form.form.default_language.clone(),
            instance_id,
            started: crate::expr::date::format_datetime(env.now_millis(), env.utc_offset_minutes()),
            tree: Tree::new(&form),
            data: vec![FieldData::default(); form.fields.len()],
            removed: HashMap::new(),
            guard: None,
            last_saved: Arc::new(last_saved),
            problems: problems::Problems::new(&form),
            spare: propagate::Spare::default(),
            form,
        };
        let form = state.form.clone();
        let mut run = Run::new(env);
        state.init_slot(&form, ScopeId::ROOT, 0, env);
        state.queue_scope(&form, ScopeId::ROOT, 0, &mut run, &[NodeKind::Trigger]);
        state.run(&mut run);
        state
    }

    pub fn form(&self) -> &Arc<CompiledForm> {
        &self.form
    }

    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// The language of labels for `jr:choice-name` and choice filters.
    pub fn language(&self) -> &str {
        &self.lang
    }

    /// Switch language; expressions that use labels are recomputed.
    pub fn set_language(
        &mut self,
        lang: &str,
        env: &dyn Environment,
    ) -> Result<Changes, StateError> {
        if !self.form.form.languages.iter().any(|l| l.code == lang) {
            return Err(StateError::UnknownLanguage {
                lang: lang.to_owned(),
            });
        }
        self.lang = lang.to_owned();
        let form = self.form.clone();
        let mut run = Run::new(env);
        for (i, node) in form.nodes.iter().enumerate() {
            // Defaults and triggered calculations are answers once set: a
            // language switch must not redo them over the enumerator's.
            if node.uses_language && !matches!(node.kind, NodeKind::Default | NodeKind::Trigger) {
                for (slot, inst) in self.tree.slots[node.scope.index()].iter().enumerate() {
                    if inst.is_some() {
                        run.push(crate::compile::NodeId(i as u32), slot as u32);
                    }
                }
            }
        }
        self.run(&mut run);
        Ok(run.changes)
    }

    // ----- paths -----

    /// The node at a path such as `age`, `hh_member[2]/age` or
    /// `hh_member[2]` (the instance itself). Positions are 1-based; group
    /// names may appear in the path and are skipped.
    pub fn node(&self, path: &str) -> Result<NodeRef, StateError> {
        let (inst, container, last) = self.walk_path(path)?;
        let (name, index) = segment(path, last)?;
        let field = self.lookup_in(path, container, name)?;
        let f = self.form.field(field);
        if let Some(index) = index {
            let instance = self.child(path, inst, field, index)?;
            return Ok(NodeRef { field, instance });
        }
        if f.kind == FieldKind::Repeat {
            return Err(bad_path(
                path,
                format!("`{name}` is a repeat: name one instance, e.g. `{name}[1]`"),
            ));
        }
        if f.scope != self.tree.inst(inst).scope {
            return Err(self.scope_mismatch(path, field));
        }
        Ok(NodeRef {
            field,
            instance: inst,
        })
    }

    /// The repeat instance at a path such as `hh_member[2]` (`""`: the root).
    pub fn instance(&self, path: &str) -> Result<InstanceId, StateError> {
        if path.trim_matches('/').is_empty() {
            return Ok(InstanceId::ROOT);
        }
        let node = self.node(path)?;
        if self.form.field(node.field).kind != FieldKind::Repeat {
            return Err(bad_path(path, "does not name a repeat instance".to_owned()));
        }
        Ok(node.instance)
    }

    /// A repeat's list at a path such as `hh_member` or `hh[1]/member`:
    /// (repeat, parent instance).
    pub fn repeat(&self, path: &str) -> Result<(FieldId, InstanceId), StateError> {
        let (inst, container, last) = self.walk_path(path)?;
        let (name, index) = segment(path, last)?;
        let field = self.lookup_in(path, container, name)?;
        if self.form.field(field).kind != FieldKind::Repeat || index.is_some() {
            return Err(bad_path(
                path,
                format!("`{last}` is not a repeat (without an index)"),
            ));
        }
        if self.form.parent_scope(field) != self.tree.inst(inst).scope {
            return Err(self.scope_mismatch(path, field));
        }
        Ok((field, inst))
    }

    /// `hh_member[2]/age`; a repeat instance's node prints as `hh_member[2]`.
    pub fn path(&self, node: NodeRef) -> String {
        let mut out = self.instance_path(node.instance);
        let f = self.form.field(node.field);
        let is_instance = f.kind == FieldKind::Repeat
            && self
                .tree
                .get(node.instance)
                .is_some_and(|i| i.scope == f.scope);
        if !is_instance {
            if !out.is_empty() {
                out.push('/');
            }
            // A name other fields also have takes the groups around it.
            let mut parts = vec![f.name.as_str()];
            if self.form.lookup(&f.name) != Some(node.field) {
                let mut at = f.parent;
                while let Some(g) = at.map(|g| self.form.field(g)) {
                    if g.kind != FieldKind::Group {
                        break;
                    }
                    parts.push(&g.name);
                    at = g.parent;
                }
            }
            parts.reverse();
            out.push_str(&parts.join("/"));
        }
        out
    }

    /// `hh[1]/member[2]`; `""` for the root.
    pub fn instance_path(&self, id: InstanceId) -> String {
        let mut parts = Vec::new();
        let mut cur = id;
        while cur != InstanceId::ROOT {
            let Some(inst) = self.tree.get(cur) else {
                return format!("#{id}");
            };
            let name = self
                .form
                .scope(inst.scope)
                .repeat
                .map_or("?", |r| self.form.field(r).name.as_str());
            parts.push(format!("{name}[{}]", inst.position));
            cur = inst.parent;
        }
        parts.reverse();
        parts.join("/")
    }

    fn lookup(&self, name: &str) -> Result<FieldId, StateError> {
        self.form
            .lookup(name)
            .ok_or_else(|| StateError::UnknownField {
                name: name.to_owned(),
                suggestion: suggest(name, self.form.fields.iter().map(|f| f.name.as_str()))
                    .map(str::to_owned),
            })
    }

    fn child(
        &self,
        path: &str,
        parent: InstanceId,
        repeat: FieldId,
        index: usize,
    ) -> Result<InstanceId, StateError> {
        let f = self.form.field(repeat);
        if f.kind != FieldKind::Repeat {
            return Err(bad_path(
                path,
                format!("`{}` is not a repeat, it takes no index", f.name),
            ));
        }
        if self.form.parent_scope(repeat) != self.tree.inst(parent).scope {
            return Err(self.scope_mismatch(path, repeat));
        }
        let list = self
            .tree
            .children(parent, self.form.scope(f.scope).index_in_parent);
        index
            .checked_sub(1)
            .and_then(|i| list.get(i))
            .copied()
            .ok_or_else(|| {
                bad_path(
                    path,
                    format!("`{}` has {} instances, not {index}", f.name, list.len()),
                )
            })
    }

    /// The field called `name` in `container` (a group or repeat; `None`:
    /// the top level): its child, else the one field of that name in the
    /// groups below it (group names may be left out of a path), else the
    /// one field of that name in the form. Names are unique only among
    /// siblings, so the container decides.
    fn lookup_in(
        &self,
        path: &str,
        container: Option<FieldId>,
        name: &str,
    ) -> Result<FieldId, StateError> {
        let form = &*self.form;
        if let Some(f) = form.child_named(container, name) {
            return Ok(f);
        }
        let mut found = Vec::new();
        let mut groups: Vec<FieldId> = match container {
            Some(c) => form.field(c).children.clone(),
            None => form.top_level().collect(),
        };
        while let Some(g) = groups.pop() {
            let f = form.field(g);
            if f.kind == FieldKind::Group {
                for &c in &f.children {
                    if form.field(c).name == name {
                        found.push(c);
                    }
                    groups.push(c);
                }
            }
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] if form.named(name).len() > 1 => Err(bad_path(
                path,
                format!(
                    "several fields are called `{name}`: give the groups around it, e.g. `{}`",
                    form.path_of(form.named(name)[0])
                ),
            )),
            [] => self.lookup(name),
            [first, ..] => Err(bad_path(
                path,
                format!(
                    "several fields are called `{name}`: give the group around it, e.g. `{}`",
                    form.path_of(*first)
                ),
            )),
        }
    }

    /// All segments but the last resolved to an instance, and the group or
    /// repeat the last one is in.
    fn walk_path<'p>(
        &self,
        path: &'p str,
    ) -> Result<(InstanceId, Option<FieldId>, &'p str), StateError> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let Some((last, init)) = segments.split_last() else {
            return Err(bad_path(path, "empty path".to_owned()));
        };
        let mut inst = InstanceId::ROOT;
        let mut container = None;
        for seg in init {
            let (name, index) = segment(path, seg)?;
            let field = self.lookup_in(path, container, name)?;
            container = Some(field);
            match (self.form.field(field).kind, index) {
                (FieldKind::Group, None) => {}
                (FieldKind::Repeat, Some(i)) => inst = self.child(path, inst, field, i)?,
                (FieldKind::Repeat, None) => {
                    return Err(bad_path(
                        path,
                        format!("`{name}` is a repeat: give a position, e.g. `{name}[1]`"),
                    ));
                }
                _ => {
                    return Err(bad_path(
                        path,
                        format!("`{seg}` cannot contain other fields"),
                    ));
                }
            }
        }
        Ok((inst, container, last))
    }

    fn scope_mismatch(&self, path: &str, field: FieldId) -> StateError {
        let f = self.form.field(field);
        let scope = if f.kind == FieldKind::Repeat {
            self.form.parent_scope(field)
        } else {
            f.scope
        };
        let problem = match self.form.scope(scope).repeat {
            Some(r) => format!(
                "`{}` is inside repeat `{}`: give its position, e.g. `{}[1]/{}`",
                f.name,
                self.form.field(r).name,
                self.form.field(r).name,
                f.name
            ),
            None => format!("`{}` is not inside a repeat", f.name),
        };
        bad_path(path, problem)
    }

    /// The slot of a node, checking that it exists.
    fn slot(&self, node: NodeRef) -> Result<usize, StateError> {
        let Some(f) = self.form.fields.get(node.field.index()) else {
            return Err(StateError::UnknownField {
                name: format!("#{}", node.field.0),
                suggestion: None,
            });
        };
        let inst = self
            .tree
            .get(node.instance)
            .ok_or(StateError::NoSuchInstance { id: node.instance })?;
        if inst.scope != f.scope {
            return Err(StateError::WrongInstance {
                field: f.name.clone(),
                id: node.instance,
            });
        }
        Ok(inst.slot as usize)
    }

    // ----- edits -----

    /// Answer a question. `text` is stored as given (canonical ODK text is
    /// expected: see the module docs; [`crate::validate`] checks it).
    /// Recomputes only what depends on it.
    pub fn set_value(
        &mut self,
        node: NodeRef,
        text: &str,
        env: &dyn Environment,
    ) -> Result<Changes, StateError> {
        let slot = self.slot(node)?;
        let f = self.form.field(node.field);
        match f.kind {
            FieldKind::Group => {
                return Err(StateError::NotAQuestion {
                    field: f.name.clone(),
                    what: "group",
                });
            }
            FieldKind::Repeat => {
                return Err(StateError::NotAQuestion {
                    field: f.name.clone(),
                    what: "repeat",
                });
            }
            FieldKind::Question(t) if !f.is_settable() => {
                let what = if t.is_metadata() {
                    "metadata"
                } else if t == QuestionType::Note {
                    "a note"
                } else {
                    "a calculation"
                };
                return Err(StateError::NotSettable {
                    field: f.name.clone(),
                    what,
                });
            }
            FieldKind::Question(_) => {}
        }
        let d = &mut self.data[node.field.index()];
        if d.stored[slot] == text {
            return Ok(Changes::default());
        }
        // Into the old answer's buffer: most edits then allocate nothing.
        d.stored[slot].clear();
        d.stored[slot].push_str(text);
        d.flags[slot] |= flags::DIRTY;
        let mut run = Run::reusing(env, std::mem::take(&mut self.spare));
        if let Some(v) = self.form.node_of(node.field, NodeKind::Value) {
            run.push(v, slot as u32);
        }
        self.run(&mut run);
        let (changes, spare) = run.finish();
        self.spare = spare;
        Ok(changes)
    }

    /// [`FormState::set_value`] by path.
    pub fn set(
        &mut self,
        path: &str,
        text: &str,
        env: &dyn Environment,
    ) -> Result<Changes, StateError> {
        let node = self.node(path)?;
        self.set_value(node, text, env)
    }

    /// Add an instance at the end of `repeat`'s list in `parent`.
    pub fn add_instance(
        &mut self,
        repeat: FieldId,
        parent: InstanceId,
        env: &dyn Environment,
    ) -> Result<(InstanceId, Changes), StateError> {
        let form = self.form.clone();
        let f = form
            .fields
            .get(repeat.index())
            .filter(|f| f.kind == FieldKind::Repeat)
            .ok_or_else(|| StateError::NotARepeat {
                field: name_or_id(&form, repeat),
            })?;
        let list = self.list(repeat, parent)?;
        if f.props.repeat_count.is_some() {
            return Err(StateError::CountControlled {
                repeat: f.name.clone(),
            });
        }
        let max = f.repeat().and_then(|r| r.max_instances);
        if let Some(max) = max
            && list.len() >= max as usize
        {
            return Err(StateError::TooMany {
                repeat: f.name.clone(),
                max,
            });
        }
        let mut run = Run::new(env);
        let id = self.create_instance(&form, f.scope, parent, &mut run);
        self.after_instances_changed(&form, repeat, parent, &mut run);
        self.run(&mut run);
        Ok((id, run.changes))
    }

    /// [`FormState::add_instance`] by path: `hh_member`, `hh[1]/member`.
    pub fn add(
        &mut self,
        repeat_path: &str,
        env: &dyn Environment,
    ) -> Result<(InstanceId, Changes), StateError> {
        let (repeat, parent) = self.repeat(repeat_path)?;
        self.add_instance(repeat, parent, env)
    }

    /// Remove a repeat instance (and everything in it). Other instances keep
    /// their ids; positions after it shift down.
    pub fn remove_instance(
        &mut self,
        id: InstanceId,
        env: &dyn Environment,
    ) -> Result<Changes, StateError> {
        let form = self.form.clone();
        let inst = self
            .tree
            .get(id)
            .filter(|_| id != InstanceId::ROOT)
            .ok_or(StateError::NoSuchInstance { id })?;
        let parent = inst.parent;
        let Some(repeat) = form.scope(inst.scope).repeat else {
            return Err(StateError::NoSuchInstance { id });
        };
        let f = form.field(repeat);
        if f.props.repeat_count.is_some() {
            return Err(StateError::CountControlled {
                repeat: f.name.clone(),
            });
        }
        let len = self.list(repeat, parent)?.len();
        if let Some(min) = f.repeat().and_then(|r| r.min_instances)
            && len <= min as usize
        {
            return Err(StateError::TooFew {
                repeat: f.name.clone(),
                min,
            });
        }
        let mut run = Run::new(env);
        self.destroy(&form, id);
        self.after_instances_changed(&form, repeat, parent, &mut run);
        self.run(&mut run);
        Ok(run.changes)
    }

    /// [`FormState::remove_instance`] by path: `hh_member[2]`.
    pub fn remove(
        &mut self,
        instance_path: &str,
        env: &dyn Environment,
    ) -> Result<Changes, StateError> {
        let id = self.instance(instance_path)?;
        self.remove_instance(id, env)
    }

    fn after_instances_changed(
        &mut self,
        form: &CompiledForm,
        repeat: FieldId,
        parent: InstanceId,
        run: &mut Run,
    ) {
        run.changes.push(
            NodeRef {
                field: repeat,
                instance: parent,
            },
            ChangeKind::Instances,
        );
        if let Some(n) = form.node_of(repeat, NodeKind::Instances) {
            self.enqueue_dependents(form, n, parent, run);
        }
    }

    /// Recompute everything from the stored answers, ignoring what is
    /// cached: calculations, relevance, flags, choice lists (defaults and
    /// triggered calculations are not rerun: they are answers by now).
    /// Used to check the incremental engine.
    pub fn recompute_all(&mut self, env: &dyn Environment) -> Changes {
        let form = self.form.clone();
        let mut run = Run::new(env);
        run.fire_triggers = false;
        for (fid, d) in self.data.iter_mut().enumerate() {
            let f = form.field(FieldId(fid as u32));
            let computed = f.props.calculation.is_some() && f.props.trigger.is_empty();
            for (slot, fl) in d.flags.iter_mut().enumerate() {
                *fl = flags::VALID;
                if computed && let Some(s) = d.stored.get_mut(slot) {
                    s.clear();
                }
            }
            for c in &mut d.choices {
                c.clear();
            }
        }
        for (i, node) in form.nodes.iter().enumerate() {
            if matches!(node.kind, NodeKind::Default | NodeKind::Trigger) {
                continue;
            }
            for (slot, inst) in self.tree.slots[node.scope.index()].iter().enumerate() {
                if inst.is_some() {
                    run.push(crate::compile::NodeId(i as u32), slot as u32);
                }
            }
        }
        self.run(&mut run);
        self.recheck_all();
        run.changes
    }

    // ----- reading -----

    fn flag(&self, node: NodeRef, bit: u8) -> bool {
        self.slot(node)
            .ok()
            .and_then(|s| self.data[node.field.index()].flags.get(s))
            .is_some_and(|f| f & bit != 0)
    }

    /// The stored answer (or calculation), even when not relevant; `""`
    /// for groups, repeats and unknown nodes.
    pub fn value(&self, node: NodeRef) -> &str {
        self.slot(node)
            .ok()
            .and_then(|s| self.data[node.field.index()].stored.get(s))
            .map_or("", String::as_str)
    }

    /// The value as expressions see it: typed, `""` when not relevant.
    pub fn typed_value(&self, node: NodeRef, env: &dyn Environment) -> Value {
        match self.slot(node) {
            Ok(s) => self.typed(node.field, s, env.utc_offset_minutes()),
            Err(_) => Value::empty(),
        }
    }

    /// Effectively relevant (false for nodes that do not exist).
    pub fn relevant(&self, node: NodeRef) -> bool {
        self.flag(node, flags::REL)
    }

    pub fn required(&self, node: NodeRef) -> bool {
        match &self
            .form
            .fields
            .get(node.field.index())
            .map(|f| &f.props.required)
        {
            Some(Cond::Const(b)) => *b && self.slot(node).is_ok(),
            _ => self.flag(node, flags::REQUIRED),
        }
    }

    /// The `read_only` property (calculations and notes are never settable
    /// either: see [`crate::compile::Field::is_settable`]).
    pub fn read_only(&self, node: NodeRef) -> bool {
        match &self
            .form
            .fields
            .get(node.field.index())
            .map(|f| &f.props.read_only)
        {
            Some(Cond::Const(b)) => *b && self.slot(node).is_ok(),
            _ => self.flag(node, flags::READ_ONLY),
        }
    }

    /// The constraint holds, or the answer is empty (not checked).
    pub fn constraint_ok(&self, node: NodeRef) -> bool {
        self.flag(node, flags::VALID)
    }

    /// The choices a select offers now: its list, filtered by its
    /// `choice_filter`.
    pub fn choices(&self, node: NodeRef) -> Vec<&Choice> {
        let all = self.form.choices(node.field);
        if self.form.node_of(node.field, NodeKind::Choices).is_none() {
            return all.iter().collect();
        }
        let Ok(slot) = self.slot(node) else {
            return Vec::new();
        };
        self.data[node.field.index()]
            .choices
            .get(slot)
            .map_or_else(Vec::new, |v| {
                v.iter().filter_map(|&i| all.get(i as usize)).collect()
            })
    }

    /// The instances of `repeat` in `parent`, in order.
    pub fn instances(&self, repeat: FieldId, parent: InstanceId) -> &[InstanceId] {
        self.list(repeat, parent).unwrap_or(&[])
    }

    fn list(&self, repeat: FieldId, parent: InstanceId) -> Result<&[InstanceId], StateError> {
        let f = self.form.field(repeat);
        let p = self
            .tree
            .get(parent)
            .ok_or(StateError::NoSuchInstance { id: parent })?;
        if f.kind != FieldKind::Repeat || self.form.parent_scope(repeat) != p.scope {
            return Err(StateError::WrongInstance {
                field: f.name.clone(),
                id: parent,
            });
        }
        Ok(self
            .tree
            .children(parent, self.form.scope(f.scope).index_in_parent))
    }

    /// 1-based position of an instance among its siblings.
    pub fn position(&self, id: InstanceId) -> Option<u32> {
        self.tree.get(id).map(|i| i.position)
    }

    /// The instance an instance is nested in.
    pub fn parent(&self, id: InstanceId) -> Option<InstanceId> {
        self.tree
            .get(id)
            .filter(|_| id != InstanceId::ROOT)
            .map(|i| i.parent)
    }

    /// The repeat an instance belongs to (`None` for the root).
    pub fn repeat_of(&self, id: InstanceId) -> Option<FieldId> {
        self.tree
            .get(id)
            .and_then(|i| self.form.scope(i.scope).repeat)
    }

    /// Every node of the state in document order: each field of an
    /// instance, then the instances of its repeats.
    pub fn nodes(&self) -> Vec<NodeRef> {
        let mut out = Vec::new();
        self.collect_nodes(InstanceId::ROOT, None, &mut out);
        out
    }

    fn collect_nodes(&self, inst: InstanceId, under: Option<FieldId>, out: &mut Vec<NodeRef>) {
        let children: Vec<FieldId> = match under {
            Some(f) => self.form.field(f).children.clone(),
            None => self.form.top_level().collect(),
        };
        for c in children {
            let f = self.form.field(c);
            match f.kind {
                FieldKind::Repeat => {
                    for &i in self.instances(c, inst) {
                        out.push(NodeRef {
                            field: c,
                            instance: i,
                        });
                        self.collect_nodes(i, Some(c), out);
                    }
                }
                FieldKind::Group => {
                    out.push(NodeRef {
                        field: c,
                        instance: inst,
                    });
                    self.collect_nodes(inst, Some(c), out);
                }
                FieldKind::Question(_) => out.push(NodeRef {
                    field: c,
                    instance: inst,
                }),
            }
        }
    }

    /// Everything computed, per node in document order, to compare an
    /// incrementally maintained state with one recomputed from scratch.
    pub fn snapshot(&self) -> Vec<NodeSnapshot> {
        self.nodes()
            .into_iter()
            .map(|n| {
                let is_question = matches!(self.form.field(n.field).kind, FieldKind::Question(_));
                let filtered = self.form.node_of(n.field, NodeKind::Choices).is_some();
                NodeSnapshot {
                    path: self.path(n),
                    value: if is_question && self.relevant(n) {
                        self.value(n).to_owned()
                    } else {
                        String::new()
                    },
                    relevant: self.relevant(n),
                    required: self.required(n),
                    read_only: self.read_only(n),
                    constraint_ok: self.constraint_ok(n),
                    choices: filtered
                        .then(|| self.choices(n).iter().map(|c| c.name.clone()).collect()),
                }
            })
            .collect()
    }
}

fn name_or_id(form: &CompiledForm, id: FieldId) -> String {
    form.fields
        .get(id.index())
        .map_or_else(|| format!("#{}", id.0), |f| f.name.clone())
}

fn bad_path(path: &str, problem: String) -> StateError {
    StateError::BadPath {
        path: path.to_owned(),
        problem,
    }
}

/// `name` or `name[3]`.
fn segment<'p>(path: &str, seg: &'p str) -> Result<(&'p str, Option<usize>), StateError> {
    match seg.split_once('[') {
        None => Ok((seg, None)),
        Some((name, rest)) => {
            let index = rest
                .strip_suffix(']')
                .and_then(|i| i.parse::<usize>().ok())
                .filter(|&i| i >= 1)
                .ok_or_else(|| {
                    bad_path(
                        path,
                        format!("`{seg}`: positions are written `[1]`, `[2]`, ..."),
                    )
                })?;
            Ok((name, Some(index)))
        }
    }
}
