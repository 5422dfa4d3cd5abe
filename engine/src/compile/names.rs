//! The name table: a dense [`FieldId`] per item, its place in the tree, and
//! the scopes (levels of repetition).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use super::{Field, FieldId, FieldKind, LoadError, LoadWarning, Props, Scope, ScopeId};
use crate::expr::is_valid_field_name;
use crate::model::{Form, Item, Text};

pub(super) struct Table {
    pub fields: Vec<Field>,
    pub scopes: Vec<Scope>,
    pub names: Names,
}

/// How fields are found by name or by path.
///
/// XLSForm (pyxform) wants a name unique only among its siblings (the
/// direct children of its nearest group or repeat, or of the survey) and a
/// repeat's name unique in the whole form; a name may be reused in another
/// group. A field is identified by its path (`household/name`); `${name}`
/// resolves only when `name` is unique in the form, as in pyxform.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    /// Names used by exactly one field.
    pub unique: HashMap<String, FieldId>,
    /// Names used by several fields, each with every field using it.
    pub ambiguous: HashMap<String, Vec<FieldId>>,
    /// Every field by its path: the names from the top level down, joined by
    /// `/` (`household/name`; a top-level field's path is its name).
    pub by_path: HashMap<String, FieldId>,
}

impl Names {
    /// The field `${name}` means: the one field called `name`.
    pub fn unique(&self, name: &str) -> Option<FieldId> {
        self.unique.get(name).copied()
    }

    /// The fields called `name`, when there are several.
    pub fn ambiguous(&self, name: &str) -> Option<&[FieldId]> {
        self.ambiguous.get(name).map(Vec::as_slice)
    }

    /// The field at `path` (`household/name`, a leading `/` allowed).
    pub fn path(&self, path: &str) -> Option<FieldId> {
        self.by_path
            .get(path.strip_prefix('/').unwrap_or(path))
            .copied()
    }

    /// Every distinct name, for did-you-mean suggestions.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.unique
            .keys()
            .chain(self.ambiguous.keys())
            .map(String::as_str)
    }
}

/// The path of `id` (see [`Names::by_path`]).
pub(crate) fn path_of(fields: &[Field], id: FieldId) -> String {
    let mut parts = Vec::new();
    let mut at = Some(id);
    while let Some(f) = at.and_then(|i| fields.get(i.index())) {
        parts.push(f.name.as_str());
        at = f.parent;
    }
    parts.reverse();
    parts.join("/")
}

/// How errors name a field: its name when that is unique, else its path.
pub(crate) fn display_name(fields: &[Field], names: &Names, id: FieldId) -> String {
    let f = &fields[id.index()];
    if names.unique(&f.name) == Some(id) {
        f.name.clone()
    } else {
        path_of(fields, id)
    }
}

pub(super) fn build(form: &Form, errors: &mut Vec<LoadError>) -> Table {
    let mut t = Table {
        fields: Vec::new(),
        scopes: vec![Scope {
            repeat: None,
            parent: None,
            chain: vec![ScopeId::ROOT],
            nested: Vec::new(),
            index_in_parent: 0,
            nodes: Vec::new(),
            fields: Vec::new(),
        }],
        names: Names::default(),
    };
    let mut top = Vec::new();
    for item in &form.items {
        top.push(add(&mut t, item, None, ScopeId::ROOT, errors));
    }
    check_siblings(&t.fields, &top, errors);
    index(&mut t);
    t
}

/// pyxform's rules: a name at most once among siblings (NAMES_001), a
/// repeat's name at most once in the form (NAMES_004).
fn check_siblings(fields: &[Field], top: &[FieldId], errors: &mut Vec<LoadError>) {
    let mut lists: Vec<&[FieldId]> = vec![top];
    lists.extend(fields.iter().map(|f| f.children.as_slice()));
    for list in lists {
        let mut seen: HashSet<&str> = HashSet::new();
        for &id in list {
            let f = &fields[id.index()];
            if !seen.insert(f.name.as_str()) {
                errors.push(LoadError::DuplicateName {
                    field: path_of(fields, id),
                });
            }
        }
    }
    let mut repeats: HashSet<&str> = HashSet::new();
    for f in fields.iter().filter(|f| f.kind == FieldKind::Repeat) {
        if !repeats.insert(f.name.as_str()) {
            errors.push(LoadError::DuplicateRepeat {
                field: path_of(fields, f.id),
            });
        }
    }
}

