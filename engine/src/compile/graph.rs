//! The dependency graph over computed properties, its topological order,
//! and cycle detection.
//!
//! A node is one computed property of one template field (its relevance,
//! its value, its constraint, ...) and is evaluated once per instance of
//! the node's scope. An edge `a → b` means "b reads a"; edges come from
//! field references, from relevance inheritance, and from a field's own
//! value for its constraint.
//!
//! Some edges only order evaluation and never propagate changes:
//! a default's references (defaults are evaluated once, when the instance is
//! created), a triggered calculation's references (it reruns only when its
//! trigger changes), and "a repeat's instances exist before anything inside
//! them is evaluated". They take part in the topological order and in cycle
//! detection, but are not in [`Node::dependents`].

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Compiled, CompiledForm, Cond, DefaultValue, FieldId, FieldKind, LoadError, ScopeId};

/// A node of the dependency graph; its index is its rank in topological
/// order, so evaluating nodes by increasing id respects every dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Which property a node computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// Effective relevance: own `relevant` and the parent's relevance.
    Relevant,
    /// A question's effective value: its calculation (if not triggered), or
    /// its stored answer; `""` when not relevant.
    Value,
    /// A dynamic default, evaluated when an instance is created.
    Default,
    /// A calculation with a `trigger`, rerun when any field it names changes.
    Trigger,
    Required,
    ReadOnly,
    Constraint,
    /// The filtered choice list of a select with a `choice_filter`.
    Choices,
    /// The instances of a repeat (in its parent's scope), driven by
    /// `repeat_count` if any.
    Instances,
}

impl NodeKind {
    pub const COUNT: usize = 9;
}

/// See the module docs.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub field: FieldId,
    /// The scope it is evaluated in: the field's scope, except for
    /// [`NodeKind::Instances`] (the repeat's parent scope).
    pub scope: ScopeId,
    /// Nodes that read this one, to recompute when it changes.
    pub dependents: Vec<Edge>,
    /// Reads `jr:choice-name`, so changes with the language.
    pub uses_language: bool,
}

/// A propagation edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub to: NodeId,
    /// Depth of the deepest scope shared by both ends: a change in one
    /// instance affects the dependent's instances under the shared ancestor.
    pub common: u8,
}

type FieldNodes = Vec<[Option<NodeId>; NodeKind::COUNT]>;

/// The nodes in topological order, each field's nodes, each scope's nodes.
pub(super) struct Graph {
    pub nodes: Vec<Node>,
    pub field_nodes: FieldNodes,
    pub scope_nodes: Vec<Vec<NodeId>>,
}

struct Builder<'a> {
    cf: &'a CompiledForm,
    nodes: Vec<(NodeKind, FieldId, ScopeId, bool)>,
    field_nodes: FieldNodes,
    /// (from, to, propagates)
    edges: Vec<(usize, usize, bool)>,
}

pub(super) fn build(cf: &CompiledForm) -> Result<Graph, Vec<LoadError>> {
    let mut b = Builder {
        cf,
        nodes: Vec::new(),
        field_nodes: vec![[None; NodeKind::COUNT]; cf.fields.len()],
        edges: Vec::new(),
    };
    b.create_nodes();
    b.create_edges();

    let n = b.nodes.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(from, to, _) in &b.edges {
        out[from].push(to);
        indegree[to] += 1;
    }
    // Kahn's algorithm; the smallest id first keeps document order where
    // dependencies allow, which makes the order (and the tests) predictable.
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &j in &out[i] {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(Reverse(j));
            }
        }
    }
    if order.len() < n {
        return Err(b.cycles(&out, &indegree));
    }

    let mut rank = vec![0u32; n];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as u32;
    }
    let mut nodes: Vec<Node> = order
        .iter()
        .map(|&i| {
            let (kind, field, scope, uses_language) = b.nodes[i];
            Node {
                kind,
                field,
                scope,
                dependents: Vec::new(),
                uses_language,
            }
        })
        .collect();
    for &(from, to, propagates) in &b.edges {
        if !propagates {
            continue;
        }
        let common = cf.common_depth(b.nodes[from].2, b.nodes[to].2) as u8;
        let edge = Edge {
            to: NodeId(rank[to]),
            common,
        };
        let deps = &mut nodes[rank[from] as usize].dependents;
        if !deps.contains(&edge) {
            deps.push(edge);
        }
    }
    for node in &mut nodes {
        crate::sort::sort_by_key(&mut node.dependents, |e| e.to);
    }
    let field_nodes = b
        .field_nodes
        .iter()
        .map(|ns| ns.map(|n| n.map(|i| NodeId(rank[i.index()]))))
        .collect();
    let mut scope_nodes = vec![Vec::new(); cf.scopes.len()];
    for (i, node) in nodes.iter().enumerate() {
        scope_nodes[node.scope.index()].push(NodeId(i as u32));
    }
    Ok(Graph {
        nodes,
        field_nodes,
        scope_nodes,
    })
}

