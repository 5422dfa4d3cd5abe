//! The input for each question type. Every widget writes canonical ODK
//! text through [`Session::set`] and reads the stored value back, so what
//! is shown is always what the engine holds.

mod choice;
mod geo;
mod rank;

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
        T::Integer => input(session, node, id, Kind::Number("numeric")),
        T::Decimal => input(session, node, id, Kind::Number("decimal")),
        T::Date => input(session, node, id, Kind::Picker("date")),
        T::Time => input(session, node, id, Kind::Picker("time")),
        T::DateTime => input(session, node, id, Kind::Picker("datetime-local")),
        T::Geopoint => geo::geopoint(session, node, id),
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
    /// with this on-screen keyboard.
    Number(&'static str),
    /// The browser's date or time picker (`type`). Written on `change`
    /// only: Chromium reports `""` while one segment is being retyped, and
    /// echoing that back would wipe the other segments.
    Picker(&'static str),
}

fn input(session: Session, node: NodeRef, id: &str, kind: Kind) -> AnyView {
    let (input_type, inputmode, dir) = match kind {
        Kind::Text => ("text", None, "auto"),
        Kind::Number(mode) => ("text", Some(mode), "ltr"),
        Kind::Picker(t) => (t, None, "ltr"),
    };
    let live = !matches!(kind, Kind::Picker(_));
    view! {
        <input
            id=id.to_owned()
            type=input_type
            inputmode=inputmode
            dir=dir
            autocomplete="off"
            aria-describedby={
                let described = format!("{id}-issue");
                // Only while the problem element exists.
                move || session.issue(node).is_some().then(|| described.clone())
            }
            aria-invalid=move || session.issue(node).is_some().to_string()
            prop:value=move || session.value(node)
            disabled=move || session.read_only(node)
            on:input=move |ev| {
                if live {
                    session.set(node, &event_target_value(&ev));
                }
            }
            on:change=move |ev| {
                if !live {
                    session.set(node, &event_target_value(&ev));
                }
                session.touch(node);
            }
        />
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
            <span>"OK"</span>
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
