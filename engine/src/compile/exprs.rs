//! Parse every expression of every field once and resolve its references
//! to [`FieldId`]s, collecting every problem.

use super::names::{Names, display_name, path_of};
use super::{
    Compiled, CompiledForm, Cond, DefaultValue, Field, FieldId, FieldKind, LoadError, LoadWarning,
    Property,
};
use crate::expr::{
    Expr, ExprKind, Func, Path, ReferenceKind, Step, parse, parse_choice_filter, suggest,
};
use crate::model::{Choice, Condition, Form, Item};

/// What resolving needs to know of each field while `fields` is being
/// filled in.
struct Info {
    name: String,
    kind: FieldKind,
    select: bool,
    parent: Option<FieldId>,
    children: Vec<FieldId>,
    /// See [`Names::by_path`].
    path: String,
}

struct Ctx<'a> {
    names: &'a Names,
    info: Vec<Info>,
    top: Vec<FieldId>,
    /// The field whose expressions are being compiled: the context node of
    /// relative paths.
    at: Node,
    /// The rows of each choice list, and each field's list (by index).
    lists: &'a [&'a [Choice]],
    list_of: Vec<Option<usize>>,
    /// Per list, the fields its labels show, found on first use (a list can
    /// have 40,000 rows and many `jr:choice-name`s).
    shown: Vec<Option<Vec<FieldId>>>,
    errors: &'a mut Vec<LoadError>,
    warnings: &'a mut Vec<LoadWarning>,
}

/// Where a location path step stands in the form's tree.
#[derive(Clone, Copy)]
enum Node {
    /// The instance's root element (`/data`).
    Root,
    Field(FieldId),
}

