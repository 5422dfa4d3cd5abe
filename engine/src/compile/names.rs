//! The name table: a dense [`FieldId`] per item, its place in the tree, and
//! the scopes (levels of repetition).

use std::collections::HashMap;

use super::{Field, FieldId, FieldKind, LoadError, LoadWarning, Props, Scope, ScopeId};
use crate::expr::is_valid_field_name;
use crate::model::{Form, Item, Text};

pub(super) struct Table {
    pub fields: Vec<Field>,
    pub scopes: Vec<Scope>,
    pub by_name: HashMap<String, FieldId>,
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
        by_name: HashMap::new(),
    };
    for item in &form.items {
        add(&mut t, item, None, ScopeId::ROOT, errors);
    }
    t
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
    if t.by_name.insert(name.to_owned(), id).is_some() {
        // The first definition stays addressable, so references to it do not
        // pile up more errors.
        t.by_name.insert(name.to_owned(), t.by_name_first(name, id));
        errors.push(LoadError::DuplicateName {
            field: name.to_owned(),
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

impl Table {
    /// The id of the first field called `name` (`id` is the newest).
    fn by_name_first(&self, name: &str, id: FieldId) -> FieldId {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map_or(id, |f| f.id)
    }
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
