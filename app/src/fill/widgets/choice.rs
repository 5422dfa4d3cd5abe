//! select_one and select_multiple: radio buttons or check boxes; a drop-down
//! for `minimal`; a search box over the list for `autocomplete`/`search`
//! and for long lists (a country list cannot be scrolled through on a
//! phone). `or_other` adds "Other" with the value `other`.

use std::collections::HashMap;
use std::sync::Arc;

use fieldform_engine::state::NodeRef;
use leptos::prelude::*;

use super::order::Order;
use super::search;

use crate::fill::session::Session;
use crate::i18n::{Msg, t};

/// Longer lists get a search box even without an appearance asking for one.
const SEARCH_FROM: usize = 15;

pub fn choices(
    session: Session,
    node: NodeRef,
    id: &str,
    multiple: bool,
    or_other: bool,
    appearance: &str,
) -> AnyView {
    let words: Vec<&str> = appearance.split_whitespace().collect();
    let order = Order::of(&session.form(), node.field);
    let options = move || {
        let mut list = session.choices(node);
        if order != Order::AsListed {
            // A seed field's change reorders the list.
            if let Some(seed) = session.with(|s| order.seed_node(s, node)) {
                session.track(seed);
            }
            list = session.with(|s| order.arrange(s, node, list));
        }
        if or_other {
            list.push((
                "other".to_owned(),
                t(Msg::Other, &session.lang()).to_owned(),
            ));
        }
        // A selection the choice filter no longer offers stays visible (and
        // flagged by validation) so the enumerator can see and undo it; it
        // is never dropped behind their back.
        let value = session.value(node);
        let chosen: Vec<&str> = if multiple {
            value.split_whitespace().collect()
        } else {
            Some(value.as_str())
                .filter(|v| !v.is_empty())
                .into_iter()
                .collect()
        };
        for name in chosen {
            if !list.iter().any(|(n, _)| n == name) {
                let label = session.any_choice_label(node, name);
                let note = t(Msg::NoLongerOffered, &session.lang());
                list.push((name.to_owned(), format!("{label} ({note})")));
            }
        }
        list
    };
    if words.contains(&"minimal") && !multiple {
        return drop_down(session, node, id, options);
    }
    let searchable = words.iter().any(|w| *w == "autocomplete" || *w == "search")
        || untrack(options).len() >= SEARCH_FROM;
    let query = RwSignal::new(String::new());
    let selected = move |name: &str| {
        let value = session.value(node);
        if multiple {
            value.split_whitespace().any(|v| v == name)
        } else {
            value == name
        }
    };
    // What a search looks in: the choice's name and its labels in every
    // language of the form (an Arabic interview may know a country by its
    // English name), normalised once.
    let keys: Arc<HashMap<String, String>> = Arc::new(if searchable {
        let form = session.form();
        form.choices(node.field)
            .iter()
            .map(|c| {
                let mut text = c.name.clone();
                for label in c.label.0.values() {
                    text.push('\n');
                    text.push_str(label);
                }
                (c.name.clone(), search::normalise(&text))
            })
            .collect()
    } else {
        HashMap::new()
    });
    let visible = move || {
        if !searchable {
            // A short list keeps its order: nothing moves under a finger.
            return options();
        }
        let q = search::normalise(&query.get());
        let (mut chosen, mut rest): (Vec<_>, Vec<_>) =
            options().into_iter().partition(|(name, _)| selected(name));
        // The chosen first, always shown: not scattered in a long list.
        rest.retain(|(name, label)| match keys.get(name) {
            // A label showing answers (`${name1}`) is also searched as shown.
            Some(key) if key.contains("${") => {
                search::matches(key, &q) || search::matches(&search::normalise(label), &q)
            }
            Some(key) => search::matches(key, &q),
            // `other`, whose label is the app's.
            None => search::matches(&search::normalise(&format!("{name}\n{label}")), &q),
        });
        chosen.append(&mut rest);
        chosen
    };
    let group = id.to_owned();
    let label_id = format!("{id}-label");
    let search = searchable.then(|| {
        view! {
            <input
                class="choice-search"
                type="search"
                placeholder=move || t(Msg::Search, &session.lang())
                aria-label=move || t(Msg::Search, &session.lang())
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
        }
    });
    // The answer *Clear* took away, while the question stays unanswered: a
    // slip of the finger is undone with one tap.
    let cleared: RwSignal<Option<String>> = RwSignal::new(None);
    let clear = (!multiple).then_some(move || {
        if session.read_only(node) {
            return None;
        }
        let value = session.value(node);
        if !value.is_empty() {
            return Some(
                view! {
                    <button type="button" class="clear" on:click=move |_| {
                        cleared.set(Some(session.value(node)));
                        session.set(node, "");
                        session.touch(node);
                    }>
                        {t(Msg::Clear, &session.lang())}
                    </button>
                }
                .into_any(),
            );
        }
        cleared.get().map(|previous| {
            view! {
                <p class="cleared" role="status">
                    {t(Msg::AnswerCleared, &session.lang())} " "
                    <button type="button" class="clear undo" on:click=move |_| {
                        session.set(node, &previous);
                        cleared.set(None);
                    }>
                        {t(Msg::Undo, &session.lang())}
                    </button>
                </p>
            }
            .into_any()
        })
    });
    view! {
        {search}
        <div
            class="choices"
            class:searchable=searchable
            role=if multiple { "group" } else { "radiogroup" }
            aria-labelledby=label_id
            aria-describedby={
                let described = format!("{id}-issue");
                // Only while the problem element exists.
                move || session.issue(node).is_some().then(|| described.clone())
            }
            id=id.to_owned()
        >
            <For each=visible key=|option| option.clone() let((name, label))>
                {
                    let group = group.clone();
                    let value = name.clone();
                    let name_for_check = name.clone();
                    view! {
                        <label class="choice">
                            <input
                                type=if multiple { "checkbox" } else { "radio" }
                                name=group
                                value=name.clone()
                                prop:checked=move || selected(&name_for_check)
                                disabled=move || session.read_only(node)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let text = if multiple {
                                        toggle(&session.with(|s| s.value(node).to_owned()), &value, on)
                                    } else {
                                        value.clone()
                                    };
                                    session.set(node, &text);
                                    session.touch(node);
                                }
                            />
                            <span>{label}</span>
                        </label>
                    }
                }
            </For>
        </div>
        {move || {
            // A choice filter can leave nothing to pick until earlier answers are given.
            options().is_empty().then(|| view! {
                <p class="no-choices">{t(Msg::NoChoices, &session.lang())}</p>
            })
        }}
        {clear}
    }
    .into_any()
}