pub(super) fn compile_all(
    form: &Form,
    fields: &mut [Field],
    names: &Names,
    list_names: &[String],
    lists: &[&[Choice]],
    errors: &mut Vec<LoadError>,
    warnings: &mut Vec<LoadWarning>,
) {
    let display: Vec<String> = fields
        .iter()
        .map(|f| display_name(fields, names, f.id))
        .collect();
    let mut cx = Ctx::new(fields, names, errors, warnings);
    cx.lists = lists;
    cx.shown = vec![None; lists.len()];
    cx.list_of = fields
        .iter()
        .map(|f| {
            let list = f
                .question()
                .filter(|q| q.kind.has_choices())?
                .choices
                .as_ref()?;
            list_names.iter().position(|l| l == list)
        })
        .collect();
    for field in fields.iter_mut() {
        let name = display[field.id.index()].clone();
        cx.at = Node::Field(field.id);
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
                        None => cx.warnings.push(LoadWarning::SelectWithoutChoices {
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
                    .map(|i| (list_names[i].as_str(), lists[i]));
                if let Some(filter) = q.choice_filter.as_deref() {
                    let columns = columns.unwrap_or(("", &[]));
                    p.choice_filter =
                        cx.compile(&name, Property::ChoiceFilter, filter, Some(columns));
                    if let Some(c) = &mut p.choice_filter {
                        super::filter_columns::resolve(c, form, columns, names, &name, cx.errors);
                    }
                }
                if let Some(trigger) = q.trigger.as_deref() {
                    p.trigger = resolve_trigger(trigger, names, &mut cx, &name);
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

/// The fields a trigger names, as pyxform reads the `trigger` column: a
/// comma-separated list of `${name}` (a bare name or a path is read too,
/// as old form files hold them). A name several fields share means all of
/// them: pyxform puts the `setvalue` on each field of that name.
fn resolve_trigger(trigger: &str, names: &Names, cx: &mut Ctx<'_>, field: &str) -> Box<[FieldId]> {
    let mut out: Vec<FieldId> = Vec::new();
    let mut parts: Vec<&str> = trigger.split(',').map(str::trim).collect();
    // A stray comma (`${a},`) names nothing; an empty trigger is refused.
    if parts.iter().any(|p| !p.is_empty()) {
        parts.retain(|p| !p.is_empty());
    }
    for t in parts {
        let t = t
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .unwrap_or(t);
        let found = if t.contains('/') {
            names.path(t)
        } else {
            names.unique(t)
        };
        let ids: Vec<FieldId> = match (found, names.ambiguous(t)) {
            (Some(id), _) => vec![id],
            (None, Some(ids)) => ids.to_vec(),
            (None, None) => {
                cx.errors.push(LoadError::UnknownTrigger {
                    field: field.to_owned(),
                    trigger: t.to_owned(),
                    suggestion: suggest(t, names.all()).map(str::to_owned),
                });
                Vec::new()
            }
        };
        out.extend(ids);
    }
    // Each field once; sorted rather than searched, so a hostile trigger
    // listing thousands of fields costs no quadratic time.
    out.sort_unstable();
    out.dedup();
    out.into_boxed_slice()
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
        let parsed = if property == Property::ChoiceFilter {
            parse_choice_filter(source)
        } else {
            parse(source)
        };
        let mut expr = match parsed {
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
        self.resolve_paths(&mut expr);
        let analysis = expr.analyze();
        let mut refs: Vec<(String, FieldId)> = Vec::new();
        // The selects whose choice labels `jr:choice-name` shows.
        let mut labelled: Vec<FieldId> = Vec::new();
        let unquoted = unquoted_choice_fields(&expr);
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
                    self.warnings.push(LoadWarning::UnknownColumn {
                        field: field.to_owned(),
                        list: list.to_owned(),
                        name: r.name.clone(),
                        position: r.position(),
                        suggestion: suggest(&r.name, cols).map(str::to_owned),
                    });
                }
                continue;
            }
            let dollar = source_has_ref(source, r.position());
            let written = if r.bare || !dollar {
                span_text(source, r.span.start, r.span.end)
            } else {
                format!("${{{}}}", r.name)
            };
            let id = if r.name.starts_with('/') {
                // A location path `resolve_paths` found in the form.
                self.names.path(&r.name)
            } else {
                self.names.unique(&r.name)
            };
            let Some(id) = id else {
                let ambiguous = self.names.ambiguous(&r.name);
                // `${name}` and `jr:choice-name`'s '${name}' must name one
                // field, as in pyxform; a bare name or a path that designates
                // no field is XPath's empty node-set (`null` in
                // `if(${a}, ${x}, null)`): ODK reads it as empty.
                let is_path = !dollar && r.kind != ReferenceKind::ChoiceList;
                if is_path {
                    self.warnings.push(LoadWarning::EmptyPath {
                        field: field.to_owned(),
                        property,
                        written,
                        position: r.position(),
                        several: ambiguous.is_some(),
                    });
                    continue;
                }
                match ambiguous {
                    Some(ids) => self.errors.push(LoadError::AmbiguousReference {
                        field: field.to_owned(),
                        property,
                        name: r.name.clone(),
                        position: r.position(),
                        paths: ids
                            .iter()
                            .map(|i| self.info[i.index()].path.clone())
                            .collect(),
                    }),
                    None => self.errors.push(LoadError::UnknownReference {
                        field: field.to_owned(),
                        property,
                        name: r.name.clone(),
                        written,
                        bare: false,
                        position: r.position(),
                        suggestion: suggest(&r.name, self.info.iter().map(|k| k.name.as_str()))
                            .map(str::to_owned),
                    }),
                }
                ok = false;
                continue;
            };
            let Info { kind, select, .. } = &self.info[id.index()];
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
            if r.kind == ReferenceKind::ChoiceList
                || (r.kind == ReferenceKind::Value && unquoted.contains(&r.name))
            {
                labelled.push(id);
            }
            // jr:choice-name's list is static, and a `${last-saved#x}` is
            // fixed for the session: no dependency on their values.
            if !matches!(r.kind, ReferenceKind::ChoiceList | ReferenceKind::LastSaved)
                && !refs.iter().any(|(n, _)| *n == r.name)
            {
                refs.push((r.name.clone(), id));
            }
        }
        // `jr:choice-name` shows a label as the select does, `${name}`s
        // filled in, in the language shown: it reads what the labels show.
        for select in labelled {
            for id in self.shown_by_labels(select) {
                if !refs.iter().any(|(_, i)| *i == id) {
                    refs.push((self.info[id.index()].name.clone(), id));
                }
            }
        }
        // A choice filter's bare `label` is the label in the language shown.
        let reads_label = columns.is_some()
            && analysis
                .references
                .iter()
                .any(|r| r.bare && r.name == "label");
        ok.then(|| Compiled {
            source: source.to_owned(),
            uses_language: calls(&expr, Func::ChoiceName) || reads_label,
            expr,
            refs,
            uses_current: analysis.uses_current,
            uses_position: analysis.uses_position,
            context: match self.at {
                Node::Field(f) => Some(f),
                Node::Root => None,
            },
        })
    }
}

impl CompiledForm {
    /// Resolves the location paths of an ad-hoc expression (`fieldform
    /// expr`, the `instance_name` setting) as if it belonged to `at`
    /// (`None`: the top level); see `Ctx::resolve_paths`.
    pub(crate) fn resolve_paths(&self, expr: &mut Expr, at: Option<FieldId>) {
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        let mut cx = Ctx::new(&self.fields, &self.names, &mut errors, &mut warnings);
        cx.at = at.map_or(Node::Root, Node::Field);
        cx.resolve_paths(expr);
    }
}

impl<'a> Ctx<'a> {
    fn new(
        fields: &[Field],
        names: &'a Names,
        errors: &'a mut Vec<LoadError>,
        warnings: &'a mut Vec<LoadWarning>,
    ) -> Self {
        let info = fields
            .iter()
            .map(|f| Info {
                name: f.name.clone(),
                kind: f.kind,
                select: f.question().is_some_and(|q| q.kind.has_choices()),
                parent: f.parent,
                children: f.children.clone(),
                path: path_of(fields, f.id),
            })
            .collect();
        let top = fields
            .iter()
            .filter(|f| f.parent.is_none())
            .map(|f| f.id)
            .collect();
        Ctx {
            names,
            info,
            top,
            at: Node::Root,
            lists: &[],
            list_of: Vec::new(),
            shown: Vec::new(),
            errors,
            warnings,
        }
    }

    /// The fields the choice labels of `select`'s list show, in any
    /// language.
    fn shown_by_labels(&mut self, select: FieldId) -> Vec<FieldId> {
        let Some(&Some(i)) = self.list_of.get(select.index()) else {
            return Vec::new();
        };
        let (Some(rows), Some(slot)) = (self.lists.get(i), self.shown.get_mut(i)) else {
            return Vec::new();
        };
        slot.get_or_insert_with(|| super::texts::shown_by(rows, self.names))
            .clone()
    }
}

impl Ctx<'_> {
    /// Rewrites every location path (`/data/household/name`, `../age`)
    /// that designates a field into a reference to that field's path
    /// (`${/household/name}` in effect), so that two fields with one name
    /// stay apart at run time. Bare names are left to the caller.
    fn resolve_paths(&self, e: &mut Expr) {
        self.resolve_in(e, false);
    }

    /// `in_predicate`: inside `instance(..)/root/item[...]`, where relative
    /// paths start from the item, not from a field.
    fn resolve_in(&self, e: &mut Expr, in_predicate: bool) {
        match &mut e.kind {
            ExprKind::Path(p) if !p.is_bare_name() && (p.absolute || !in_predicate) => {
                if let Some(id) = self.walk(p).or_else(|| self.by_last_step(p)) {
                    e.kind = ExprKind::Ref(format!("/{}", self.info[id.index()].path));
                }
            }
            ExprKind::Neg(x) => self.resolve_in(x, in_predicate),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.resolve_in(lhs, in_predicate);
                self.resolve_in(rhs, in_predicate);
            }
            ExprKind::Call { args, .. } => {
                args.iter_mut()
                    .for_each(|a| self.resolve_in(a, in_predicate));
            }
            ExprKind::Instance(p) => {
                p.predicates
                    .iter_mut()
                    .for_each(|a| self.resolve_in(a, true));
            }
            _ => {}
        }
    }

    /// The field `p` designates, walking the form's tree as XPath walks
    /// the instance: from the root element for an absolute path (its first
    /// step names the root, `data` or whatever the form calls it), else
    /// from the field the expression belongs to.
    fn walk(&self, p: &Path) -> Option<FieldId> {
        let mut steps = p.steps.iter();
        let mut node = if p.absolute {
            match steps.next() {
                Some(Step::Name(_)) => Node::Root,
                _ => return None,
            }
        } else {
            self.at
        };
        for step in steps {
            node = if let Step::Name(n) = step {
                let children = match node {
                    Node::Root => &self.top,
                    Node::Field(f) => &self.info[f.index()].children,
                };
                Node::Field(*children.iter().find(|c| self.info[c.index()].name == *n)?)
            } else if *step == Step::Parent {
                match node {
                    Node::Root => return None,
                    Node::Field(f) => self.info[f.index()].parent.map_or(Node::Root, Node::Field),
                }
            } else if *step == Step::Current {
                node
            } else {
                return None;
            };
        }
        match node {
            Node::Field(f) => Some(f),
            Node::Root => None,
        }
    }

    /// A path that does not walk to a field but whose last step is a
    /// name only one field has: that field. Fieldform has always resolved
    /// paths by their last step, and forms written that way keep working.
    fn by_last_step(&self, p: &Path) -> Option<FieldId> {
        let plain = p
            .steps
            .iter()
            .all(|s| matches!(s, Step::Name(_)) || *s == Step::Parent || *s == Step::Current);
        plain.then(|| p.field_name().and_then(|n| self.names.unique(n)))?
    }
}

