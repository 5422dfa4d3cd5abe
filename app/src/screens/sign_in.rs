//! The user name and password form, shared by the home screen's sync panel
//! and the console: both keep the same person credential
//! (`credential::sign_in`), so sync on this tablet then runs as that person.
//! Only the tablet's sign-in starts a sync run ([`SignInForm`]); the console
//! ([`CredentialForm`]) is online only and never sends the outbox.

use leptos::prelude::*;

use crate::sync::credential;
use crate::sync::words::{W, w};

/// The tablet's sign-in: [`CredentialForm`], then sync is asked to run
/// (as the new person).
#[component]
pub fn SignInForm(
    lang: String,
    button_class: &'static str,
    allowed: impl Fn() -> bool + 'static,
    signed_in: impl Fn() + Copy + 'static,
) -> impl IntoView {
    view! {
        <CredentialForm lang button_class allowed signed_in=move || {
            signed_in();
            crate::sync::request();
        } />
    }
}

/// Signs in and keeps the person credential; starts nothing else.
/// `allowed` is asked first (the console confirms replacing a device's
/// enrolment); `signed_in` runs after a successful sign-in.
#[component]
pub fn CredentialForm(
    lang: String,
    button_class: &'static str,
    allowed: impl Fn() -> bool + 'static,
    signed_in: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !allowed() {
            return;
        }
        busy.set(true);
        let (user, pass) = (username.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            match credential::sign_in(user.trim(), &pass).await {
                Ok(_) => {
                    error.try_set(None);
                    password.try_set(String::new());
                    signed_in();
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="sign-in" on:submit=submit>
            <label>
                <span>{w(W::Username, &lang)}</span>
                <input type="text" name="username" autocomplete="username" required
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{w(W::Password, &lang)}</span>
                <input type="password" name="password" autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class=button_class disabled=move || busy.get()>
                {w(W::SignIn, &lang)}
            </button>
            {move || error.get().map(|e| view! { <p class="status error" role="alert">{e}</p> })}
        </form>
    }
}
