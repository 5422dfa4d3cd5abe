//! Groups and repeats: the form's tree, rendered recursively.

use fieldform_engine::compile::{FieldId, FieldKind};
use fieldform_engine::model::QuestionType;
use fieldform_engine::state::{InstanceId, NodeRef};
use leptos::prelude::*;

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
    view! {
        <div class="repeat" data-name=name>
            <For each=list key=|id| *id let:id>
                {instance_card(session, NodeRef { field: repeat, instance: id }, children.clone(), can_remove)}
            </For>
            {(!counted).then(|| view! {
                <button type="button" class="add-instance"
                    disabled=move || max.is_some_and(|m| list().len() >= m as usize)
                    on:click=add>
                    // Says what is added: a page may hold several repeats.
                    "+ " {move || t(Msg::Add, &session.lang())} ": "
                    {move || session.label(NodeRef { field: repeat, instance: parent })}
                </button>
            })}
        </div>
    }
    .into_any()
}

/// One instance of a repeat (`node`: the repeat in that instance).
fn instance_card(
    session: Session,
    node: NodeRef,
    children: Vec<FieldId>,
    can_remove: impl Fn() -> bool + Send + Sync + Clone + 'static,
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
    let body = move || {
        let children = children.clone();
        let can_remove = can_remove.clone();
        let content = content.clone();
        untrack(move || {
            view! {
                <header class="instance-header">
                    <h4>{move || session.label(node)} " (" {position} ")" {content}</h4>
                    <Show when=can_remove.clone()>
                        <button type="button" class="remove-instance" on:click=remove>
                            {move || t(Msg::Remove, &session.lang())}
                        </button>
                    </Show>
                </header>
                {items(session, children, id)}
            }
        })
    };
    view! {
        <Show when=move || session.relevant(node)>
            <section class="instance" data-instance=id.0 data-position=position>
                {body.clone()}
            </section>
        </Show>
    }
    .into_any()
}
