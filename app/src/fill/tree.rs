//! Groups and repeats: the form's tree, rendered recursively.

use std::collections::HashSet;

use fieldform_engine::compile::{FieldId, FieldKind};
use fieldform_engine::model::QuestionType;
use fieldform_engine::state::{FormState, InstanceId, NodeRef};
use fieldform_engine::validate::validate_node;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::pages::is_shown;
use super::question::QuestionView;
use super::session::Session;
use crate::i18n::{Msg, t};

/// `fields` (siblings) in one instance of their scope.
pub fn items(session: Session, fields: Vec<FieldId>, instance: InstanceId) -> AnyView {
    let form = session.form();
    fields
        .into_iter()
        .filter(|&f| is_shown(&form, f))
        .map(|f| match form.field(f).kind {
            FieldKind::Question(_) => view! {
                <QuestionView session node=NodeRef { field: f, instance } />
            }
            .into_any(),
            FieldKind::Group => group(session, NodeRef { field: f, instance }),
            FieldKind::Repeat => repeat(session, f, instance),
        })
        .collect_view()
        .into_any()
}

fn group(session: Session, node: NodeRef) -> AnyView {
    let form = session.form();
    let field = form.field(node.field);
    let children = field.children.clone();
    let name = field.name.clone();
    let body = move || {
        let children = children.clone();
        let label = move || session.label(node);
        untrack(move || {
            view! {
                <legend>{label}</legend>
                {items(session, children, node.instance)}
            }
        })
    };
    view! {
        <Show when=move || session.relevant(node)>
            <fieldset class="group" data-name=name.clone()>{body.clone()}</fieldset>
        </Show>
    }
    .into_any()
}

/// A roster longer than this opens with its finished cards folded.
const FOLD_ABOVE: usize = 3;

/// The cards of one roster that are folded to their title line. Screen
/// state only, for as long as the page is shown: the answers stay in the
/// engine and the inputs in the page (hidden), so nothing is lost and a
/// problem inside can still be found and focused.
type Folded = RwSignal<HashSet<InstanceId>>;

/// A repeat's instances in `parent`, each a card, with add and remove
/// unless a `repeat_count` decides how many there are.
fn repeat(session: Session, repeat: FieldId, parent: InstanceId) -> AnyView {
    let form = session.form();
    let field = form.field(repeat);
    let children = field.children.clone();
    let name = field.name.clone();
    let bounds = field.repeat().map(|r| (r.min_instances, r.max_instances));
    let (min, max) = bounds.unwrap_or((None, None));
    let counted = field.repeat().is_some_and(|r| r.repeat_count.is_some());
    let list = move || session.instances(repeat, parent);
    let add = move |_| {
        // Refused only at max_instances, where the button is disabled.
        let _refused = session.add_instance(repeat, parent);
    };
    let can_remove = move || !counted && min.is_none_or(|m| list().len() > m as usize);
    // A long roster opens on what is left to do: finished cards are
    // folded, the last one (the one being filled) and any card with a
    // problem stay open.
    let lang = untrack(|| session.lang());
    let initial = session.with(|s| {
        let ids = s.instances(repeat, parent);
        let Some((_last, earlier)) = ids.split_last() else {
            return HashSet::new();
        };
        if ids.len() <= FOLD_ABOVE {
            return HashSet::new();
        }
        earlier
            .iter()
            .copied()
            .filter(|&id| {
                let nodes = card_nodes(s, id);
                has_answer(s, &nodes) && !has_problem(s, &nodes, &lang)
            })
            .collect()
    });
    let folded: Folded = RwSignal::new(initial);
    let any_folded = move || {
        let ids = list();
        folded.with(|f| ids.iter().any(|id| f.contains(id)))
    };
    let fold_all = move |_| {
        if any_folded() {
            folded.set(HashSet::new());
        } else {
            // Every card with something to sum up (an empty card folded
            // would only be a title).
            let ids = untrack(list);
            let filled: HashSet<InstanceId> = session.with(|s| {
                ids.into_iter()
                    .filter(|&id| has_answer(s, &card_nodes(s, id)))
                    .collect()
            });
            folded.set(filled);
        }
    };
    let roster_label = move || {
        session.label(NodeRef {
            field: repeat,
            instance: parent,
        })
    };
    view! {
        <div class="repeat" data-name=name>
            <Show when=move || { list().len() > 1 }>
                <button type="button" class="fold-all" on:click=fold_all>
                    {move || t(if any_folded() { Msg::ExpandAll } else { Msg::CollapseAll }, &session.lang())}
                    // Says which roster: a page may hold several.
                    <span class="visually-hidden">": " {roster_label}</span>
                </button>
            </Show>
            <For each=list key=|id| *id let:id>
                {instance_card(session, NodeRef { field: repeat, instance: id }, children.clone(), can_remove, folded)}
            </For>
            {(!counted).then(|| view! {
                <button type="button" class="add-instance"
                    disabled=move || max.is_some_and(|m| list().len() >= m as usize)
                    on:click=add>
                    // Says what is added: a page may hold several repeats.
                    "+ " {move || t(Msg::Add, &session.lang())} ": "
                    {roster_label}
                </button>
            })}
        </div>
    }
    .into_any()
}

/// Every node of the card `id`, its nested cards' included.
fn card_nodes(s: &FormState, id: InstanceId) -> Vec<NodeRef> {
    let inside = |mut at: InstanceId| loop {
        if at == id {
            return true;
        }
        match s.parent(at) {
            Some(parent) => at = parent,
            None => return false,
        }
    };
    s.nodes()
        .into_iter()
        .filter(|n| inside(n.instance))
        .collect()
}

