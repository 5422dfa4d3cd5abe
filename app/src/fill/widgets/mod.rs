//! The input for each question type. Every widget writes canonical ODK
//! text through [`Session::set`] and reads the stored value back, so what
//! is shown is always what the engine holds.

mod choice;
mod geo;
mod numbers;
mod order;
mod rank;
mod search;
mod structure;

use fieldform_engine::model::{Question, QuestionType};
use fieldform_engine::state::NodeRef;
use leptos::prelude::*;

use super::session::Session;
use crate::i18n::{Msg, t};

/// The input for `node`, with DOM id `id`.
pub fn widget(
    session: Session,
    node: NodeRef,
    kind: QuestionType,
    question: &Question,
    id: &str,
) -> AnyView {
    let appearance = question.appearance.clone().unwrap_or_default();
    let has = |word: &str| appearance.split_whitespace().any(|w| w == word);
    use QuestionType as T;
    match kind {
        T::Note | T::Calculate => ().into_any(),
        T::Text if has("multiline") => text_area(session, node, id),
        T::Text => input(session, node, id, Kind::Text),
        T::Integer => input(
            session,
            node,
            id,
            Kind::Number {
                mode: "numeric",
                integer: true,
            },
        ),
        T::Decimal => input(
            session,
            node,
            id,
            Kind::Number {
                mode: "decimal",
                integer: false,
            },
        ),
        T::Date => input(session, node, id, Kind::Picker("date")),
        T::Time => input(session, node, id, Kind::Picker("time")),
        T::DateTime => input(session, node, id, Kind::Picker("datetime-local")),
        T::Geopoint => geo::geopoint(session, node, id, has("hide-input")),
        T::Geotrace => geo::point_list(session, node, id, false),
        T::Geoshape => geo::point_list(session, node, id, true),
        T::Range => range(session, node, id, question),
        T::Acknowledge => acknowledge(session, node, id),
        T::SelectOne | T::SelectMultiple => choice::choices(
            session,
            node,
            id,
            kind == T::SelectMultiple,
            question.or_other,
            &appearance,
        ),
        T::Rank => rank::rank(session, node, id),
        // Metadata is filled in by the runtime, never asked.
        T::Start | T::End | T::Today | T::DeviceId | T::Username | T::InstanceId => ().into_any(),
    }
}