fn drop_down(
    session: Session,
    node: NodeRef,
    id: &str,
    options: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
) -> AnyView {
    view! {
        <select
            id=id.to_owned()
            prop:value=move || session.value(node)
            disabled=move || session.read_only(node)
            on:change=move |ev| {
                session.set(node, &event_target_value(&ev));
                session.touch(node);
            }
        >
            <option value="">{move || t(Msg::Choose, &session.lang())}</option>
            {move || {
                let value = session.value(node);
                options()
                    .into_iter()
                    .map(|(name, label)| {
                        let chosen = name == value;
                        // The property, not the attribute: browsers ignore
                        // the attribute on options already chosen once.
                        view! { <option value=name prop:selected=chosen>{label}</option> }
                    })
                    .collect_view()
            }}
        </select>
    }
    .into_any()
}

/// A select_multiple value with `name` added or taken out, order kept.
pub(crate) fn toggle(value: &str, name: &str, on: bool) -> String {
    let present = value.split_whitespace().any(|v| v == name);
    let mut items: Vec<&str> = value.split_whitespace().filter(|v| *v != name).collect();
    if on && present {
        return value.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    if on {
        items.push(name);
    }
    items.join(" ")
}

#[cfg(test)]
mod tests {
    use super::toggle;

    #[test]
    fn toggling_keeps_order_and_never_duplicates() {
        assert_eq!(toggle("", "a", true), "a");
        assert_eq!(toggle("a b", "c", true), "a b c");
        assert_eq!(toggle("a b", "a", true), "a b");
        assert_eq!(toggle("a b c", "b", false), "a c");
        assert_eq!(toggle("a", "z", false), "a");
    }
}