/// Whether the card holds at least one answer.
fn has_answer(s: &FormState, nodes: &[NodeRef]) -> bool {
    let form = s.form();
    nodes
        .iter()
        .any(|&n| form.field(n.field).is_settable() && !s.value(n).is_empty())
}

/// Whether a question shown in the card has a problem (required, format,
/// constraint), shown yet or not.
fn has_problem(s: &FormState, nodes: &[NodeRef], lang: &str) -> bool {
    nodes.iter().any(|&n| validate_node(s, n, lang).is_some())
}

/// Unfolds every folded card around `element` (a question's input), so
/// that a problem is never focused out of sight. Returns whether one was
/// folded: the page then needs a frame to show it.
pub fn unfold_around(element: &web_sys::Element) -> bool {
    let mut unfolded = false;
    let mut from = Some(element.clone());
    while let Some(card) = from
        .as_ref()
        .and_then(|e| e.closest("section.instance.folded").ok().flatten())
    {
        // The card's own toggle, not a nested card's.
        let toggle = card
            .query_selector(":scope > header .instance-toggle")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(toggle) = toggle {
            toggle.click();
            unfolded = true;
        }
        from = card.parent_element();
    }
    unfolded
}

/// One instance of a repeat (`node`: the repeat in that instance).
fn instance_card(
    session: Session,
    node: NodeRef,
    children: Vec<FieldId>,
    can_remove: impl Fn() -> bool + Send + Sync + Clone + 'static,
    folded: Folded,
) -> AnyView {
    let id = node.instance;
    let list_node = NodeRef {
        field: node.field,
        instance: session.with(|s| s.parent(id)).unwrap_or(InstanceId::ROOT),
    };
    let position = move || {
        // Removing an earlier sibling renumbers this one.
        session.track(list_node);
        session.track(node);
        session.with(|s| s.position(id)).unwrap_or(0)
    };
    // What tells this card apart: its first text and first number answers
    // ("Ion, 1990"), read live.
    let content_children = children.clone();
    let content = move || {
        let form = session.form();
        let mut text = None;
        let mut number = None;
        for &f in &content_children {
            let kind = form.field(f).question_type();
            let child = NodeRef {
                field: f,
                instance: id,
            };
            let slot = match kind {
                Some(QuestionType::Text) => &mut text,
                Some(QuestionType::Integer | QuestionType::Decimal) => &mut number,
                _ => continue,
            };
            if slot.is_some() || !session.relevant(child) {
                continue;
            }
            let value = session.value(child);
            if !value.is_empty() {
                *slot = Some(value);
            }
        }
        let parts: Vec<String> = text.into_iter().chain(number).collect();
        (!parts.is_empty()).then(|| format!(": {}", parts.join(", ")))
    };
    let remove = move |_| {
        let lang = session.lang();
        // Removing takes every answer of the instance with it: ask first.
        let sure = web_sys::window()
            .and_then(|w| w.confirm_with_message(t(Msg::ConfirmRemove, &lang)).ok())
            .unwrap_or(false);
        if sure {
            let _refused = session.remove_instance(id);
        }
    };
    let is_folded = move || folded.with(|f| f.contains(&id));
    // A removed card is forgotten, so an id the engine hands out again
    // does not open folded.
    on_cleanup(move || {
        folded.try_update(|f| f.remove(&id));
    });
    // The card's nodes, each tracked: its summary follows every answer.
    let tracked_nodes = move || {
        let nodes = session.with(|s| card_nodes(s, id));
        for &n in &nodes {
            session.track(n);
        }
        nodes
    };
    let toggle = move |_| {
        // `try_`: a click can be dispatched by `unfold_around` as the page goes.
        folded.try_update(|f| {
            if !f.remove(&id) {
                f.insert(id);
            }
        });
    };
    // A folded card never hides a problem: its header says so.
    let flag = move || {
        if !is_folded() {
            return None;
        }
        let lang = session.lang();
        let nodes = tracked_nodes();
        let problem = session.with(|s| has_problem(s, &nodes, &lang));
        problem.then(|| {
            view! {
                <span class="instance-flag">
                    <span aria-hidden="true">"⚠ "</span>{t(Msg::CardHasProblem, &lang)}
                </span>
            }
        })
    };
    let body_id = format!("card-{}", id.0);
    let body = move || {
        let children = children.clone();
        let can_remove = can_remove.clone();
        let content = content.clone();
        let body_id = body_id.clone();
        untrack(move || {
            view! {
                <header class="instance-header">
                    // The disclosure pattern: the title is the button, so
                    // its name is the card's ("Member (2): Ion, 1990").
                    <h4>
                        <button type="button" class="instance-toggle"
                            aria-expanded=move || (!is_folded()).to_string()
                            aria-controls=body_id.clone()
                            // An empty card has nothing to sum up.
                            disabled=move || {
                                if is_folded() {
                                    return false;
                                }
                                let nodes = tracked_nodes();
                                !session.with(|s| has_answer(s, &nodes))
                            }
                            on:click=toggle>
                            <span class="instance-chevron" aria-hidden="true"></span>
                            <span class="instance-title">
                                {move || session.label(node)} " (" {position} ")" {content}
                                {flag}
                            </span>
                        </button>
                    </h4>
                    <Show when=can_remove.clone()>
                        <button type="button" class="remove-instance" on:click=remove>
                            {move || t(Msg::Remove, &session.lang())}
                        </button>
                    </Show>
                </header>
                <div class="instance-body" id=body_id hidden=is_folded>
                    {items(session, children, id)}
                </div>
            }
        })
    };
    view! {
        <Show when=move || session.relevant(node)>
            <section class="instance" class:folded=is_folded data-instance=id.0 data-position=position>
                {body.clone()}
            </section>
        </Show>
    }
    .into_any()
}
