//! The home screen's account of sync: who this tablet is to the server,
//! what waits to be sent, what is being sent ("Sending 12 of 40"), the
//! last successful sync and, if it is stuck, why in plain words; with
//! *Send now*, and signing in when the tablet has no credential.

use leptos::prelude::*;

use crate::fill::interview::clock;
use crate::store::{self, ResponseState};
use crate::sync::credential::{self, Credential};
use crate::sync::words::{W, w};
use crate::sync::{self, Activity, Problem};

/// See the module docs. `refresh`: bumped when the home screen changed
/// stored responses itself.
#[component]
pub fn SyncPanel(lang: String, #[prop(into)] refresh: Signal<u32>) -> impl IntoView {
    let status = sync::status();
    // Bumped after signing in or out (the credential is not a signal).
    let signed = RwSignal::new(0u32);
    // A memo, so that the sign-in form is rebuilt only when the credential
    // itself changes, not at every status change (that emptied the fields
    // and took the focus while someone typed).
    let credential = Memo::new(move |_| {
        signed.track();
        status.with(|s| s.problem.clone());
        credential::current()
    });
    let synced = RwSignal::new(0u32);
    super::home::follow_sync(synced);
    let queued = LocalResource::new(move || {
        let _ = refresh.try_get();
        synced.track();
        async move {
            match store::db().await {
                Ok(db) => db
                    .count_in(ResponseState::Finalized)
                    .await
                    .map_or(0, |n| n as usize),
                Err(_) => 0,
            }
        }
    });

    let who_lang = lang.clone();
    let who = move || {
        let lang = who_lang.clone();
        match credential.try_get().flatten() {
            Some(Credential {
                name,
                refused: None,
                ..
            }) => {
                let confirm = w(W::ConfirmDisconnect, &lang);
                let disconnect = move |_| {
                    if !super::confirmed(confirm) {
                        return;
                    }
                    leptos::task::spawn_local(async move {
                        let _kept = credential::forget().await;
                        signed.try_update(|n| *n += 1);
                        sync::request();
                    });
                };
                view! {
                    <p class="sync-who">{w(W::ConnectedAs, &lang)} " " <strong>{name}</strong></p>
                    <button type="button" class="disconnect" on:click=disconnect>
                        {w(W::Disconnect, &lang)}
                    </button>
                }
                .into_any()
            }
            _ => view! {
                <super::sign_in::SignInForm
                    lang=lang.clone()
                    button_class="sign-in-button"
                    allowed=|| true
                    signed_in=move || {
                        signed.try_update(|n| *n += 1);
                    }
                />
            }
            .into_any(),
        }
    };

    let state_lang = lang.clone();
    let state = move || {
        let lang = state_lang.clone();
        let s = status.get();
        let waiting = match s.activity {
            Activity::Sending { .. } => s.queued,
            _ => queued.get().unwrap_or(0),
        };
        let activity = match s.activity {
            Activity::Idle if waiting == 0 => w(W::NothingQueued, &lang).to_owned(),
            Activity::Idle => w(W::Queued, &lang).replace("{n}", &waiting.to_string()),
            Activity::Checking => w(W::Checking, &lang).to_owned(),
            Activity::Sending { done, total } => w(W::Sending, &lang)
                .replace("{done}", &done.to_string())
                .replace("{total}", &total.to_string()),
        };
        let last = match s.last_success {
            Some(at) => format!("{} {}", w(W::LastSuccess, &lang), day_and_time(at)),
            None => w(W::NeverSynced, &lang).to_owned(),
        };
        let problem = s.problem.as_ref().map(|p| {
            let (words, detail) = problem_words(p, &lang);
            let next = s
                .next_try
                .map(|at| format!(" {} {}.", w(W::NextTry, &lang), clock(at)))
                .unwrap_or_default();
            view! {
                <p class="sync-problem" role="alert" data-problem=problem_key(p)>
                    {words} {next}
                    {(!detail.is_empty()).then(|| view! { <span class="detail">{detail.clone()}</span> })}
                </p>
            }
        });
        view! {
            <p class="sync-activity" role="status" data-queued=waiting>{activity}</p>
            <p class="sync-last">{last}</p>
            {problem}
        }
    };

    let send_lang = lang.clone();
    view! {
        <section class="sync">
            <h2>{w(W::Heading, &lang)}</h2>
            {state}
            {who}
            <button type="button" class="send-now" on:click=move |_| sync::request()>
                {w(W::SendNow, &send_lang)}
            </button>
        </section>
    }
}

fn problem_key(problem: &Problem) -> &'static str {
    match problem {
        Problem::Offline => "offline",
        Problem::Network(_) => "network",
        Problem::NotTheServer(_) => "not-the-server",
        Problem::Server(_) => "server",
        Problem::NotEnrolled => "not-enrolled",
        Problem::CredentialRefused(_) => "credential-refused",
        Problem::Storage(_) => "storage",
    }
}

/// The enumerator's words for `problem`, and the technical detail.
fn problem_words(problem: &Problem, lang: &str) -> (&'static str, String) {
    match problem {
        Problem::Offline => (w(W::Offline, lang), String::new()),
        Problem::Network(_) => (w(W::Unreachable, lang), String::new()),
        Problem::NotTheServer(_) => (w(W::NotTheServer, lang), String::new()),
        Problem::Server(detail) => (w(W::ServerTrouble, lang), detail.clone()),
        Problem::NotEnrolled => (w(W::NotEnrolled, lang), String::new()),
        Problem::CredentialRefused(detail) => (w(W::CredentialRefused, lang), detail.clone()),
        Problem::Storage(detail) => (w(W::StorageFailed, lang), detail.clone()),
    }
}

/// `30.11 14:05`, in the device's time zone.
pub fn day_and_time(millis: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    format!(
        "{:02}.{:02} {}",
        d.get_date(),
        d.get_month() + 1,
        clock(millis)
    )
}
