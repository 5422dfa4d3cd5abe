//! The coordinator console, its own document (`/console/`, the binary
//! `fieldform-console`, built into `dist/console/`) so tablets never
//! download it: coordinators and admins sign in (a person credential, the
//! same one an enumerator's sign-in keeps, in the same IndexedDB: one
//! origin) and publish forms, enrol tablets and, for admins, manage
//! accounts. What the server's `/api/me` says the role is decides what is
//! shown. Online only: the service worker passes its requests through.

mod charts;
pub mod client;
mod devices;
mod export_button;
mod forms;
pub mod link;
pub mod located;
mod people;
mod preview;
pub mod qr;
mod review;
mod sign_in;
mod sub_words;
mod submission_detail;
mod submissions;
pub mod words;

use gloo_net::http::Method;
use leptos::prelude::*;

pub use link::ConsoleLink;
pub use preview::Preview;

use client::{Body, Failure, call};
use words::{C, c};

use crate::sync::credential::{self, Kind};

/// A page of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Forms,
    /// A form's submissions, or one (`submissions::Target` reads which).
    Submissions,
    Devices,
    People,
}

impl Tab {
    pub fn key(self) -> &'static str {
        match self {
            Tab::Forms => "forms",
            Tab::Submissions => "submissions",
            Tab::Devices => "devices",
            Tab::People => "people",
        }
    }
}

/// The signed-in person, as `/api/me` tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    pub username: String,
    pub role: String,
}

impl Me {
    pub fn may_use_console(&self) -> bool {
        matches!(self.role.as_str(), "coordinator" | "admin")
    }
}

/// Who the stored person credential is (`Ok(None)`: nobody is signed in,
/// or the session ended).
pub async fn who() -> Result<Option<Me>, Failure> {
    if credential::current().is_none() {
        credential::load().await;
    }
    let signed_in =
        credential::current().is_some_and(|c| c.kind == Kind::Person && c.refused.is_none());
    if !signed_in {
        return Ok(None);
    }
    match call(Method::GET, "/api/me", Body::None).await {
        Ok(me) => Ok(me["user"]["username"].as_str().map(|name| Me {
            username: name.to_owned(),
            role: me["user"]["role"].as_str().unwrap_or_default().to_owned(),
        })),
        Err(Failure::SignedOut) => Ok(None),
        Err(other) => Err(other),
    }
}

/// What every console page shares.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub lang: String,
    /// Bumped on sign-in and sign-out: who is signed in is read again.
    pub account: RwSignal<u32>,
    /// A request found the session gone.
    pub ended: RwSignal<bool>,
}

impl Ctx {
    /// Shows `failure` in the console's words; a lost session goes back
    /// to signing in.
    pub fn failure(&self, failure: &Failure) -> String {
        let lang = &self.lang;
        match failure {
            Failure::SignedOut => {
                self.ended.try_set(true);
                self.account.try_update(|n| *n += 1);
                c(C::SessionEnded, lang).to_owned()
            }
            Failure::Network(detail) => format!("{} ({detail})", c(C::Unreachable, lang)),
            Failure::Refused { .. } => format!("{} {}", c(C::Refused, lang), failure.message()),
            Failure::Unexpected(detail) => format!("{} {detail}", c(C::Refused, lang)),
        }
    }
}

