//! Installing Fieldform to the home screen. Chrome on Android offers it
//! through `beforeinstallprompt`; the app keeps that event (instead of the
//! browser's mini-infobar) and shows its own button, which says why: an
//! installed app's storage is far less likely to be cleared.
//! web-sys has no type for this event, so it is read with `Reflect`.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{get, listen, on_settled};
use crate::i18n::{Msg, t};

thread_local! {
    static PROMPT: RefCell<Option<web_sys::Event>> = const { RefCell::new(None) };
    static CAN_INSTALL: ArcRwSignal<bool> = ArcRwSignal::new(false);
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the browser has offered installation (reactive).
pub fn can_install() -> bool {
    CAN_INSTALL.with(|c| c.get())
}

/// Keeps the browser's install offer for the button. Call it at start: the
/// event can fire before the button is on screen. Calling it again does
/// nothing.
pub fn capture_install_prompt() {
    if CAPTURING.with(|c| c.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    listen(&window, "beforeinstallprompt", |event| {
        let event: web_sys::Event = event.unchecked_into();
        // Our button replaces the browser's own mini-infobar.
        event.prevent_default();
        PROMPT.with(|p| *p.borrow_mut() = Some(event));
        CAN_INSTALL.with(|c| c.set(true));
    });
    listen(&window, "appinstalled", |_| {
        PROMPT.with(|p| p.borrow_mut().take());
        CAN_INSTALL.with(|c| c.set(false));
        // Browsers grant persistence more readily to installed apps.
        super::storage::request_persistence();
    });
}

/// Running as an installed app (no browser interface around it).
pub fn is_standalone() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(display-mode: standalone), (display-mode: fullscreen), (display-mode: minimal-ui)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Shows the browser's install dialog. An offer can be shown only once;
/// the browser offers again later if the enumerator declines.
fn prompt() {
    let Some(event) = PROMPT.with(|p| p.borrow_mut().take()) else {
        return;
    };
    CAN_INSTALL.with(|c| c.set(false));
    let Ok(show) = get(&event, "prompt").dyn_into::<js_sys::Function>() else {
        return;
    };
    match show.call0(&event) {
        Ok(shown) => {
            if let Ok(shown) = shown.dyn_into::<js_sys::Promise>() {
                on_settled(&shown, |_accepted_or_declined| {});
            }
        }
        Err(error) => web_sys::console::warn_2(&"Fieldform: install prompt failed:".into(), &error),
    }
}

/// A button that installs Fieldform on the device, present only while the
/// browser offers installation and the app is not already installed.
/// `lang`: the UI language (default: the browser's).
#[component]
pub fn InstallButton(#[prop(optional, into)] lang: Option<Signal<String>>) -> impl IntoView {
    let lang = lang.unwrap_or_else(|| Signal::stored(crate::preferences::browser_language()));
    // Checked once: opening the installed app starts a new page.
    let standalone = is_standalone();
    move || {
        (can_install() && !standalone).then(|| {
            view! {
                <button type="button" class="install-app" on:click=move |_| prompt()>
                    {move || t(Msg::InstallApp, &lang.get())}
                </button>
            }
        })
    }
}
