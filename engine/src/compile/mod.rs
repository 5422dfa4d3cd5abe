//! Loading a form: everything that can be checked or precomputed once per
//! form rather than once per edit.
//!
//! ```text
//! Form ──names──▶ name table (FieldId, scopes) ──exprs──▶ parsed, resolved expressions
//!                                                  └──graph──▶ dependency graph in topological order
//! ```
//!
//! [`compile`] reports every problem of the form at once ([`LoadError`]),
//! and things that work but look wrong as [`LoadWarning`]s.

mod error;
mod exprs;
mod filter_columns;
mod graph;
mod names;
mod or_other;
pub mod reach;
mod settings;
#[cfg(test)]
mod tests;
mod texts;

pub use error::{LoadError, LoadWarning, Property};
pub use graph::{Edge, Node, NodeId, NodeKind};
pub use or_other::specify_name;
pub use reach::Reach;

use crate::expr::Expr;
use crate::model::{Choice, Form, Item, Question, QuestionType, Repeat};

/// A dense index for every item (question, group or repeat) of a form, in
/// document order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub u32);

impl FieldId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A level of repetition: the top level of the form ([`ScopeId::ROOT`]) or
/// one repeat. Every field's data lives in the instances of one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeId(pub u32);

impl ScopeId {
    pub const ROOT: ScopeId = ScopeId(0);

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Question(QuestionType),
    Group,
    Repeat,
}

/// One item of the form, with its place in the tree.
#[derive(Debug, Clone)]
pub struct Field {
    pub id: FieldId,
    pub name: String,
    pub kind: FieldKind,
    pub parent: Option<FieldId>,
    pub children: Vec<FieldId>,
    /// The scope whose instances hold this field's data: the innermost
    /// enclosing repeat, or the repeat itself for a repeat (its relevance is
    /// per instance).
    pub scope: ScopeId,
    /// The item as authored, without its children (labels, messages,
    /// parameters).
    pub item: Item,
    pub(crate) props: Props,
    /// The list in [`CompiledForm::choice_lists`] of a select question.
    pub choice_list: Option<usize>,
}

impl Field {
    pub fn question(&self) -> Option<&Question> {
        match &self.item {
            Item::Question(q) => Some(q),
            _ => None,
        }
    }

    pub fn repeat(&self) -> Option<&Repeat> {
        match &self.item {
            Item::Repeat(r) => Some(r),
            _ => None,
        }
    }

    pub fn question_type(&self) -> Option<QuestionType> {
        match self.kind {
            FieldKind::Question(t) => Some(t),
            _ => None,
        }
    }

    /// Whether an enumerator may set this field's value: an input question
    /// without an always-on calculation.
    pub fn is_settable(&self) -> bool {
        match self.kind {
            FieldKind::Question(t) => {
                t.takes_input()
                    && (self.props.calculation.is_none() || !self.props.trigger.is_empty())
            }
            _ => false,
        }
    }
}

/// A level of repetition (see [`ScopeId`]).
#[derive(Debug, Clone)]
pub struct Scope {
    /// `None` for the root.
    pub repeat: Option<FieldId>,
    pub parent: Option<ScopeId>,
    /// From the root to this scope, both included; its length minus one is
    /// the depth.
    pub chain: Vec<ScopeId>,
    /// Repeats whose instances sit directly in this scope's instances.
    pub nested: Vec<FieldId>,
    /// For a repeat scope, its index in the parent's `nested`.
    pub index_in_parent: usize,
    /// Nodes evaluated once per instance of this scope, in topological order.
    pub nodes: Vec<NodeId>,
    /// Fields whose data live in this scope.
    pub fields: Vec<FieldId>,
}

impl Scope {
    pub fn depth(&self) -> usize {
        self.chain.len() - 1
    }
}

/// A parsed expression whose field references are resolved.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub source: String,
    pub expr: Expr,
    /// Every field it reads, by the name the evaluator will ask for. Few per
    /// expression, so a linear search beats hashing.
    pub refs: Vec<(String, FieldId)>,
    pub uses_current: bool,
    pub uses_position: bool,
    /// Uses `jr:choice-name`, whose result depends on the language.
    pub uses_language: bool,
    /// The field the expression belongs to (its context node, whose name
    /// `name()` gives); `None` at the top (the `instance_name` setting).
    pub context: Option<FieldId>,
}

impl Compiled {
    pub(crate) fn field(&self, name: &str) -> Option<FieldId> {
        self.refs.iter().find(|(n, _)| n == name).map(|(_, f)| *f)
    }
}

/// `true`, `false` or an expression.
#[derive(Debug, Clone)]
pub enum Cond {
    Const(bool),
    Expr(Compiled),
}

/// A question's initial value.
#[derive(Debug, Clone)]
pub enum DefaultValue {
    Literal(String),
    /// Evaluated once, when the field's instance is created.
    Expr(Compiled),
}

