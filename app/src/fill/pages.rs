//! How a form is split into pages: each top-level group or repeat is a
//! page (a section of the questionnaire), and consecutive top-level
//! questions share one. Enumerators move page by page; the section index
//! lets them jump.

use fieldform_engine::compile::{CompiledForm, FieldId, FieldKind};
use fieldform_engine::state::{FormState, NodeRef};

/// One page: top-level fields shown together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub fields: Vec<FieldId>,
    /// The group or repeat the page is, whose label titles it.
    pub section: Option<FieldId>,
}

/// Whether the enumerator sees this field (as opposed to calculations and metadata).
pub fn is_shown(form: &CompiledForm, field: FieldId) -> bool {
    match form.field(field).kind {
        FieldKind::Question(t) => {
            !t.is_metadata() && t != fieldform_engine::model::QuestionType::Calculate
        }
        FieldKind::Group | FieldKind::Repeat => form
            .field(field)
            .children
            .iter()
            .any(|&c| is_shown(form, c)),
    }
}

/// The pages of a form, in order; fields nobody sees are on no page.
pub fn pages(form: &CompiledForm) -> Vec<Page> {
    let mut out: Vec<Page> = Vec::new();
    let mut loose: Vec<FieldId> = Vec::new();
    for id in form.top_level() {
        if !is_shown(form, id) {
            continue;
        }
        match form.field(id).kind {
            FieldKind::Group | FieldKind::Repeat => {
                if !loose.is_empty() {
                    out.push(Page {
                        fields: std::mem::take(&mut loose),
                        section: None,
                    });
                }
                out.push(Page {
                    fields: vec![id],
                    section: Some(id),
                });
            }
            FieldKind::Question(_) => loose.push(id),
        }
    }
    if !loose.is_empty() {
        out.push(Page {
            fields: loose,
            section: None,
        });
    }
    out
}

/// Whether a page has anything to ask now. A repeat page always has (its
/// list can be added to); otherwise some field must be relevant.
pub fn page_relevant(state: &FormState, page: &Page) -> bool {
    page.fields.iter().any(|&f| {
        state.form().field(f).kind == FieldKind::Repeat || state.relevant(NodeRef::root(f))
    })
}

/// The top-level field a field sits under (itself at the top).
pub fn top_ancestor(form: &CompiledForm, mut field: FieldId) -> FieldId {
    while let Some(p) = form.field(field).parent {
        field = p;
    }
    field
}

/// Every node of the page, in document order, across repeat instances.
pub fn page_nodes(state: &FormState, page: &Page) -> Vec<NodeRef> {
    let form = state.form();
    state
        .nodes()
        .into_iter()
        .filter(|n| page.fields.contains(&top_ancestor(form, n.field)))
        .collect()
}

/// The page that shows `node`.
pub fn page_of(form: &CompiledForm, pages: &[Page], node: NodeRef) -> Option<usize> {
    let top = top_ancestor(form, node.field);
    pages.iter().position(|p| p.fields.contains(&top))
}

/// The next (or previous) page with something to ask, from `from`.
pub fn step(state: &FormState, pages: &[Page], from: usize, forward: bool) -> Option<usize> {
    let mut i = from;
    loop {
        i = if forward {
            i.checked_add(1).filter(|&i| i < pages.len())?
        } else {
            i.checked_sub(1)?
        };
        if page_relevant(state, &pages[i]) {
            return Some(i);
        }
    }
}

/// The instance `node`'s widgets are keyed by, for DOM ids.
pub fn dom_id(node: NodeRef) -> String {
    format!("q-{}-{}", node.field.0, node.instance.0)
}
