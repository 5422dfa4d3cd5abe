//! rank: the choices in the order the respondent gives, moved with buttons
//! (drag and drop is unreliable on cheap touch screens). Stored as the
//! choice names in order, space separated; unanswered until an item is
//! moved or the order shown is accepted as it is.

use fieldform_engine::state::NodeRef;
use leptos::prelude::*;

use super::order::Order;
use crate::fill::session::Session;
use crate::i18n::{Msg, t};

pub fn rank(session: Session, node: NodeRef, id: &str) -> AnyView {
    // `randomize`: the order first shown, before any answer.
    let shown = Order::of(&session.form(), node.field);
    // The current order: the stored one, then any choice it lacks.
    let order = move || {
        let mut choices = session.choices(node);
        if shown != Order::AsListed {
            if let Some(seed) = session.with(|s| shown.seed_node(s, node)) {
                session.track(seed);
            }
            choices = session.with(|s| shown.arrange(s, node, choices));
        }
        let value = session.value(node);
        let mut out: Vec<(String, String)> = value
            .split_whitespace()
            .filter_map(|v| choices.iter().find(|(n, _)| n == v).cloned())
            .collect();
        for c in &choices {
            if !out.iter().any(|(n, _)| n == &c.0) {
                out.push(c.clone());
            }
        }
        out
    };
    let names = move || -> Vec<String> { untrack(order).into_iter().map(|(n, _)| n).collect() };
    // By name, not position: the item keeps its buttons (and the keyboard
    // focus) as it moves.
    let shift = move |name: &str, up: bool| {
        let mut names = names();
        let Some(i) = names.iter().position(|n| n == name) else {
            return;
        };
        let other = if up { i.checked_sub(1) } else { Some(i + 1) };
        if let Some(j) = other.filter(|&j| j < names.len()) {
            names.swap(i, j);
            session.set(node, &names.join(" "));
            session.touch(node);
        }
    };
    let keep = move |_| {
        session.set(node, &names().join(" "));
        session.touch(node);
    };
    let last = move || order().last().map(|(n, _)| n.clone());
    let first = move || order().first().map(|(n, _)| n.clone());
    view! {
        <ol class="rank" id=id.to_owned()>
            <For each=order key=|item| item.clone() let((name, label))>
                {
                    let (up_name, down_name) = (name.clone(), name.clone());
                    let (is_first, is_last) = (name.clone(), name.clone());
                    view! {
                        <li class="rank-item" data-value=name.clone()>
                            <span>{label}</span>
                            <button type="button" class="move-up"
                                disabled=move || first().as_deref() == Some(is_first.as_str())
                                aria-label=move || t(Msg::MoveUp, &session.lang())
                                on:click=move |_| shift(&up_name, true)>"↑"</button>
                            <button type="button" class="move-down"
                                disabled=move || last().as_deref() == Some(is_last.as_str())
                                aria-label=move || t(Msg::MoveDown, &session.lang())
                                on:click=move |_| shift(&down_name, false)>"↓"</button>
                        </li>
                    }
                }
            </For>
        </ol>
        {move || {
            (session.value(node).is_empty() && !session.read_only(node)).then(|| view! {
                <button type="button" class="keep-order" on:click=keep>
                    {t(Msg::KeepOrder, &session.lang())}
                </button>
            })
        }}
    }
    .into_any()
}
