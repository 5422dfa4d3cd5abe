//! Incremental recomputation.
//!
//! An edit marks a few runtime nodes (template node × instance) dirty. They
//! sit in an ordered set keyed by (topological rank, slot), so popping the
//! smallest always yields a node whose dirty inputs are all recomputed.
//! A recomputed node whose result is identical to before stops there;
//! otherwise each dependent edge names the instances it affects: those
//! under the instance the two ends share (see [`crate::compile::Edge`]).
//! The work is proportional to what actually changes, never to the form.

use super::context::{Ctx, typed_text};
use super::queue::Queue;
use super::{ChangeKind, Changes, FormState, InstanceId, NodeRef, flags};
use crate::compile::{
    Compiled, CompiledForm, Cond, DefaultValue, FieldId, NodeId, NodeKind, ScopeId,
};
use crate::env::Environment;
use crate::expr::date::{MS_PER_DAY, format_date, format_datetime};
use crate::expr::eval::evaluate_bool;
use crate::expr::{Value, evaluate};
use crate::model::{Choice, QuestionType};

/// A hard cap on `repeat_count`, so a runaway expression cannot freeze a
/// tablet.
pub const MAX_INSTANCES: usize = 10_000;

/// One propagation in progress.
pub(crate) struct Run<'e> {
    queue: Queue,
    pub changes: Changes,
    env: RunEnv<'e>,
    scratch: Vec<InstanceId>,
    /// Whether a changed trigger reruns its triggered calculation: not when
    /// recomputing from stored answers, where values only look changed and
    /// the calculation's result is an answer by now (maybe overridden).
    pub fire_triggers: bool,
}

/// The buffers of a finished run (its queue and scratch list, empty),
/// kept by the state for the next edit, so an edit allocates nothing for
/// its bookkeeping (in wasm an allocation and its free cost about as much
/// as evaluating a small expression).
#[derive(Debug, Default)]
pub(crate) struct Spare {
    queue: Queue,
    scratch: Vec<InstanceId>,
}

/// A copy of a state starts with fresh buffers: they hold nothing.
impl Clone for Spare {
    fn clone(&self) -> Self {
        Spare::default()
    }
}

/// The run's environment, with the device's UTC offset now read once per
/// run: every read of a number or date field asks for it, and in the
/// browser each ask is three calls into JavaScript (`Date.now()`, `new
/// Date(..)`, `getTimezoneOffset()`). A run takes far less than the time
/// between two offset changes; everything else is asked of the device.
#[derive(Clone, Copy)]
struct RunEnv<'e> {
    inner: &'e dyn Environment,
    offset_now: i32,
}

impl Environment for RunEnv<'_> {
    fn now_millis(&self) -> i64 {
        self.inner.now_millis()
    }
    fn utc_offset_minutes_at(&self, millis: i64) -> i32 {
        self.inner.utc_offset_minutes_at(millis)
    }
    fn utc_offset_minutes(&self) -> i32 {
        self.offset_now
    }
    fn random(&self) -> f64 {
        self.inner.random()
    }
    fn random_bytes(&self, out: &mut [u8]) {
        self.inner.random_bytes(out);
    }
    fn uuid(&self) -> String {
        self.inner.uuid()
    }
    fn device_id(&self) -> String {
        self.inner.device_id()
    }
    fn username(&self) -> String {
        self.inner.username()
    }
}

impl<'e> Run<'e> {
    pub fn new(env: &'e dyn Environment) -> Self {
        Self::reusing(env, Spare::default())
    }

    /// A run on the buffers a finished one left (see [`Run::finish`]).
    pub fn reusing(env: &'e dyn Environment, spare: Spare) -> Self {
        Self {
            queue: spare.queue,
            // Room for what an edit usually changes: one allocation, no
            // regrowth (the list is handed to the caller, so not reused).
            changes: Changes {
                items: Vec::with_capacity(8),
            },
            env: RunEnv {
                inner: env,
                offset_now: env.utc_offset_minutes(),
            },
            scratch: spare.scratch,
            fire_triggers: true,
        }
    }

    /// What the run changed, and its buffers for the next one (a queue
    /// that grew into a `BTreeSet`, after a load, is not kept).
    pub fn finish(self) -> (Changes, Spare) {
        let queue = match self.queue {
            Queue::Small { mut items, .. } => {
                items.clear();
                Queue::Small { items, head: 0 }
            }
            Queue::Big(_) => Queue::default(),
        };
        let spare = Spare {
            queue,
            scratch: self.scratch,
        };
        (self.changes, spare)
    }

