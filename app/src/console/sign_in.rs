//! Signing in to the console: the same person credential an enumerator's
//! sign-in keeps (`credential::sign_in`), so sync on this tablet then
//! runs as this person too.

use leptos::prelude::*;

use super::Ctx;
use super::words::{C, c};
use crate::sync::credential::{self, Kind};
use crate::sync::words::{W, w};

#[component]
pub(super) fn SignIn(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang.clone();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (account, ended) = (ctx.account, ctx.ended);
    let replaces = c(C::ReplacesDevice, &lang);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A device token is shown once: replacing it needs a yes.
        let enrolled =
            credential::current().is_some_and(|c| c.kind == Kind::Device && c.refused.is_none());
        if enrolled && !crate::screens::confirmed(replaces) {
            return;
        }
        busy.set(true);
        let (user, pass) = (username.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            match credential::sign_in(user.trim(), &pass).await {
                Ok(_) => {
                    ended.try_set(false);
                    account.try_update(|n| *n += 1);
                    crate::sync::request();
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };
    let ended_lang = lang.clone();
    view! {
        <section class="console-sign-in">
            <h3>{c(C::SignInHeading, &lang)}</h3>
            {move || ended.get().then(|| view! {
                <p class="status offline" role="status">{c(C::SessionEnded, &ended_lang)}</p>
            })}
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
                <button type="submit" class="primary sign-in-button" disabled=move || busy.get()>
                    {w(W::SignIn, &lang)}
                </button>
                {move || error.get().map(|e| view! { <p class="status error" role="alert">{e}</p> })}
            </form>
        </section>
    }
}
