//! One question: its label, hints, input and problem, shown while relevant.

use fieldform_engine::model::QuestionType;
use fieldform_engine::state::NodeRef;
use fieldform_engine::validate::validate_node;
use leptos::prelude::*;

use super::pages::dom_id;
use super::session::Session;
use super::widgets;
use crate::i18n::{Msg, t};
use crate::markup;

/// Renders `node` (a question in one instance) and keeps it current.
#[component]
pub fn QuestionView(session: Session, node: NodeRef) -> impl IntoView {
    let form = session.form();
    let field = form.field(node.field);
    let (Some(kind), Some(question)) = (field.question_type(), field.question().cloned()) else {
        return ().into_any();
    };
    if kind.is_metadata() || kind == QuestionType::Calculate {
        return ().into_any();
    }
    let name = field.name.clone();
    let id = dom_id(node);
    // The XLSForm spelling (`select_one`), as in the form file.
    let type_name = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let is_note = kind == QuestionType::Note;
    // Choice groups are labelled by id; single inputs by `for`.
    let grouped = kind.has_choices() && !is_minimal(question.appearance.as_deref());
    // Set on the first focus, never unset (see the issue slot).
    let visited = RwSignal::new(false);
    let body = move || {
        let id = id.clone();
        let label_id = format!("{id}-label");
        let question = question.clone();
        let hint = move || session.hint(node);
        let guidance = move || session.guidance_hint(node);
        // ODK markdown (`**bold**`, links, coloured spans), rendered safely;
        // inside the closure so `${value}`s in the text still redraw it.
        let label = move || markup::render(&session.label(node));
        let required_mark = move || {
            session.required(node).then(|| {
                let lang = session.lang();
                view! { <span class="required" title=t(Msg::Required, &lang)>" *"</span> }
            })
        };
        let label_view = if is_note {
            view! { <p class="label note-text" id=label_id.clone()>{label}</p> }.into_any()
        } else if grouped {
            view! { <div class="label" id=label_id.clone()>{label}{required_mark}</div> }.into_any()
        } else {
            view! { <label class="label" id=label_id.clone() for=id.clone()>{label}{required_mark}</label> }
                .into_any()
        };
        view! {
            {label_view}
            {move || {
                let h = hint();
                (!h.is_empty()).then(|| view! { <p class="hint">{markup::render(&h)}</p> })
            }}
            {move || {
                let g = guidance();
                (!g.is_empty()).then(|| view! { <p class="guidance">{markup::render(&g)}</p> })
            }}
            {widgets::widget(session, node, kind, &question, &id)}
            // Once the question has had focus, a problem it has but does not
            // show yet (shown when it is left) takes its place invisibly,
            // so showing it does not push the next question down under a
            // finger already on its way there (a lost tap).
            <div class="issue-slot">
                {move || {
                    session.issue(node).map(|issue| {
                        view! { <p class="issue" role="alert" id=format!("{}-issue", dom_id(node))>{issue.message}</p> }
                    })
                }}
                {move || {
                    if !visited.get() || session.issue(node).is_some() {
                        return None;
                    }
                    let lang = session.lang();
                    session.with(|s| validate_node(s, node, &lang)).map(|issue| {
                        view! { <p class="issue-pending" aria-hidden="true">{issue.message}</p> }
                    })
                }}
            </div>
        }
    };
    view! {
        <Show when=move || session.relevant(node)>
            <div
                class="question"
                on:focusin=move |_| {
                    if !visited.get_untracked() {
                        visited.set(true);
                    }
                }
                class:invalid=move || session.issue(node).is_some()
                data-name=name.clone()
                data-node=node.key()
                data-type=type_name.clone()
            >
                {
                    // Built once per showing: what changes redraws itself.
                    let body = body.clone();
                    untrack(body)
                }
            </div>
        </Show>
    }
    .into_any()
}

fn is_minimal(appearance: Option<&str>) -> bool {
    appearance.is_some_and(|a| a.split_whitespace().any(|w| w == "minimal"))
}
