//! Filling in a response that is kept on the device: the form, what is
//! saved, and the end of the interview.

use std::rc::Rc;

use leptos::prelude::*;

use super::autosave::{Autosave, SaveStatus};
use super::session::Session;
use super::{Hooks, form_body, scroll_to_top};
use crate::i18n::{Msg, t};
use crate::route::Route;
use crate::store::ResponseRecord;

/// The form with autosave; once *Finish* finds nothing left, the response
/// is finalized and the end-of-interview screen shown.
pub fn interview(
    session: Session,
    page: RwSignal<usize>,
    existing: Option<ResponseRecord>,
) -> impl IntoView {
    let autosave = Autosave::start(session, page, existing.as_ref());
    let sent_back = existing.as_ref().and_then(sent_back);
    let finalized = RwSignal::new(false);
    let on_complete: Rc<dyn Fn()> = {
        let autosave = autosave.clone();
        Rc::new(move || {
            let autosave = autosave.clone();
            leptos::task::spawn_local(async move {
                if autosave.finalize().await.is_ok() {
                    crate::sync::request();
                    finalized.set(true);
                    scroll_to_top();
                }
            });
        })
    };
    // Closing or reloading within the moment before a save: save now and
    // let the browser ask, which gives the write time to finish.
    let guard = autosave.clone();
    let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if guard.unsaved() {
            guard.flush();
            ev.prevent_default();
            ev.set_return_value("");
        }
    });
    // Not `Send`; the app has one thread.
    let leaving = send_wrapper::SendWrapper::new(autosave.clone());
    let left = crate::left_draft();
    if let Some(left) = left {
        left.set(None);
    }
    let form_for_title = session.form();
    on_cleanup(move || {
        // Leaving a draft that is (or is being) stored: the home screen
        // says where it went. Read before the answers are dropped.
        let kept = matches!(
            leaving.status().try_get_untracked(),
            Some(SaveStatus::Saved(_) | SaveStatus::Pending)
        ) && leaving.state().editable();
        if kept
            && let Some(left) = left
            && let Some((draft, name)) = session.try_draft()
        {
            let name =
                name.unwrap_or_else(|| form_for_title.form.title_in(&draft.language).to_owned());
            left.try_set(Some(crate::LeftDraft {
                instance_id: draft.instance_id,
                name,
            }));
        }
        unload.remove();
        leaving.leave();
    });
    let status = autosave.status();
    let form = session.form();
    let next = Route::NewResponse {
        form: form.form.id.clone(),
        version: form.form.version.clone(),
    }
    .href();
    let body = form_body(
        session,
        page,
        Hooks {
            on_complete: Some(on_complete),
            ask_before_leaving: false,
        },
    );
    let end = move || {
        finalized.get().then(|| {
            let lang = session.lang();
            let name = session.instance_name().unwrap_or_else(|| {
                session.with(|s| s.form().form.title_in(&lang).to_owned())
            });
            let dir = if session.language().is_some_and(|l| l.rtl) { "rtl" } else { "ltr" };
            view! {
                <section class="finalized" role="status" aria-live="polite" lang=lang.clone() dir=dir>
                    <h2>{t(Msg::Finalized, &lang)}</h2>
                    <p class="instance-name">{name}</p>
                    <p>{t(Msg::WaitingToSend, &lang)}</p>
                    <p class="end-actions">
                        <a class="next-response button" href=next.clone()>{t(Msg::StartNext, &lang)}</a>
                        <a class="home button" href="#/">{t(Msg::Home, &lang)}</a>
                    </p>
                </section>
            }
        })
    };
    view! {
        {end}
        <div class="interview" class:hidden=move || finalized.get()
            lang=move || session.lang()
            dir=move || if session.language().is_some_and(|l| l.rtl) { "rtl" } else { "ltr" }>
            {sent_back.map(|banner| banner(session, page))}
            {body}
            <SaveIndicator status lang=Signal::derive(move || session.lang()) />
        </div>
    }
}

/// For a response the server or a reviewer sent back: why, question by
/// question, above the form (each reason links to its question).
fn sent_back(
    record: &ResponseRecord,
) -> Option<impl FnOnce(Session, RwSignal<usize>) -> AnyView + use<>> {
    use crate::sync::words::{W, w};
    if record.state != crate::store::ResponseState::NeedsCorrection {
        return None;
    }
    let refusal = record.sync.refusal.clone()?;
    Some(move |session: Session, page: RwSignal<usize>| {
        let lang = session.lang();
        let form = session.form();
        let all_pages = super::pages(&form);
        let heading = if refusal.code == "review" {
            w(W::ReviewerAsks, &lang)
        } else {
            w(W::ServerRefused, &lang)
        };
        let reasons = refusal
            .fields
            .iter()
            .map(|reason| {
                let path = reason.field.trim_start_matches("answers.").to_owned();
                let node = session.with(|s| s.node(&path).ok());
                // Its own problem shows on the question too, where the
                // device's checks agree with the server's.
                if let Some(node) = node {
                    session.touch(node);
                }
                let label = node.map_or_else(|| path.clone(), |n| session.with(|s| s.label(n)));
                let target = node.map(|n| (n, super::page_of(&form, &all_pages, n)));
                let jump = target.map(|(node, on_page)| {
                    view! {
                        <button type="button" class="link sent-back-jump" on:click=move |_| {
                            if let Some(p) = on_page {
                                page.set(p);
                            }
                            super::focus(node);
                        }>{label.clone()}</button>
                    }
                });
                let plain = target
                    .is_none()
                    .then(|| view! { <strong>{label.clone()}</strong> });
                view! {
                    <li data-field=path>
                        {jump} {plain} ": " {reason.message.clone()}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="sent-back" role="alert">
                <h2>{heading}</h2>
                <p class="sent-back-message">{refusal.message.clone()}</p>
                <ul>{reasons}</ul>
            </section>
        }
        .into_any()
    })
}

/// Says whether what is on screen is stored, and why not when it is not.
#[component]
fn SaveIndicator(status: RwSignal<SaveStatus>, lang: Signal<String>) -> impl IntoView {
    let state = move || match status.get() {
        SaveStatus::Idle => "idle",
        SaveStatus::Pending => "pending",
        SaveStatus::Saved(_) => "saved",
        SaveStatus::Failed(_) => "failed",
    };
    view! {
        <p class="save-status" data-state=state
            role=move || if matches!(status.get(), SaveStatus::Failed(_)) { "alert" } else { "status" }>
            {move || {
                let lang = lang.get();
                match status.get() {
                    SaveStatus::Idle => String::new(),
                    SaveStatus::Pending => t(Msg::Saving, &lang).to_owned(),
                    SaveStatus::Saved(at) => format!("{} {}", t(Msg::SavedOnDevice, &lang), clock(at)),
                    SaveStatus::Failed(e) => format!("{} {e}", t(Msg::NotSaved, &lang)),
                }
            }}
        </p>
    }
}

/// `14:05` in the device's time zone.
pub fn clock(millis: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}