fn index(t: &mut Table) {
    let mut by_name: HashMap<String, Vec<FieldId>> = HashMap::new();
    for f in &t.fields {
        // The first of two siblings with one name (an error already) keeps
        // the path and the name, so that references to it do not pile up
        // more errors.
        if let Entry::Vacant(slot) = t.names.by_path.entry(path_of(&t.fields, f.id)) {
            slot.insert(f.id);
            by_name.entry(f.name.clone()).or_default().push(f.id);
        }
    }
    for (name, ids) in by_name {
        if let [id] = ids.as_slice() {
            t.names.unique.insert(name, *id);
        } else {
            t.names.ambiguous.insert(name, ids);
        }
    }
}

fn add(
    t: &mut Table,
    item: &Item,
    parent: Option<FieldId>,
    scope: ScopeId,
    errors: &mut Vec<LoadError>,
) -> FieldId {
    let id = FieldId(t.fields.len() as u32);
    let name = item.name();
    if !is_valid_field_name(name) {
        errors.push(LoadError::InvalidName {
            name: name.to_owned(),
        });
    }
    let kind = match item {
        Item::Question(q) => FieldKind::Question(q.kind),
        Item::Group(_) => FieldKind::Group,
        Item::Repeat(_) => FieldKind::Repeat,
    };
    let own_scope = if kind == FieldKind::Repeat {
        let s = ScopeId(t.scopes.len() as u32);
        let mut chain = t.scopes[scope.index()].chain.clone();
        chain.push(s);
        let index_in_parent = t.scopes[scope.index()].nested.len();
        t.scopes[scope.index()].nested.push(id);
        t.scopes.push(Scope {
            repeat: Some(id),
            parent: Some(scope),
            chain,
            nested: Vec::new(),
            index_in_parent,
            nodes: Vec::new(),
            fields: Vec::new(),
        });
        s
    } else {
        scope
    };
    let mut shallow = item.clone();
    match &mut shallow {
        Item::Group(g) => g.items.clear(),
        Item::Repeat(r) => r.items.clear(),
        Item::Question(_) => {}
    }
    t.fields.push(Field {
        id,
        name: name.to_owned(),
        kind,
        parent,
        children: Vec::new(),
        scope: own_scope,
        item: shallow,
        props: Props::default(),
        choice_list: None,
    });
    t.scopes[own_scope.index()].fields.push(id);
    for child in item.children() {
        let c = add(t, child, Some(id), own_scope, errors);
        t.fields[id.index()].children.push(c);
    }
    id
}

/// Texts that have some translations but not one for every form language.
pub(super) fn check_translations(form: &Form, warnings: &mut Vec<LoadWarning>) {
    let mut check = |what: &dyn Fn() -> String, text: &Text| {
        if text.is_empty() {
            return;
        }
        for lang in &form.languages {
            if !text.0.contains_key(&lang.code) {
                warnings.push(LoadWarning::MissingTranslation {
                    what: what(),
                    lang: lang.code.clone(),
                });
            }
        }
    };
    check(&|| "form title".to_owned(), &form.title);
    for item in form.walk() {
        let name = item.name();
        match item {
            Item::Question(q) => {
                check(&|| format!("field `{name}`, label"), &q.label);
                check(&|| format!("field `{name}`, hint"), &q.hint);
                check(
                    &|| format!("field `{name}`, guidance_hint"),
                    &q.guidance_hint,
                );
                check(
                    &|| format!("field `{name}`, required_message"),
                    &q.required_message,
                );
                check(
                    &|| format!("field `{name}`, constraint_message"),
                    &q.constraint_message,
                );
            }
            Item::Group(g) => check(&|| format!("field `{name}`, label"), &g.label),
            Item::Repeat(r) => check(&|| format!("field `{name}`, label"), &r.label),
        }
    }
    for (list, choices) in &form.choices {
        for c in choices {
            check(
                &|| format!("choice list `{list}`, choice `{}`", c.name),
                &c.label,
            );
        }
    }
}