/// The compiled properties of a field.
#[derive(Debug, Clone)]
pub(crate) struct Props {
    pub relevant: Option<Compiled>,
    pub required: Cond,
    pub read_only: Cond,
    pub constraint: Option<Compiled>,
    pub calculation: Option<Compiled>,
    pub default: Option<DefaultValue>,
    pub choice_filter: Option<Compiled>,
    pub repeat_count: Option<Compiled>,
    /// The fields whose changes rerun the calculation (XLSForm `trigger`);
    /// empty when the calculation is always on.
    pub trigger: Box<[FieldId]>,
    /// The choice filter answered from an index (see `external::index`).
    pub choice_index: Option<std::sync::Arc<crate::external::index::FilterIndex>>,
}

impl Default for Props {
    fn default() -> Self {
        Self {
            relevant: None,
            required: Cond::Const(false),
            read_only: Cond::Const(false),
            constraint: None,
            calculation: None,
            default: None,
            choice_filter: None,
            repeat_count: None,
            trigger: Box::default(),
            choice_index: None,
        }
    }
}

/// A form ready to be filled in: see the module docs.
#[derive(Debug, Clone)]
pub struct CompiledForm {
    pub form: Form,
    pub fields: Vec<Field>,
    pub scopes: Vec<Scope>,
    /// Choice lists by index (see [`CompiledForm::choice_list`]);
    /// `choice_list_names[i]` names list `i`.
    pub choice_list_names: Vec<String>,
    lists: Vec<ListRows>,
    /// The dependency graph; a node's id is its rank in topological order.
    pub nodes: Vec<Node>,
    pub warnings: Vec<LoadWarning>,
    names: names::Names,
    /// Per field, its nodes by kind (see [`CompiledForm::node_of`]).
    field_nodes: Vec<[Option<NodeId>; NodeKind::COUNT]>,
    /// Per field, the fields whose texts show its value (`${name}`).
    text_readers: Vec<Vec<FieldId>>,
    /// Attached files by instance id (`instance('villages')`).
    pub(crate) datasets:
        std::collections::HashMap<String, std::sync::Arc<crate::external::Dataset>>,
}

/// Where a choice list's rows are. The form's own lists are read from
/// [`CompiledForm::form`] rather than copied: a cascade's list can have
/// 40,000 rows, and a copy doubled its memory and compile time.
#[derive(Debug, Clone)]
pub(crate) enum ListRows {
    /// `form.choices[name]`.
    Choices(String),
    /// `form.external_choices[name]`.
    External(String),
    /// Made from an attached file.
    Built(std::sync::Arc<[Choice]>),
}

impl ListRows {
    fn rows<'a>(&'a self, form: &'a Form) -> &'a [Choice] {
        let named = |lists: &'a std::collections::BTreeMap<String, Vec<Choice>>, name: &str| {
            lists.get(name).map_or(&[][..], Vec::as_slice)
        };
        match self {
            ListRows::Choices(name) => named(&form.choices, name),
            ListRows::External(name) => named(&form.external_choices, name),
            ListRows::Built(rows) => rows,
        }
    }
}

/// Compile `form`, reporting every error at once.
pub fn compile(form: &Form) -> Result<CompiledForm, Vec<LoadError>> {
    CompiledForm::new(form)
}

impl CompiledForm {
    /// See [`compile`].
    pub fn new(form: &Form) -> Result<CompiledForm, Vec<LoadError>> {
        Self::with_attachments(form, &crate::external::Attachments::new())
    }

    /// See [`crate::external::compile_with`].
    pub fn with_attachments(
        form: &Form,
        attachments: &crate::external::Attachments,
    ) -> Result<CompiledForm, Vec<LoadError>> {
        let expanded = or_other::expand(form);
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        // Files, and the choice lists of file and external selects.
        let prepared = crate::external::prepare(&expanded, attachments, &mut errors);
        // The one copy the compiled form keeps: moved if expanding or
        // preparing made one already.
        let owned = match prepared.form {
            Some(f) => f,
            None => expanded.into_owned(),
        };
        let form = &owned;
        let names::Table {
            mut fields,
            scopes,
            names,
        } = names::build(form, &mut errors);
        let (mut choice_list_names, mut lists): (Vec<String>, Vec<ListRows>) = form
            .choices
            .keys()
            .map(|k| (k.clone(), ListRows::Choices(k.clone())))
            .unzip();
        for (name, list) in prepared.lists {
            choice_list_names.push(name);
            lists.push(list);
        }
        let rows: Vec<&[Choice]> = lists.iter().map(|l| l.rows(form)).collect();
        exprs::compile_all(
            form,
            &mut fields,
            &names,
            &choice_list_names,
            &rows,
            &mut errors,
            &mut warnings,
        );
        names::check_translations(form, &mut warnings);
        settings::check(form, &fields, &names, &mut errors);
        let text_readers = texts::check(&fields, &names, &rows, &form.choices, &mut errors);
        crate::external::check_instances(&mut fields, &prepared.datasets, form, &mut errors);
        if !errors.is_empty() {
            // The graph needs resolved references; cycles are reported once
            // the references are right.
            return Err(errors);
        }
        let mut compiled = CompiledForm {
            form: owned,
            fields,
            scopes,
            choice_list_names,
            lists,
            nodes: Vec::new(),
            warnings,
            names,
            field_nodes: Vec::new(),
            text_readers,
            datasets: prepared.datasets,
        };
        for k in 0..compiled.fields.len() {
            let f = &compiled.fields[k];
            if let (Some(c), Some(i)) = (&f.props.choice_filter, f.choice_list) {
                let index =
                    crate::external::index::FilterIndex::build(&c.expr, compiled.choice_list(i))
                        .map(std::sync::Arc::new);
                compiled.fields[k].props.choice_index = index;
            }
        }
        match graph::build(&compiled) {
            Ok(graph) => {
                compiled.nodes = graph.nodes;
                compiled.field_nodes = graph.field_nodes;
                for (scope, list) in compiled.scopes.iter_mut().zip(graph.scope_nodes) {
                    scope.nodes = list;
                }
                Ok(compiled)
            }
            Err(cycles) => Err(cycles),
        }
    }