    pub fn push(&mut self, node: NodeId, slot: u32) {
        self.queue.insert((node.0, slot));
    }
}

/// Stores `value` as text (XPath `string()`) in `stored`; whether the text
/// changed. A whole number, what most calculations give, is compared and
/// written in place: no string is allocated for it (in wasm, formatting
/// and allocating were a tenth of a top-level edit).
fn store_text(stored: &mut String, value: Value) -> bool {
    let mut buf = [0u8; 20];
    let digits = match value {
        // Exactly `format_number`'s integer case (its 1e-12 rounding only
        // matters for fractions, which take the general path). Whole when
        // the cast back is exact: `fract` calls the C library natively.
        Value::Number(n) if n.abs() < 1e15 && (n as i64) as f64 == n => {
            whole_digits(n as i64, &mut buf)
        }
        Value::String(s) => return replace_text(stored, s),
        other => return replace_text(stored, other.as_string()),
    };
    if stored.as_bytes() == digits {
        return false;
    }
    stored.clear();
    // ASCII only: pushed byte by byte, no UTF-8 check of the buffer.
    stored.extend(digits.iter().map(|&b| char::from(b)));
    true
}

fn replace_text(stored: &mut String, new: String) -> bool {
    if *stored == new {
        return false;
    }
    *stored = new;
    true
}

