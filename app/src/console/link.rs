//! The enumerator app's way into the console (a link to its own document,
//! `/console/`, so the console's code is never part of what a tablet
//! downloads), shown while the signed-in person is a coordinator or an
//! admin. The role is asked of the server once per session token
//! (`/api/me`), again only when the token changes.

use std::cell::RefCell;

use leptos::prelude::*;

use super::words::{C, c};
use crate::route::{CONSOLE_PATH, use_route};
use crate::sync::credential::{self, Kind};

/// Bumped when someone signs in or out through the console.
#[derive(Debug, Clone, Copy)]
pub struct AccountChanges(pub RwSignal<u32>);

/// The app's [`AccountChanges`] (a fresh signal when a screen is mounted
/// alone, as in tests).
pub fn account_changes() -> RwSignal<u32> {
    use_context::<AccountChanges>().map_or_else(|| RwSignal::new(0), |a| a.0)
}

thread_local! {
    /// The token last asked about, and whether it may use the console.
    static KNOWN: RefCell<Option<(String, bool)>> = const { RefCell::new(None) };
}

/// Whether the stored person credential may use the console.
async fn may_use_console() -> bool {
    let token = match credential::current() {
        Some(c) if c.kind == Kind::Person && c.refused.is_none() => c.token,
        _ => return false,
    };
    if let Some(known) = KNOWN.with(|k| k.borrow().clone())
        && known.0 == token
    {
        return known.1;
    }
    let Ok(me) = super::who().await else {
        // Offline: keep not knowing; the next change asks again.
        return false;
    };
    let allowed = me.is_some_and(|me| me.may_use_console());
    KNOWN.with(|k| *k.borrow_mut() = Some((token, allowed)));
    allowed
}

/// See the module docs; lives as long as the page (in the header).
#[component]
pub fn ConsoleLink() -> impl IntoView {
    let lang = crate::preferences::browser_language();
    let route = use_route();
    let account = account_changes();
    let status = crate::sync::status();
    let shown = RwSignal::new(false);
    // Answers can come back out of order: only the latest asked counts.
    let asked = StoredValue::new(0u64);
    let check = move || {
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        leptos::task::spawn_local(async move {
            let allowed = may_use_console().await;
            if asked.try_get_value() == Some(ticket) {
                shown.try_set(allowed);
            }
        });
    };
    Effect::new(move |_| {
        route.track();
        account.track();
        // A sign-in on the home screen is followed by a sync run.
        status.with(|s| s.activity.clone());
        check();
    });
    // The credential is not a signal: a sign-in or sign-out elsewhere
    // (the home screen's sync panel) shows as a new token, looked at
    // every 2 s without a request unless it changed.
    let seen = StoredValue::new(None::<String>);
    let tick = gloo_timers::callback::Interval::new(2_000, move || {
        let token = credential::current()
            .filter(|c| c.kind == Kind::Person && c.refused.is_none())
            .map(|c| c.token);
        if seen.try_get_value().flatten() != token {
            seen.try_set_value(token);
            check();
        }
    });
    // Browser timers are not `Send`; this one lives and dies on the page's thread.
    let tick = send_wrapper::SendWrapper::new(tick);
    on_cleanup(move || drop(tick));
    move || {
        shown
            .get()
            .then(|| view! { <a class="console-link" href=CONSOLE_PATH>{c(C::Console, &lang)}</a> })
    }
}
