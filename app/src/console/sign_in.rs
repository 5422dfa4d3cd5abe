//! Signing in to the console: the same person credential an enumerator's
//! sign-in keeps (`credential::sign_in`), so sync on this tablet then
//! runs as this person too; but the console itself starts no sync run
//! (`CredentialForm`, not the tablet's `SignInForm`): it is online only
//! and never sends the outbox (tests/e2e/console_sign_in.test.mjs).

use leptos::prelude::*;

use super::Ctx;
use super::words::{C, c};
use crate::sync::credential::{self, Kind};

#[component]
pub(super) fn SignIn(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang.clone();
    let (account, ended) = (ctx.account, ctx.ended);
    let replaces = c(C::ReplacesDevice, &lang);
    // A device token is shown once: replacing it needs a yes.
    let allowed = move || {
        let enrolled =
            credential::current().is_some_and(|c| c.kind == Kind::Device && c.refused.is_none());
        !enrolled || crate::screens::confirmed(replaces)
    };
    let signed_in = move || {
        ended.try_set(false);
        account.try_update(|n| *n += 1);
    };
    let ended_lang = lang.clone();
    view! {
        <section class="console-sign-in">
            <h3>{c(C::SignInHeading, &lang)}</h3>
            {move || ended.get().then(|| view! {
                <p class="status offline" role="status">{c(C::SessionEnded, &ended_lang)}</p>
            })}
            <crate::screens::sign_in::CredentialForm
                lang=lang.clone()
                button_class="primary sign-in-button"
                allowed=allowed
                signed_in=signed_in
            />
        </section>
    }
}