/// What an `<input>` holds.
#[derive(Clone, Copy)]
enum Kind {
    /// Free text, in the language's direction.
    Text,
    /// Digits, left to right even in Arabic (`-5` must not read `5-`),
    /// with this on-screen keyboard; read as the language and the device
    /// write numbers ([`numbers::parse`]) and shown formatted for the
    /// language while not being edited.
    Number { mode: &'static str, integer: bool },
    /// The browser's date or time picker (`type`). Written on `change`
    /// only: Chromium reports `""` while one segment is being retyped, and
    /// echoing that back would wipe the other segments.
    Picker(&'static str),
}

fn input(session: Session, node: NodeRef, id: &str, kind: Kind) -> AnyView {
    let (input_type, inputmode, dir) = match kind {
        Kind::Text => ("text", None, "auto"),
        Kind::Number { mode, .. } => ("text", Some(mode), "ltr"),
        Kind::Picker(t) => (t, None, "ltr"),
    };
    let live = !matches!(kind, Kind::Picker(_));
    // A value that sizes or shows a roster waits for a valid, harmless
    // keystroke, or for the input to be left (see `structure`).
    let structural = live && structure::is_structural(&session.form(), node.field);
    // What is being typed, while it is; otherwise the stored value is shown.
    let editing: RwSignal<Option<String>> = RwSignal::new(None);
    let canonical = move |text: &str| match kind {
        Kind::Number { integer, .. } => {
            numbers::parse(text, &session.lang(), integer).unwrap_or_else(|| text.to_owned())
        }
        _ => text.to_owned(),
    };
    let shown = move |stored: String| match kind {
        Kind::Number { .. } => numbers::format(&stored, &session.lang()),
        _ => stored,
    };
    // Applies what the input holds when it is left; a lower count that
    // would remove filled entries asks first, and a refusal puts the
    // stored value back.
    let settle = move |el: web_sys::HtmlInputElement| {
        let text = canonical(&el.value());
        if text != session.with(|s| s.value(node).to_owned()) {
            let lang = session.lang();
            let tried = session.with(|s| structure::try_answer(s, node, &text, &lang));
            let sure = tried.filled_removed == 0 || {
                let question =
                    t(Msg::ConfirmFewer, &lang).replace("{n}", &tried.filled_removed.to_string());
                web_sys::window()
                    .and_then(|w| w.confirm_with_message(&question).ok())
                    .unwrap_or(false)
            };
            if sure {
                session.set(node, &text);
            } else {
                editing.set(None);
                el.set_value(&shown(session.with(|s| s.value(node).to_owned())));
            }
        }
        session.touch(node);
    };
    // A number that was not read as one, once the input is left.
    let refused = move || {
        let Kind::Number { integer, .. } = kind else {
            return false;
        };
        let stored = session.value(node);
        !stored.is_empty()
            && (!numbers::is_canonical(&stored) || (integer && stored.contains('.')))
            && editing.get().is_none()
    };
    let format_id = format!("{id}-format");
    let format_hint = {
        let format_id = format_id.clone();
        move || {
            let Kind::Number { integer, .. } = kind else {
                return None;
            };
            if !refused() {
                return None;
            }
            let lang = session.lang();
            let (msg, example) = if integer {
                (Msg::WholeNumberExample, "1250000")
            } else {
                (Msg::NumberExample, "12.5")
            };
            let text = t(msg, &lang).replace("{example}", &numbers::format(example, &lang));
            Some(view! { <p class="format-hint" id=format_id.clone()>{text}</p> })
        }
    };
    view! {
        <input
            id=id.to_owned()
            type=input_type
            inputmode=inputmode
            dir=dir
            autocomplete="off"
            aria-describedby={
                let described = format!("{id}-issue");
                // Only the elements that exist: the problem, the format wanted.
                move || {
                    let ids: Vec<&str> = [
                        session.issue(node).is_some().then_some(described.as_str()),
                        refused().then_some(format_id.as_str()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    (!ids.is_empty()).then(|| ids.join(" "))
                }
            }
            aria-invalid=move || session.issue(node).is_some().to_string()
            prop:value=move || match editing.get() {
                Some(text) => text,
                None => shown(session.value(node)),
            }
            disabled=move || session.read_only(node)
            on:input=move |ev| {
                if !live {
                    return;
                }
                let typed = event_target_value(&ev);
                editing.set(Some(typed.clone()));
                let text = canonical(&typed);
                if structural {
                    let lang = session.lang();
                    let tried = session.with(|s| structure::try_answer(s, node, &text, &lang));
                    if !(tried.valid && tried.filled_removed == 0) {
                        return;
                    }
                }
                session.set(node, &text);
            }
            on:keydown=move |ev| {
                if structural && ev.key() == "Enter" {
                    settle(event_target(&ev));
                }
            }
            on:change=move |ev| {
                if !live {
                    session.set(node, &event_target_value(&ev));
                    session.touch(node);
                } else if structural {
                    settle(event_target(&ev));
                } else {
                    session.touch(node);
                }
            }
            on:blur=move |ev| {
                if structural {
                    // Also when no `change` came (Enter already applied it,
                    // or the text came back to what it was): a no-op then.
                    settle(event_target(&ev));
                }
                editing.set(None);
            }
        />
        {format_hint}
    }
    .into_any()
}

fn text_area(session: Session, node: NodeRef, id: &str) -> AnyView {
    view! {
        <textarea
            id=id.to_owned()
            rows="4"
            dir="auto"
            aria-describedby={
                let described = format!("{id}-issue");
                // Only while the problem element exists.
                move || session.issue(node).is_some().then(|| described.clone())
            }
            prop:value=move || session.value(node)
            disabled=move || session.read_only(node)
            on:input=move |ev| session.set(node, &event_target_value(&ev))
            on:change=move |_| session.touch(node)
        ></textarea>
    }
    .into_any()
}

fn acknowledge(session: Session, node: NodeRef, id: &str) -> AnyView {
    view! {
        <label class="choice acknowledge">
            <input
                id=id.to_owned()
                type="checkbox"
                prop:checked=move || session.value(node) == "OK"
                disabled=move || session.read_only(node)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    session.set(node, if on { "OK" } else { "" });
                    session.touch(node);
                }
            />
            // The stored value stays ODK's `OK`; the word shown is translated.
            <span>{move || t(Msg::Acknowledged, &session.lang())}</span>
        </label>
    }
    .into_any()
}

/// A slider over the question's `start`, `end` and `step` (ODK defaults:
/// 1, 10, 1). Unanswered until moved, and says so.
fn range(session: Session, node: NodeRef, id: &str, question: &Question) -> AnyView {
    let param = |k: &str, default: &str| {
        question
            .parameters
            .get(k)
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    let (start, end, step) = (param("start", "1"), param("end", "10"), param("step", "1"));
    let shown = move || {
        let v = session.value(node);
        if v.is_empty() {
            t(Msg::NotSet, &session.lang()).to_owned()
        } else {
            v
        }
    };
    let start_value = start.clone();
    view! {
        <div class="range">
            <input
                id=id.to_owned()
                type="range"
                min=start
                max=end
                step=step
                prop:value=move || {
                    let v = session.value(node);
                    if v.is_empty() { start_value.clone() } else { v }
                }
                disabled=move || session.read_only(node)
                on:input=move |ev| session.set(node, &event_target_value(&ev))
                on:change=move |_| session.touch(node)
            />
            <output for=id.to_owned()>{shown}</output>
        </div>
    }
    .into_any()
}