/// The characters `start..end` of `source`.
fn span_text(source: &str, start: usize, end: usize) -> String {
    source
        .chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// Whether the reference at character `position` is written `${...}`.
fn source_has_ref(source: &str, position: usize) -> bool {
    source.chars().nth(position) == Some('$')
}

fn is_column(name: &str, choices: &[Choice]) -> bool {
    matches!(name, "name" | "label") || choices.iter().any(|c| c.properties.contains_key(name))
}

/// The fields written without quotes as `jr:choice-name`'s second
/// argument (`jr:choice-name(., ${q})`, read as if quoted).
fn unquoted_choice_fields(e: &Expr) -> Vec<String> {
    let mut found = Vec::new();
    e.visit(&mut |e| {
        if let ExprKind::Call {
            func: Func::ChoiceName,
            args,
        } = &e.kind
            && let Some(ExprKind::Ref(name)) = args.get(1).map(|a| &a.kind)
        {
            found.push(name.clone());
        }
    });
    found
}

fn calls(e: &Expr, f: Func) -> bool {
    match &e.kind {
        ExprKind::Call { func, args } => *func == f || args.iter().any(|a| calls(a, f)),
        ExprKind::Neg(x) => calls(x, f),
        ExprKind::Binary { lhs, rhs, .. } => calls(lhs, f) || calls(rhs, f),
        _ => false,
    }
}

impl Field {
    /// The fields `property`'s expression reads, as resolved at load (by
    /// path where names repeat); empty without an expression.
    pub fn reads(&self, property: Property) -> Vec<FieldId> {
        let p = &self.props;
        let compiled = match property {
            Property::Relevant => p.relevant.as_ref(),
            Property::Required => cond(&p.required),
            Property::ReadOnly => cond(&p.read_only),
            Property::Constraint => p.constraint.as_ref(),
            Property::Calculation => p.calculation.as_ref(),
            Property::Default => match &p.default {
                Some(DefaultValue::Expr(c)) => Some(c),
                _ => None,
            },
            Property::ChoiceFilter => p.choice_filter.as_ref(),
            Property::RepeatCount => p.repeat_count.as_ref(),
            Property::Trigger => return p.trigger.to_vec(),
        };
        compiled.map_or_else(Vec::new, |c| c.refs.iter().map(|&(_, id)| id).collect())
    }
}

fn cond(c: &Cond) -> Option<&Compiled> {
    match c {
        Cond::Expr(c) => Some(c),
        Cond::Const(_) => None,
    }
}