impl Builder<'_> {
    fn add_node(&mut self, kind: NodeKind, field: FieldId, scope: ScopeId, lang: bool) {
        self.field_nodes[field.index()][kind as usize] = Some(NodeId(self.nodes.len() as u32));
        self.nodes.push((kind, field, scope, lang));
    }

    fn id(&self, field: FieldId, kind: NodeKind) -> Option<usize> {
        self.field_nodes[field.index()][kind as usize].map(NodeId::index)
    }

    fn create_nodes(&mut self) {
        let lang = |c: Option<&Compiled>| c.is_some_and(|c| c.uses_language);
        let cond_lang = |c: &Cond| matches!(c, Cond::Expr(e) if e.uses_language);
        for f in &self.cf.fields {
            let p = &f.props;
            let scope = f.scope;
            if f.kind == FieldKind::Repeat {
                let parent = self.cf.parent_scope(f.id);
                self.add_node(
                    NodeKind::Instances,
                    f.id,
                    parent,
                    lang(p.repeat_count.as_ref()),
                );
            }
            self.add_node(NodeKind::Relevant, f.id, scope, lang(p.relevant.as_ref()));
            if !matches!(f.kind, FieldKind::Question(_)) {
                continue;
            }
            if let Some(DefaultValue::Expr(e)) = &p.default {
                self.add_node(NodeKind::Default, f.id, scope, e.uses_language);
            }
            if !p.trigger.is_empty() {
                self.add_node(NodeKind::Trigger, f.id, scope, lang(p.calculation.as_ref()));
            }
            let calc_lang = p.trigger.is_empty() && lang(p.calculation.as_ref());
            self.add_node(NodeKind::Value, f.id, scope, calc_lang);
            if let Cond::Expr(_) = &p.required {
                self.add_node(NodeKind::Required, f.id, scope, cond_lang(&p.required));
            }
            if let Cond::Expr(_) = &p.read_only {
                self.add_node(NodeKind::ReadOnly, f.id, scope, cond_lang(&p.read_only));
            }
            if p.constraint.is_some() {
                self.add_node(
                    NodeKind::Constraint,
                    f.id,
                    scope,
                    lang(p.constraint.as_ref()),
                );
            }
            if p.choice_filter.is_some() {
                self.add_node(
                    NodeKind::Choices,
                    f.id,
                    scope,
                    lang(p.choice_filter.as_ref()),
                );
            }
        }
    }

    fn edge(&mut self, from: usize, to: usize, propagates: bool) {
        // A node may read itself only through `.`, which is no dependency;
        // an ordering edge onto itself means nothing.
        if from != to || propagates {
            self.edges.push((from, to, propagates));
        }
    }

    /// Edges for everything `c` reads, into node `to`.
    fn reads(&mut self, c: &Compiled, to: usize, propagates: bool) {
        let to_scope = self.nodes[to].2;
        for &(_, g) in &c.refs {
            let source = match self.cf.field(g).kind {
                FieldKind::Question(_) => self.id(g, NodeKind::Value),
                FieldKind::Repeat => self.id(g, NodeKind::Instances),
                FieldKind::Group => None,
            };
            let Some(source) = source else { continue };
            self.edge(source, to, propagates);
            // Read from outside its repeat, a field is a node-set over the
            // instances: adding or removing one changes it.
            let from_scope = self.nodes[source].2;
            let common = self.cf.common_depth(from_scope, to_scope);
            let chain = self.cf.scope(from_scope).chain.clone();
            for s in chain.iter().skip(common + 1) {
                if let Some(r) = self.cf.scope(*s).repeat
                    && let Some(inst) = self.id(r, NodeKind::Instances)
                {
                    self.edge(inst, to, propagates);
                }
            }
        }
        if c.uses_position
            && let Some(r) = self.cf.scope(to_scope).repeat
            && let Some(inst) = self.id(r, NodeKind::Instances)
        {
            self.edge(inst, to, propagates);
        }
    }

    fn create_edges(&mut self) {
        let cf = self.cf;
        for f in &cf.fields {
            let p = &f.props;
            let Some(rel) = self.id(f.id, NodeKind::Relevant) else {
                continue;
            };
            if let Some(parent) = f.parent
                && let Some(prel) = self.id(parent, NodeKind::Relevant)
            {
                self.edge(prel, rel, true);
            }
            if let Some(c) = &p.relevant {
                self.reads(c, rel, true);
            }
            if let Some(inst) = self.id(f.id, NodeKind::Instances) {
                if let Some(c) = &p.repeat_count {
                    self.reads(c, inst, true);
                }
                // Instances exist before anything in them is evaluated.
                let own = f.scope;
                for i in 0..self.nodes.len() {
                    if self.nodes[i].2 == own {
                        self.edge(inst, i, false);
                    }
                }
            }
            let Some(val) = self.id(f.id, NodeKind::Value) else {
                continue;
            };
            self.edge(rel, val, true);
            if let Some(trig) = self.id(f.id, NodeKind::Trigger) {
                for &t in &p.trigger {
                    if let Some(tv) = self.id(t, NodeKind::Value) {
                        self.edge(tv, trig, true);
                    }
                }
                if let Some(c) = &p.calculation {
                    self.reads(c, trig, false);
                }
                self.edge(trig, val, true);
            } else if let Some(c) = &p.calculation {
                self.reads(c, val, true);
            }
            if let (Some(def), Some(DefaultValue::Expr(c))) =
                (self.id(f.id, NodeKind::Default), &p.default)
            {
                self.reads(c, def, false);
                self.edge(def, val, true);
            }
            if let (Some(n), Cond::Expr(c)) = (self.id(f.id, NodeKind::Required), &p.required) {
                self.reads(c, n, true);
            }
            if let (Some(n), Cond::Expr(c)) = (self.id(f.id, NodeKind::ReadOnly), &p.read_only) {
                self.reads(c, n, true);
            }
            if let (Some(n), Some(c)) = (self.id(f.id, NodeKind::Constraint), &p.constraint) {
                self.edge(val, n, true);
                self.reads(c, n, true);
            }
            if let (Some(n), Some(c)) = (self.id(f.id, NodeKind::Choices), &p.choice_filter) {
                self.reads(c, n, true);
            }
        }
    }

    /// One error per strongly connected component of the unsorted nodes.
    fn cycles(&self, out: &[Vec<usize>], indegree: &[usize]) -> Vec<LoadError> {
        let n = out.len();
        let stuck: Vec<bool> = indegree.iter().map(|&d| d > 0).collect();
        let mut errors = Vec::new();
        for scc in tarjan(out, &stuck) {
            let self_loop = scc.len() == 1 && out[scc[0]].contains(&scc[0]);
            if scc.len() > 1 || self_loop {
                let mut in_scc = vec![false; n];
                for &i in &scc {
                    in_scc[i] = true;
                }
                errors.push(self.describe_cycle(out, &in_scc, &scc));
            }
        }
        // Report in document order.
        errors
    }

    fn label(&self, i: usize) -> (FieldId, Option<&'static str>) {
        let (kind, field, _, _) = self.nodes[i];
        let p = &self.cf.field(field).props;
        let prop = match kind {
            NodeKind::Relevant => Some("relevant"),
            NodeKind::Value if p.calculation.is_some() && p.trigger.is_empty() => {
                Some("calculation")
            }
            NodeKind::Value => None,
            NodeKind::Default => Some("default"),
            NodeKind::Trigger if p.calculation.is_some() => Some("calculation"),
            NodeKind::Trigger => Some("trigger"),
            NodeKind::Required => Some("required"),
            NodeKind::ReadOnly => Some("read_only"),
            NodeKind::Constraint => Some("constraint"),
            NodeKind::Choices => Some("choice_filter"),
            NodeKind::Instances if p.repeat_count.is_some() => Some("repeat_count"),
            NodeKind::Instances => None,
        };
        (field, prop)
    }

    fn describe_cycle(&self, out: &[Vec<usize>], in_scc: &[bool], scc: &[usize]) -> LoadError {
        // `out` points from a node to its readers; walk the other way so the
        // message reads "a's calculation reads b's calculation reads a".
        let mut reads: Vec<Vec<usize>> = vec![Vec::new(); out.len()];
        for &i in scc {
            for &j in &out[i] {
                if in_scc[j] {
                    reads[j].push(i);
                }
            }
        }
        let start = scc
            .iter()
            .copied()
            .filter(|&i| self.label(i).1.is_some())
            .min_by_key(|&i| (self.label(i).0, i))
            .or_else(|| scc.iter().copied().min())
            .unwrap_or(0);
        // Shortest cycle through `start`, by breadth-first search.
        let mut prev = vec![usize::MAX; out.len()];
        let mut queue = std::collections::VecDeque::from([start]);
        let mut last = start;
        'search: while let Some(i) = queue.pop_front() {
            for &j in &reads[i] {
                if j == start {
                    last = i;
                    break 'search;
                }
                if prev[j] == usize::MAX {
                    prev[j] = i;
                    queue.push_back(j);
                }
            }
        }
        let mut path = vec![last];
        while let Some(&i) = path.last() {
            if i == start {
                break;
            }
            path.push(prev[i]);
        }
        path.reverse();
        let name = |f: FieldId| format!("${{{}}}", self.cf.field(f).name);
        let mut steps = Vec::new();
        for (k, &i) in path.iter().enumerate() {
            let (field, prop) = self.label(i);
            let next = path.get(k + 1).copied().unwrap_or(start);
            // A plain value read right before its own relevance or
            // calculation adds nothing to the story.
            if prop.is_none() && k > 0 && self.label(next).0 == field {
                continue;
            }
            steps.push(match prop {
                Some(p) => format!("{} {p}", name(field)),
                None => name(field),
            });
        }
        steps.push(name(self.label(start).0));
        LoadError::Cycle { steps }
    }
}

/// Strongly connected components among the nodes with `keep[i]`
/// (iterative Tarjan, so long chains cannot overflow the stack).
fn tarjan(out: &[Vec<usize>], keep: &[bool]) -> Vec<Vec<usize>> {
    let n = out.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut sccs = Vec::new();
    for root in (0..n).filter(|&i| keep[i]) {
        if index[root] != usize::MAX {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        let mut calls = vec![(root, 0usize)];
        while let Some(&(u, ei)) = calls.last() {
            if let Some(&w) = out[u].get(ei) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if !keep[w] {
                    continue;
                }
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[u] = low[u].min(index[w]);
                }
            } else {
                calls.pop();
                if let Some(&(p, _)) = calls.last() {
                    low[p] = low[p].min(low[u]);
                }
                if low[u] == index[u] {
                    let mut scc = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        scc.push(w);
                        if w == u {
                            break;
                        }
                    }
                    crate::sort::sort(&mut scc);
                    sccs.push(scc);
                }
            }
        }
    }
    crate::sort::sort_by_key(&mut sccs, |s| s.first().copied());
    sccs
}