/// `n` in decimal (ASCII), written backwards into the end of `buf`.
fn whole_digits(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

impl FormState {
    /// Process the queue to the end.
    pub(crate) fn run(&mut self, run: &mut Run) {
        let form = self.form.clone();
        while let Some((n, slot)) = run.queue.pop_first() {
            let node = NodeId(n);
            let Some(inst) = self.tree.at(form.node(node).scope, slot) else {
                continue; // removed meanwhile
            };
            if !run.fire_triggers && form.node(node).kind == NodeKind::Trigger {
                continue;
            }
            if self.process(&form, node, inst, run) {
                self.recheck(form.node(node).field, inst);
                self.enqueue_dependents(&form, node, inst, run);
            }
        }
    }

    pub(crate) fn enqueue_dependents(
        &mut self,
        form: &CompiledForm,
        node: NodeId,
        inst: InstanceId,
        run: &mut Run,
    ) {
        for e in &form.node(node).dependents {
            let anc = self.tree.ancestor(inst, e.common as usize);
            let to = form.node(e.to).scope;
            // Most edges stay in one instance (or go up): no walk.
            if form.scope(to).depth() <= self.tree.inst(anc).depth as usize {
                run.push(e.to, self.tree.inst(anc).slot);
                continue;
            }
            let mut found = std::mem::take(&mut run.scratch);
            found.clear();
            self.tree.descendants(form, anc, to, &mut found);
            for &i in &found {
                run.push(e.to, self.tree.inst(i).slot);
            }
            run.scratch = found;
        }
    }

    fn eval(
        &self,
        c: &Compiled,
        inst: InstanceId,
        current: Value,
        choice: Option<&Choice>,
        env: &dyn Environment,
    ) -> Value {
        evaluate(&c.expr, &self.ctx(c, inst, current, choice, env))
    }

    /// [`FormState::eval`] of a condition (relevance, required, a
    /// constraint), as XPath `boolean()`.
    fn eval_bool(
        &self,
        c: &Compiled,
        inst: InstanceId,
        current: Value,
        choice: Option<&Choice>,
        env: &dyn Environment,
    ) -> bool {
        evaluate_bool(&c.expr, &self.ctx(c, inst, current, choice, env))
    }

    /// What `c` is evaluated in, at instance `inst`.
    fn ctx<'a>(
        &'a self,
        c: &'a Compiled,
        inst: InstanceId,
        current: Value,
        choice: Option<&'a Choice>,
        env: &'a dyn Environment,
    ) -> Ctx<'a> {
        Ctx {
            state: self,
            expr: c,
            inst,
            current,
            choice,
            env,
        }
    }

    /// What `.` reads in `c`: the stored text, copied only if `c` reads it.
    fn current_value(&self, c: &Compiled, id: FieldId, slot: usize) -> Value {
        if c.uses_current {
            Value::String(self.data[id.index()].stored[slot].clone())
        } else {
            Value::empty()
        }
    }

    fn set_flag(&mut self, f: FieldId, slot: usize, bit: u8, on: bool) -> bool {
        let flags = &mut self.data[f.index()].flags[slot];
        let was = *flags & bit != 0;
        if on {
            *flags |= bit;
        } else {
            *flags &= !bit;
        }
        was != on
    }

    /// Recompute one runtime node; whether its result changed.
    fn process(&mut self, form: &CompiledForm, n: NodeId, inst: InstanceId, run: &mut Run) -> bool {
        let node = form.node(n);
        let f = form.field(node.field);
        let id = f.id;
        let slot = self.tree.inst(inst).slot as usize;
        let run_env = run.env;
        let env: &dyn Environment = &run_env;
        let at = NodeRef {
            field: id,
            instance: inst,
        };
        let cond = |state: &Self, c: &Cond| match c {
            Cond::Const(b) => *b,
            Cond::Expr(c) => state.eval_bool(c, inst, Value::empty(), None, env),
        };
        let (bit, on, kind) = match node.kind {
            NodeKind::Relevant => {
                let parent_ok = f.parent.is_none_or(|p| {
                    let depth = form.scope(form.field(p).scope).depth();
                    let pi = self.tree.ancestor(inst, depth);
                    self.data[p.index()].flags[self.tree.inst(pi).slot as usize] & flags::REL != 0
                });
                let own = parent_ok
                    && f.props
                        .relevant
                        .as_ref()
                        .is_none_or(|c| self.eval_bool(c, inst, Value::empty(), None, env));
                (flags::REL, own, ChangeKind::Relevant)
            }
            NodeKind::Required => (
                flags::REQUIRED,
                cond(self, &f.props.required),
                ChangeKind::Required,
            ),
            NodeKind::ReadOnly => (
                flags::READ_ONLY,
                cond(self, &f.props.read_only),
                ChangeKind::ReadOnly,
            ),
            NodeKind::Constraint => {
                let text = &self.data[id.index()].stored[slot];
                // Like ODK, an empty answer is not checked (required is).
                let ok = text.is_empty()
                    || f.props.constraint.as_ref().is_none_or(|c| {
                        let current = typed_text(f.question_type(), text, env.utc_offset_minutes());
                        self.eval_bool(c, inst, current, None, env)
                    });
                (flags::VALID, ok, ChangeKind::Constraint)
            }
            NodeKind::Value => return self.process_value(form, id, slot, at, run),
            NodeKind::Default | NodeKind::Trigger => {
                let c = match (node.kind, &f.props.default) {
                    (NodeKind::Default, Some(DefaultValue::Expr(c))) => Some(c),
                    // ODK's `setvalue` without a value (pyxform writes one
                    // for a trigger without calculation) clears the target.
                    (NodeKind::Trigger, _) => f.props.calculation.as_ref(),
                    _ => return false,
                };
                let new = match c {
                    Some(c) => {
                        let current = self.current_value(c, id, slot);
                        self.eval(c, inst, current, None, env)
                    }
                    None => Value::empty(),
                };
                let d = &mut self.data[id.index()];
                if !store_text(&mut d.stored[slot], new) {
                    return false;
                }
                d.flags[slot] |= flags::DIRTY;
                return true;
            }
            NodeKind::Choices => {
                let Some(c) = &f.props.choice_filter else {
                    return false;
                };
                let all = form.choices(id);
                let keep = |k: u32| {
                    all.get(k as usize)
                        .is_some_and(|ch| self.eval_bool(c, inst, Value::empty(), Some(ch), env))
                };
                // An indexed filter looks its answers up instead of scanning.
                let found = f.props.choice_index.as_deref().and_then(|ix| {
                    let ctx = Ctx {
                        state: self,
                        expr: c,
                        inst,
                        current: Value::empty(),
                        choice: None,
                        env,
                    };
                    Some((ix.candidates(|k| evaluate(k, &ctx))?, ix.exact))
                });
                let list: Vec<u32> = match found {
                    Some((rows, true)) => rows.to_vec(),
                    Some((rows, false)) => rows.iter().copied().filter(|&k| keep(k)).collect(),
                    None => (0..all.len() as u32).filter(|&k| keep(k)).collect(),
                };
                let d = &mut self.data[id.index()];
                if d.choices[slot] == list {
                    return false;
                }
                d.choices[slot] = list;
                run.changes.push(at, ChangeKind::Choices);
                return true;
            }
            NodeKind::Instances => return self.reconcile(form, id, inst, run),
        };
        let changed = self.set_flag(id, slot, bit, on);
        if changed {
            run.changes.push(at, kind);
        }
        changed
    }

    /// A question's effective value: recompute its calculation, then tell
    /// whether what readers see changed (the stored text while relevant,
    /// `""` otherwise). `SEEN_REL` remembers the relevance readers last saw
    /// and `DIRTY` that the text changed since, so no old copy is kept.
    fn process_value(
        &mut self,
        form: &CompiledForm,
        id: FieldId,
        slot: usize,
        at: NodeRef,
        run: &mut Run,
    ) -> bool {
        let f = form.field(id);
        if let (Some(c), true) = (&f.props.calculation, f.props.trigger.is_empty()) {
            let current = self.current_value(c, id, slot);
            let new = self.eval(c, at.instance, current, None, &run.env);
            let d = &mut self.data[id.index()];
            if store_text(&mut d.stored[slot], new) {
                d.flags[slot] |= flags::DIRTY;
            }
        }
        let d = &mut self.data[id.index()];
        let fl = d.flags[slot];
        let rel = fl & flags::REL != 0;
        let seen = fl & flags::SEEN_REL != 0;
        let dirty = fl & flags::DIRTY != 0;
        let changed = if rel != seen {
            dirty || !d.stored[slot].is_empty()
        } else {
            rel && dirty
        };
        d.flags[slot] =
            (fl & !(flags::SEEN_REL | flags::DIRTY)) | if rel { flags::SEEN_REL } else { 0 };
        if dirty && let Some(c) = form.node_of(id, NodeKind::Constraint) {
            // The constraint checks the stored answer, relevant or not.
            run.push(c, slot as u32);
        }
        if changed {
            run.changes.push(at, ChangeKind::Value);
        }
        changed
    }

    /// Bring the instances of `repeat` under `parent` to the number its
    /// `repeat_count` (or `min_instances`) asks for.
    fn reconcile(
        &mut self,
        form: &CompiledForm,
        repeat: FieldId,
        parent: InstanceId,
        run: &mut Run,
    ) -> bool {
        let f = form.field(repeat);
        let index = form.scope(f.scope).index_in_parent;
        let len = self.tree.children(parent, index).len();
        let (min, max) = f
            .repeat()
            .map_or((None, None), |r| (r.min_instances, r.max_instances));
        let max = max.map_or(MAX_INSTANCES, |m| (m as usize).min(MAX_INSTANCES));
        let target = match &f.props.repeat_count {
            // `40` typed where 0 to 30 is allowed: the problem is shown and
            // the roster stays as it is until the answer is fixed.
            Some(c) if self.count_breaks_its_constraint(form, c, parent, &run.env) => len,
            Some(c) => {
                let n = self
                    .eval(c, parent, Value::empty(), None, &run.env)
                    .as_number();
                if n.is_finite() && n >= 1.0 {
                    (n.trunc() as usize).min(max)
                } else {
                    0
                }
            }
            None => len.max(min.unwrap_or(0) as usize),
        };
        if target == len {
            return false;
        }
        // A response from outside is refused (by `restore`) rather than built.
        if !self.admit_instances(form, repeat, parent, target) {
            return false;
        }
        for _ in len..target {
            let id = self.create_instance(form, f.scope, parent, run);
            // Answers this count took away earlier come back.
            let saved = self.removed.get_mut(&(repeat, parent)).and_then(Vec::pop);
            if let Some(answers) = saved {
                self.clear_values(id);
                // They were this form's own answers: loading cannot fail.
                let _same_form = self.load(id, Some(repeat), &answers, "", run);
                self.drop_queued_defaults(form, id, run);
            }
        }
        for _ in target..len {
            if let Some(&last) = self.tree.children(parent, index).last() {
                let answers = self.stored_answers(last, &f.children);
                self.removed
                    .entry((repeat, parent))
                    .or_default()
                    .push(answers);
                self.destroy(form, last);
            }
        }
        run.changes.push(
            NodeRef {
                field: repeat,
                instance: parent,
            },
            ChangeKind::Instances,
        );
        true
    }

    /// Unqueue the defaults of `id` and of the instances in it: they were
    /// given back their answers, which a default must not overwrite.
    fn drop_queued_defaults(&self, form: &CompiledForm, id: InstanceId, run: &mut Run) {
        let own = self.tree.inst(id).scope;
        let mut found = std::mem::take(&mut run.scratch);
        for (k, scope) in form.scopes.iter().enumerate() {
            if !scope.chain.contains(&own) {
                continue;
            }
            found.clear();
            self.tree
                .descendants(form, id, ScopeId(k as u32), &mut found);
            for &n in &scope.nodes {
                if form.node(n).kind == NodeKind::Default {
                    for &i in &found {
                        run.queue.remove(&(n.0, self.tree.inst(i).slot));
                    }
                }
            }
        }
        run.scratch = found;
    }

    /// Whether an answer the count reads breaks its own constraint. Only
    /// constraints on the answer alone (`. <= 30`) count: they change only
    /// when the answer does, which already re-evaluates the count.
    fn count_breaks_its_constraint(
        &self,
        form: &CompiledForm,
        count: &Compiled,
        parent: InstanceId,
        env: &dyn Environment,
    ) -> bool {
        let parent_scope = self.tree.inst(parent).scope;
        count.refs.iter().any(|&(_, fid)| {
            let f = form.field(fid);
            let Some(constraint) = f.props.constraint.as_ref().filter(|c| c.refs.is_empty()) else {
                return false;
            };
            let at = if f.scope == parent_scope {
                parent
            } else if f.scope == ScopeId::ROOT {
                InstanceId::ROOT
            } else {
                return false;
            };
            let slot = self.tree.inst(at).slot as usize;
            let Some(text) = self.data[fid.index()]
                .stored
                .get(slot)
                .filter(|t| !t.is_empty())
            else {
                return false;
            };
            let current = typed_text(f.question_type(), text, env.utc_offset_minutes());
            !self.eval_bool(constraint, at, current, None, env)
        })
    }

    /// A new instance of a repeat scope with its initial values; every node
    /// of it is queued (triggered calculations excepted: they wait for
    /// their trigger).
    pub(crate) fn create_instance(
        &mut self,
        form: &CompiledForm,
        scope: ScopeId,
        parent: InstanceId,
        run: &mut Run,
    ) -> InstanceId {
        let id = self.tree.create(form, scope, parent);
        let slot = self.tree.inst(id).slot;
        self.init_slot(form, scope, slot as usize, &run.env);
        self.queue_scope(form, scope, slot, run, &[NodeKind::Trigger]);
        id
    }

    pub(crate) fn queue_scope(
        &self,
        form: &CompiledForm,
        scope: ScopeId,
        slot: u32,
        run: &mut Run,
        except: &[NodeKind],
    ) {
        for &n in &form.scope(scope).nodes {
            if !except.contains(&form.node(n).kind) {
                run.push(n, slot);
            }
        }
    }

    /// Fresh data for `slot` of `scope`: defaults, metadata, nothing relevant yet.
    pub(crate) fn init_slot(
        &mut self,
        form: &CompiledForm,
        scope: ScopeId,
        slot: usize,
        env: &dyn Environment,
    ) {
        self.forget_problems(scope, slot as u32);
        for &fid in &form.scope(scope).fields {
            let initial = self.initial_value(form, fid, env);
            let d = &mut self.data[fid.index()];
            if d.flags.len() <= slot {
                d.flags.resize(slot + 1, 0);
                d.stored.resize(slot + 1, String::new());
                if form.node_of(fid, NodeKind::Choices).is_some() {
                    d.choices.resize(slot + 1, Vec::new());
                }
            }
            d.flags[slot] = flags::VALID;
            d.stored[slot] = initial;
            if let Some(c) = d.choices.get_mut(slot) {
                c.clear();
            }
        }
    }

    fn initial_value(&self, form: &CompiledForm, f: FieldId, env: &dyn Environment) -> String {
        use QuestionType as T;
        let field = form.field(f);
        let offset = env.utc_offset_minutes();
        match field.question_type() {
            Some(T::Start) => format_datetime(env.now_millis(), offset),
            Some(T::Today) => {
                format_date((env.now_millis() + i64::from(offset) * 60_000).div_euclid(MS_PER_DAY))
            }
            Some(T::DeviceId) => env.device_id(),
            Some(T::Username) => env.username(),
            Some(T::InstanceId) => self.instance_id.clone(),
            _ => match &field.props.default {
                Some(DefaultValue::Literal(s)) => s.clone(),
                _ => String::new(),
            },
        }
    }

    /// Remove an instance and free its data, and the answers its repeats'
    /// counts took away (kept by parent instance, which is now gone).
    pub(crate) fn destroy(&mut self, form: &CompiledForm, id: InstanceId) {
        let removed = self.tree.remove(form, id);
        if !self.removed.is_empty() {
            self.removed
                .retain(|(_, parent), _| !removed.contains(parent));
        }
        for i in removed {
            let (scope, slot) = {
                let inst = self.tree.inst(i);
                (inst.scope, inst.slot as usize)
            };
            self.forget_problems(scope, slot as u32);
            for &fid in &form.scope(scope).fields {
                let d = &mut self.data[fid.index()];
                d.flags[slot] = 0;
                d.stored[slot] = String::new();
                if let Some(c) = d.choices.get_mut(slot) {
                    *c = Vec::new();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::cell::Cell;

    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::env::FixedEnvironment;
    use crate::expr::value::format_number;
    use crate::testing::{compiled, q};

    /// A device that counts how often its offset now is asked.
    struct Counting {
        inner: FixedEnvironment,
        asked: Cell<usize>,
    }

    impl Environment for Counting {
        fn now_millis(&self) -> i64 {
            self.inner.now_millis()
        }
        fn utc_offset_minutes_at(&self, millis: i64) -> i32 {
            self.inner.utc_offset_minutes_at(millis)
        }
        fn utc_offset_minutes(&self) -> i32 {
            self.asked.set(self.asked.get() + 1);
            self.inner.utc_offset_minutes()
        }
        fn random(&self) -> f64 {
            self.inner.random()
        }
        fn device_id(&self) -> String {
            self.inner.device_id()
        }
        fn username(&self) -> String {
            self.inner.username()
        }
    }

    /// An edit whose expressions read several numbers and a zone-less
    /// date-time asks the device's offset now once (in the browser each ask
    /// is three calls into JavaScript), and reads what it read before.
    #[wasm_bindgen_test(unsupported = test)]
    fn an_edit_asks_the_time_zone_once() {
        let form = compiled(
            json!([
                q(
                    "a",
                    "integer",
                    json!({ "constraint": ". >= 0 and . < 1000" })
                ),
                q("b", "calculate", json!({ "calculation": "${a} * 2" })),
                q("c", "calculate", json!({ "calculation": "${a} + ${b}" })),
                q("when", "datetime", json!({})),
                q(
                    "hour",
                    "calculate",
                    json!({ "calculation": "if(${c} > 10, format-date-time(${when}, '%H'), '')" })
                ),
            ]),
            json!({}),
        );
        let mut inner = FixedEnvironment::default();
        inner.utc_offset_minutes = 180;
        let env = Counting {
            inner,
            asked: Cell::new(0),
        };
        let mut s = FormState::new(form, &env);
        s.set("when", "2024-03-05T14:30", &env).unwrap();
        for (a, hour) in [("3", ""), ("7", "14"), ("12", "14"), ("2", "")] {
            env.asked.set(0);
            s.set("a", a, &env).unwrap();
            assert_eq!(env.asked.get(), 1, "a = {a}");
            assert_eq!(s.value(s.node("hour").unwrap()), hour, "a = {a}");
        }
        assert_eq!(s.value(s.node("c").unwrap()), "6");
    }

    /// Whatever the value, the stored text is XPath `string()` of it, and
    /// the answer says whether it changed.
    #[wasm_bindgen_test(unsupported = test)]
    fn stored_text_is_the_values_string() {
        let mut numbers = vec![
            0.0,
            -0.0,
            7.0,
            -7.0,
            2.5,
            0.1 * 30.0,
            1e15,
            -1e15,
            999_999_999_999_999.0,
            -999_999_999_999_999.0,
            f64::NAN,
            f64::INFINITY,
            1e300,
        ];
        let mut n = 1.0_f64;
        while n < 1e16 {
            numbers.extend([n, -n, n - 1.0, n + 0.5]);
            n *= 7.0;
        }
        for n in numbers {
            let mut stored = String::from("x");
            assert!(store_text(&mut stored, Value::Number(n)), "{n}");
            assert_eq!(stored, format_number(n), "{n}");
            assert!(!store_text(&mut stored, Value::Number(n)), "{n}");
        }
        let mut stored = String::new();
        assert!(!store_text(&mut stored, Value::empty()));
        assert!(store_text(&mut stored, Value::from("yes")));
        assert_eq!(stored, "yes");
        assert!(!store_text(&mut stored, Value::from("yes")));
        assert!(store_text(&mut stored, Value::Bool(true)));
        assert_eq!(stored, "true");
    }
}