/// The console on `tab`.
#[component]
pub fn Console(tab: Tab) -> impl IntoView {
    let lang = crate::preferences::browser_language();
    crate::set_document_language(&lang, crate::is_rtl(&lang));
    let account = link::account_changes();
    let ctx = Ctx {
        lang: lang.clone(),
        account,
        ended: RwSignal::new(false),
    };
    // None while asking the server.
    let me: RwSignal<Option<Result<Option<Me>, String>>> = RwSignal::new(None);
    let ask_ctx = ctx.clone();
    Effect::new(move |_| {
        account.track();
        me.set(None);
        let ctx = ask_ctx.clone();
        leptos::task::spawn_local(async move {
            let answer = who().await.map_err(|f| ctx.failure(&f));
            me.try_set(Some(answer));
        });
    });

    let body_ctx = ctx.clone();
    let body = move || {
        let ctx = body_ctx.clone();
        let lang = ctx.lang.clone();
        match me.get() {
            None => view! { <p class="status" role="status">{c(C::Loading, &lang)}</p> }.into_any(),
            Some(Err(message)) => {
                view! { <p class="status error" role="alert">{message}</p> }.into_any()
            }
            Some(Ok(None)) => view! { <sign_in::SignIn ctx /> }.into_any(),
            Some(Ok(Some(me))) if !me.may_use_console() => view! {
                <p class="status error" role="alert">{c(C::NotAllowed, &lang)}</p>
                <Account ctx=ctx.clone() me />
            }
            .into_any(),
            Some(Ok(Some(me))) => {
                let admin = me.role == "admin";
                let page = match tab {
                    Tab::Forms => view! { <forms::FormsPage ctx=ctx.clone() /> }.into_any(),
                    Tab::Devices => view! { <devices::DevicesPage ctx=ctx.clone() /> }.into_any(),
                    Tab::Submissions => {
                        view! { <submissions::SubmissionsPage ctx=ctx.clone() /> }.into_any()
                    }
                    Tab::People if admin => {
                        view! { <people::PeoplePage ctx=ctx.clone() me=me.username.clone() /> }
                            .into_any()
                    }
                    Tab::People => view! {
                        <p class="status error" role="alert">{c(C::NotAllowed, &lang)}</p>
                    }
                    .into_any(),
                };
                view! {
                    <Account ctx=ctx.clone() me />
                    <Nav tab admin lang=lang.clone() />
                    {page}
                }
                .into_any()
            }
        }
    };
    view! {
        <div class="console" data-tab=tab.key()>
            <h2 class="console-title">{c(C::Console, &lang)}</h2>
            {body}
        </div>
    }
}

/// The console's pages; People only for admins.
#[component]
fn Nav(tab: Tab, admin: bool, lang: String) -> impl IntoView {
    let mut tabs = vec![
        (Tab::Forms, c(C::Forms, &lang)),
        (
            Tab::Submissions,
            sub_words::s(sub_words::S::Submissions, &lang),
        ),
        (Tab::Devices, c(C::Devices, &lang)),
    ];
    if admin {
        tabs.push((Tab::People, c(C::People, &lang)));
    }
    let links = tabs
        .into_iter()
        .map(|(t, word)| {
            let href = crate::route::ConsoleRoute::Tab(t).href();
            let current = (t == tab).then_some("page");
            view! {
                <a class="console-tab" href=href aria-current=current data-tab=t.key()>
                    {word}
                </a>
            }
        })
        .collect_view();
    view! { <nav class="console-nav" aria-label=c(C::Console, &lang)>{links}</nav> }
}

/// Who is signed in, and signing out (the session ends on the server too).
#[component]
fn Account(ctx: Ctx, me: Me) -> impl IntoView {
    let lang = ctx.lang.clone();
    let account = ctx.account;
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _kept = credential::forget().await;
            account.try_update(|n| *n += 1);
        });
    };
    view! {
        <div class="console-account">
            <p>
                {c(C::SignedInAs, &lang)} " " <strong class="console-username">{me.username}</strong>
                " (" {role_word(&me.role, &lang)} ")"
            </p>
            <button type="button" class="sign-out" on:click=sign_out>{c(C::SignOut, &lang)}</button>
        </div>
    }
}

/// A role's name in `lang`.
pub(crate) fn role_word(role: &str, lang: &str) -> &'static str {
    match role {
        "admin" => c(C::Admin, lang),
        "coordinator" => c(C::Coordinator, lang),
        _ => c(C::Enumerator, lang),
    }
}

/// `30.11.2026 14:05`, in the device's time zone.
pub(crate) fn date_time(millis: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    format!(
        "{:02}.{:02}.{} {}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        crate::fill::interview::clock(millis)
    )
}