    pub fn field(&self, id: FieldId) -> &Field {
        &self.fields[id.index()]
    }

    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.index()]
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The field `${name}` means: the one field called `name`; `None` when
    /// no field or several (in different groups) are called that. Given a
    /// path (with a `/`, see [`CompiledForm::lookup_path`]), the field at it.
    pub fn lookup(&self, name: &str) -> Option<FieldId> {
        if name.contains('/') {
            self.names.path(name)
        } else {
            self.names.unique(name)
        }
    }

    /// The field at `path`: its name and those of the groups and repeats
    /// around it, from the top level down, joined by `/`
    /// (`household/members/name`; a leading `/` is allowed; a top-level
    /// field's path is its name). Unique even where names are not.
    pub fn lookup_path(&self, path: &str) -> Option<FieldId> {
        self.names.path(path)
    }

    /// The path of `field` (see [`CompiledForm::lookup_path`]).
    pub fn path_of(&self, field: FieldId) -> String {
        names::path_of(&self.fields, field)
    }

    /// Every field called `name`, in document order.
    pub fn named(&self, name: &str) -> Vec<FieldId> {
        match (self.names.unique(name), self.names.ambiguous(name)) {
            (Some(id), _) => vec![id],
            (None, Some(ids)) => ids.to_vec(),
            (None, None) => Vec::new(),
        }
    }

    /// The child of `parent` (`None`: the top level) called `name`.
    pub fn child_named(&self, parent: Option<FieldId>, name: &str) -> Option<FieldId> {
        match parent {
            // A top-level field's path is its name.
            None if !name.contains('/') => self.names.path(name),
            None => None,
            Some(p) => self
                .field(p)
                .children
                .iter()
                .copied()
                .find(|&c| self.field(c).name == name),
        }
    }

    /// The node of `kind` for `field`, if the field has one.
    pub fn node_of(&self, field: FieldId, kind: NodeKind) -> Option<NodeId> {
        self.field_nodes
            .get(field.index())
            .and_then(|n| n[kind as usize])
    }

    /// The fields whose label, hint or messages show `field`'s value.
    pub fn text_readers(&self, field: FieldId) -> &[FieldId] {
        self.text_readers
            .get(field.index())
            .map_or(&[], Vec::as_slice)
    }

    /// Top-level items, in document order.
    pub fn top_level(&self) -> impl Iterator<Item = FieldId> + '_ {
        self.fields
            .iter()
            .filter(|f| f.parent.is_none())
            .map(|f| f.id)
    }

    /// The choices of a select question's list (unfiltered).
    pub fn choices(&self, field: FieldId) -> &[Choice] {
        self.field(field)
            .choice_list
            .map_or(&[], |i| self.choice_list(i))
    }

    /// The rows of choice list `i` (named `choice_list_names[i]`); empty
    /// past the last.
    pub fn choice_list(&self, i: usize) -> &[Choice] {
        self.lists.get(i).map_or(&[], |l| l.rows(&self.form))
    }

    /// The scope a repeat's instances are listed in (its parent's scope).
    pub fn parent_scope(&self, repeat: FieldId) -> ScopeId {
        let own = self.field(repeat).scope;
        self.scope(own).parent.unwrap_or(ScopeId::ROOT)
    }

    /// The scope of the repeat `repeat` (its own, not its parent's).
    pub fn repeat_scope(&self, repeat: FieldId) -> ScopeId {
        self.field(repeat).scope
    }

    /// Depth of the deepest scope shared by both (0: only the root).
    pub fn common_depth(&self, a: ScopeId, b: ScopeId) -> usize {
        let (ca, cb) = (&self.scope(a).chain, &self.scope(b).chain);
        ca.iter().zip(cb).take_while(|(x, y)| x == y).count() - 1
    }
}
