//! The console's accounts (admins only): every account with its role,
//! creating one, changing a role. An admin's own role is not offered: the
//! server refuses it, so the last admin cannot lock everyone out.

use gloo_net::http::Method;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::client::{Body, call, encode};
use super::words::{C, c};
use super::{Ctx, date_time, role_word};

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct User {
    username: String,
    role: String,
    created_at: f64,
}

const ROLES: [&str; 3] = ["enumerator", "coordinator", "admin"];

#[component]
pub(super) fn PeoplePage(ctx: Ctx, me: String) -> impl IntoView {
    let lang = ctx.lang.clone();
    let reload = RwSignal::new(0u32);
    let users: RwSignal<Option<Result<Vec<User>, String>>> = RwSignal::new(None);
    let notice = RwSignal::new(None::<Result<String, String>>);
    let list_ctx = ctx.clone();
    Effect::new(move |_| {
        reload.track();
        let ctx = list_ctx.clone();
        leptos::task::spawn_local(async move {
            let answer = match call(Method::GET, "/api/users", Body::None).await {
                Ok(value) => serde_json::from_value::<Vec<User>>(value).map_err(|e| e.to_string()),
                Err(failure) => Err(ctx.failure(&failure)),
            };
            users.try_set(Some(answer));
        });
    });

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("enumerator".to_owned());
    let busy = RwSignal::new(false);
    let create_ctx = ctx.clone();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let ctx = create_ctx.clone();
        let body = json!({
            "username": username.get_untracked().trim(),
            "password": password.get_untracked(),
            "role": role.get_untracked(),
        });
        leptos::task::spawn_local(async move {
            let shown = match call(Method::POST, "/api/users", Body::Json(body)).await {
                Ok(user) => {
                    username.try_set(String::new());
                    password.try_set(String::new());
                    reload.try_update(|n| *n += 1);
                    Ok(format!(
                        "{} {}",
                        c(C::AccountCreated, &ctx.lang),
                        user["username"].as_str().unwrap_or_default()
                    ))
                }
                Err(failure) => Err(refusal(&ctx, &failure)),
            };
            notice.try_set(Some(shown));
            busy.try_set(false);
        });
    };

    let role_options = {
        let lang = lang.clone();
        move || {
            ROLES
                .iter()
                .map(|r| view! { <option value=*r selected=move || role.get() == *r>{role_word(r, &lang)}</option> })
                .collect_view()
        }
    };

    let list_lang = lang.clone();
    let list = move || {
        let lang = list_lang.clone();
        match users.get() {
            None => view! { <p class="status">{c(C::Loading, &lang)}</p> }.into_any(),
            Some(Err(message)) => {
                view! { <p class="status error" role="alert">{message}</p> }.into_any()
            }
            Some(Ok(list)) => {
                let rows = list
                    .into_iter()
                    .map(|u| user_entry(u, &me, &ctx, reload, notice))
                    .collect_view();
                view! { <ul class="console-users">{rows}</ul> }.into_any()
            }
        }
    };

    let notice_view = move || {
        notice.get().map(|n| match n {
            Ok(text) => view! { <p class="status published" role="status">{text}</p> }.into_any(),
            Err(text) => view! { <p class="status error" role="alert">{text}</p> }.into_any(),
        })
    };

    view! {
        <section class="console-new-user">
            <h3>{c(C::NewAccount, &lang)}</h3>
            <form class="user-form" on:submit=create>
                <label class="text-field">
                    <span>{crate::sync::words::w(crate::sync::words::W::Username, &lang)}</span>
                    <input type="text" name="new-username" required minlength="3" maxlength="64" autocomplete="off"
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev)) />
                </label>
                <label class="text-field">
                    <span>{crate::sync::words::w(crate::sync::words::W::Password, &lang)}</span>
                    <input type="password" name="new-password" required minlength="10" autocomplete="new-password"
                        aria-describedby="password-rule"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                    <small id="password-rule">{c(C::PasswordRule, &lang)}</small>
                </label>
                <label class="text-field">
                    <span>{c(C::Role, &lang)}</span>
                    <select name="new-role" on:change=move |ev| role.set(event_target_value(&ev))>
                        {role_options}
                    </select>
                </label>
                <button type="submit" class="primary create-user" disabled=move || busy.get()>
                    {c(C::CreateAccount, &lang)}
                </button>
            </form>
            {notice_view}
        </section>
        <section class="console-user-list">
            <h3>{c(C::Accounts, &lang)}</h3>
            {list}
        </section>
    }
}

/// The server's reason, with each refused field's message.
fn refusal(ctx: &Ctx, failure: &super::client::Failure) -> String {
    let mut text = ctx.failure(failure);
    if let super::client::Failure::Refused { error, .. } = failure {
        for field in error["fields"].as_array().into_iter().flatten() {
            if let (Some(name), Some(message)) =
                (field["field"].as_str(), field["message"].as_str())
            {
                text.push_str(&format!(" {name}: {message}."));
            }
        }
    }
    text
}

fn user_entry(
    user: User,
    me: &str,
    ctx: &Ctx,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let lang = ctx.lang.clone();
    let own = user.username.eq_ignore_ascii_case(me);
    let select_label = c(C::ChangeRole, &lang).replace("{user}", &user.username);
    let options = ROLES
        .iter()
        .map(|r| view! { <option value=*r selected=user.role == *r>{role_word(r, &lang)}</option> })
        .collect_view();
    let ctx = ctx.clone();
    let name = user.username.clone();
    let change = move |ev: leptos::ev::Event| {
        let role = event_target_value(&ev);
        let (ctx, name) = (ctx.clone(), name.clone());
        leptos::task::spawn_local(async move {
            let path = format!("/api/users/{}/role", encode(&name));
            let body = Body::Json(json!({ "role": role }));
            let shown = match call(Method::PUT, &path, body).await {
                Ok(user) => Ok(format!(
                    "{} {} ({})",
                    c(C::RoleChanged, &ctx.lang),
                    user["username"].as_str().unwrap_or_default(),
                    role_word(user["role"].as_str().unwrap_or_default(), &ctx.lang)
                )),
                Err(failure) => Err(refusal(&ctx, &failure)),
            };
            notice.try_set(Some(shown));
            reload.try_update(|n| *n += 1);
        });
    };
    view! {
        <li class="console-user" data-username=user.username.clone() data-role=user.role.clone()>
            <strong class="user-name">{user.username.clone()}</strong>
            <span class="user-created">{c(C::Created, &lang)} " " {date_time(user.created_at)}</span>
            <label class="user-role">
                <span class="visually-hidden">{select_label}</span>
                <select name="role" disabled=own on:change=change>{options}</select>
            </label>
        </li>
    }
}
