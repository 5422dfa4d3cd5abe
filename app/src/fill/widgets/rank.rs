//! rank: the choices in the order the respondent gives, moved with buttons
//! (drag and drop is unreliable on cheap touch screens). Stored as the
//! choice names in order, space separated; unanswered until first moved.

use fieldform_engine::state::NodeRef;
use leptos::prelude::*;

use crate::fill::session::Session;
use crate::i18n::{Msg, t};

pub fn rank(session: Session, node: NodeRef, id: &str) -> AnyView {
    // The current order: the stored one, then any choice it lacks.
    let order = move || {
        let choices = session.choices(node);
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
    let shift = move |index: usize, up: bool| {
        let mut names: Vec<String> = untrack(order).into_iter().map(|(n, _)| n).collect();
        let other = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1)
        };
        if let Some(j) = other.filter(|&j| j < names.len()) {
            names.swap(index, j);
            session.set(node, &names.join(" "));
            session.touch(node);
        }
    };
    view! {
        <ol class="rank" id=id.to_owned()>
            {move || {
                let lang = session.lang();
                let list = order();
                let last = list.len().saturating_sub(1);
                list.into_iter()
                    .enumerate()
                    .map(|(i, (_, label))| {
                        view! {
                            <li class="rank-item">
                                <span>{label}</span>
                                <button type="button" class="move-up" disabled=i == 0
                                    aria-label=t(Msg::MoveUp, &lang) on:click=move |_| shift(i, true)>"↑"</button>
                                <button type="button" class="move-down" disabled=i == last
                                    aria-label=t(Msg::MoveDown, &lang) on:click=move |_| shift(i, false)>"↓"</button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
    .into_any()
}
