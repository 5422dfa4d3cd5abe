//! New versions without interrupting an interview. A new service worker
//! installs in the background and then waits (`public/sw.js` no longer
//! skips waiting); the banner tells the enumerator, and only their click
//! activates it and reloads. Nothing reloads by itself: a reload in the
//! middle of an interview would lose the answers being typed.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

use super::{listen, on_settled};
use crate::i18n::{Msg, t};

/// How often a page left open asks the server for a new version: a tablet
/// can stay on one screen all day.
const CHECK_EVERY_MS: i32 = 30 * 60 * 1000;

/// After the click, how long to wait for the new worker to take over
/// before reloading anyway (the enumerator asked for a reload).
const TAKEOVER_TIMEOUT_MS: i32 = 10_000;

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    static READY: ArcRwSignal<bool> = ArcRwSignal::new(false);
    static ACTIVATING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a new version is installed and waiting (reactive).
pub fn update_ready() -> bool {
    READY.with(|ready| ready.get())
}

fn set_ready() {
    READY.with(|ready| ready.set(true));
}

/// Registers `/sw.js` and watches it for new versions. A browser without
/// service workers still runs the app online; a failed registration shows
/// up in the console.
pub fn register_service_worker() {
    // `serviceWorker` is missing on insecure origins other than localhost.
    if !super::navigator_has("serviceWorker") {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let registering = window.navigator().service_worker().register("/sw.js");
    on_settled(&registering, |result| match result {
        Ok(registration) => watch(registration.unchecked_into()),
        Err(error) => web_sys::console::warn_2(&"Fieldform: no service worker:".into(), &error),
    });
}

/// Follows `registration`: a worker already waiting, every new one that
/// installs while a controller exists (the first install is not an update),
/// and periodic checks.
fn watch(registration: ServiceWorkerRegistration) {
    if registration.waiting().is_some() {
        set_ready();
    }
    if let Some(installing) = registration.installing() {
        follow(&installing);
    }
    let watched = registration.clone();
    listen(&registration, "updatefound", move |_| {
        if let Some(installing) = watched.installing() {
            follow(&installing);
        }
    });
    REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));

    let Some(window) = web_sys::window() else {
        return;
    };
    let tick = Closure::<dyn FnMut()>::new(check_for_update);
    let _timer = window.set_interval_with_callback_and_timeout_and_arguments_0(
        tick.as_ref().unchecked_ref(),
        CHECK_EVERY_MS,
    );
    tick.forget();
    // A tablet woken up or brought back from another app asks at once.
    if let Some(document) = window.document() {
        let doc = document.clone();
        listen(&document, "visibilitychange", move |_| {
            if !doc.hidden() {
                check_for_update();
            }
        });
    }
}

/// Shows the banner once `worker` has installed, if a page controller
/// exists (else it is the first install and activates by itself).
fn follow(worker: &ServiceWorker) {
    let watched = worker.clone();
    listen(worker, "statechange", move |_| {
        if watched.state() == ServiceWorkerState::Installed && has_controller() {
            set_ready();
        }
    });
}

fn has_controller() -> bool {
    web_sys::window().is_some_and(|w| w.navigator().service_worker().controller().is_some())
}

/// Asks the server for a new `sw.js`; offline, that fails quietly.
pub fn check_for_update() {
    let Some(registration) = REGISTRATION.with(|r| r.borrow().clone()) else {
        return;
    };
    if let Ok(checking) = registration.update() {
        on_settled(&checking, |_offline_or_updated| {});
    }
}

/// Activates the waiting worker and reloads once it controls the page.
/// A second click (say the enumerator cancelled the "leave?" question)
/// tries again.
fn activate_and_reload() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let waiting = REGISTRATION.with(|r| {
        r.borrow()
            .as_ref()
            .and_then(ServiceWorkerRegistration::waiting)
    });
    let Some(waiting) = waiting else {
        // Already active (another tab activated it): only the reload is left.
        reload();
        return;
    };
    if !ACTIVATING.with(|a| a.replace(true)) {
        listen(
            &window.navigator().service_worker(),
            "controllerchange",
            |_| reload(),
        );
        let fallback = Closure::once_into_js(reload);
        let _timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            fallback.unchecked_ref(),
            TAKEOVER_TIMEOUT_MS,
        );
    }
    let message = js_sys::Object::new();
    let _set = js_sys::Reflect::set(&message, &"type".into(), &"skip-waiting".into());
    if waiting.post_message(&message).is_err() {
        reload();
    }
}

fn reload() {
    if let Some(window) = web_sys::window() {
        // The page's own "leave with unsaved answers?" check still applies.
        let _reloading = window.location().reload();
    }
}

/// "A new version is ready" with a reload button; empty while there is no
/// new version. The live region is always there so screen readers announce
/// the message when it arrives. `lang`: the UI language (default: the
/// browser's).
#[component]
pub fn UpdateBanner(#[prop(optional, into)] lang: Option<Signal<String>>) -> impl IntoView {
    let lang = lang.unwrap_or_else(|| Signal::stored(crate::preferences::browser_language()));
    view! {
        <div class="update-banner" role="status">
            {move || {
                update_ready()
                    .then(|| {
                        let lang = lang.get();
                        view! {
                            <span class="update-text">{t(Msg::UpdateReady, &lang)}</span>
                            <button
                                type="button"
                                class="update-reload"
                                on:click=move |_| activate_and_reload()
                            >
                                {t(Msg::UpdateReload, &lang)}
                            </button>
                        }
                    })
            }}
        </div>
    }
}
