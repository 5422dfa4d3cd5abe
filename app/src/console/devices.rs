//! The console's devices: enrol a tablet (a device token for some forms,
//! with a label), shown once as a link and a QR code to scan; every
//! device with its forms, when it was created, when it last sent a
//! response and how many it sent (when the server reports them), and
//! revoking.

use gloo_net::http::Method;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::client::{Body, call, encode};
use super::qr::QrSvg;
use super::words::{C, c};
use super::{Ctx, date_time};
use crate::api::CatalogEntry;

/// A device token as `GET /api/device-tokens` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Device {
    id: i64,
    label: String,
    forms: Vec<String>,
    created_by: String,
    created_at: f64,
    revoked_at: Option<f64>,
    /// When the server last received a response from it (Unix ms).
    #[serde(default)]
    last_submission_at: Option<f64>,
    /// How many responses it sent (absent from servers that do not say).
    #[serde(default)]
    submissions: Option<u64>,
}

/// A token just created: shown once.
#[derive(Debug, Clone, PartialEq)]
struct Created {
    label: String,
    link: String,
}

#[component]
pub(super) fn DevicesPage(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang.clone();
    let reload = RwSignal::new(0u32);
    let devices: RwSignal<Option<Result<Vec<Device>, String>>> = RwSignal::new(None);
    // Each form's id and title, for choosing.
    let form_ids: RwSignal<Vec<(String, String)>> = RwSignal::new(Vec::new());
    let list_ctx = ctx.clone();
    Effect::new(move |_| {
        reload.track();
        let ctx = list_ctx.clone();
        leptos::task::spawn_local(async move {
            let answer = match call(Method::GET, "/api/device-tokens", Body::None).await {
                Ok(value) => {
                    serde_json::from_value::<Vec<Device>>(value).map_err(|e| e.to_string())
                }
                Err(failure) => Err(ctx.failure(&failure)),
            };
            devices.try_set(Some(answer));
            if let Ok(value) = call(Method::GET, "/api/forms", Body::None).await
                && let Ok(entries) = serde_json::from_value::<Vec<CatalogEntry>>(value)
            {
                let lang = &ctx.lang;
                let mut forms: Vec<(String, String)> = Vec::new();
                for entry in crate::library::newest_versions(&entries) {
                    if !forms.iter().any(|(id, _)| *id == entry.id) {
                        forms.push((entry.id.clone(), entry.title_in(lang).to_owned()));
                    }
                }
                forms.sort();
                form_ids.try_set(forms);
            }
        });
    });

    let label = RwSignal::new(String::new());
    let chosen: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let created = RwSignal::new(None::<Created>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let create_ctx = ctx.clone();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let forms = chosen.get_untracked();
        let ctx = create_ctx.clone();
        if forms.is_empty() {
            error.set(Some(c(C::PickForm, &ctx.lang).to_owned()));
            return;
        }
        busy.set(true);
        error.set(None);
        let body = json!({ "label": label.get_untracked().trim(), "forms": forms });
        leptos::task::spawn_local(async move {
            match call(Method::POST, "/api/device-tokens", Body::Json(body)).await {
                Ok(reply) => {
                    created.try_set(Some(Created {
                        label: reply["device"]["label"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        link: reply["provisioning_url"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    }));
                    label.try_set(String::new());
                    chosen.try_set(Vec::new());
                    reload.try_update(|n| *n += 1);
                }
                Err(failure) => {
                    error.try_set(Some(ctx.failure(&failure)));
                }
            }
            busy.try_set(false);
        });
    };

    let choices = move || {
        form_ids
            .get()
            .into_iter()
            .map(|(id, title)| {
                let (check, toggle) = (id.clone(), id.clone());
                view! {
                    <label class="choice">
                        <input type="checkbox" name="forms" value=id.clone()
                            prop:checked=move || chosen.with(|c| c.contains(&check))
                            on:change=move |_| chosen.update(|c| {
                                match c.iter().position(|f| *f == toggle) {
                                    Some(at) => { c.remove(at); }
                                    None => c.push(toggle.clone()),
                                }
                            }) />
                        <span>{title} " " <span class="form-id">"(" {id} ")"</span></span>
                    </label>
                }
            })
            .collect_view()
    };

    let shown_lang = lang.clone();
    let shown = move || {
        let lang = shown_lang.clone();
        created.get().map(|made| {
            let qr_label = format!("{}: {}", c(C::Link, &lang), made.label);
            view! {
                <section class="enrolment" aria-labelledby="enrolment-heading">
                    <h4 id="enrolment-heading">{made.label.clone()}</h4>
                    <p>{c(C::ShownOnce, &lang)}</p>
                    <div class="qr-box"><QrSvg text=made.link.clone() label=qr_label /></div>
                    <p class="provisioning">
                        <span>{c(C::Link, &lang)} ": "</span>
                        <code class="provisioning-link">{made.link.clone()}</code>
                    </p>
                    <button type="button" class="primary done" on:click=move |_| created.set(None)>
                        {c(C::Done, &lang)}
                    </button>
                </section>
            }
        })
    };

    let list_lang = lang.clone();
    let list = move || {
        let lang = list_lang.clone();
        match devices.get() {
            None => view! { <p class="status">{c(C::Loading, &lang)}</p> }.into_any(),
            Some(Err(message)) => {
                view! { <p class="status error" role="alert">{message}</p> }.into_any()
            }
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="status">{c(C::NoDevices, &lang)}</p> }.into_any()
            }
            Some(Ok(list)) => {
                let rows = list
                    .into_iter()
                    .rev()
                    .map(|d| device_entry(d, &ctx, reload))
                    .collect_view();
                view! { <ul class="console-devices">{rows}</ul> }.into_any()
            }
        }
    };

    let error_view = move || {
        error
            .get()
            .map(|e| view! { <p class="status error" role="alert">{e}</p> })
    };
    view! {
        <section class="console-enrol">
            <h3>{c(C::NewDevice, &lang)}</h3>
            {shown}
            <form class="enrol-form" on:submit=create>
                <label class="text-field">
                    <span>{c(C::Label, &lang)}</span>
                    <input type="text" name="label" required maxlength="100"
                        prop:value=move || label.get()
                        on:input=move |ev| label.set(event_target_value(&ev)) />
                </label>
                <fieldset class="device-forms-choice">
                    <legend>{c(C::FormsForDevice, &lang)}</legend>
                    {choices}
                </fieldset>
                <button type="submit" class="primary create-token" disabled=move || busy.get()>
                    {c(C::CreateLink, &lang)}
                </button>
                {error_view}
            </form>
        </section>
        <section class="console-device-list">
            <h3>{c(C::DevicesHeading, &lang)}</h3>
            {list}
        </section>
    }
}

/// One device: what it is for, where it is at, and revoking it.
fn device_entry(device: Device, ctx: &Ctx, reload: RwSignal<u32>) -> impl IntoView {
    let lang = ctx.lang.clone();
    let state = match device.revoked_at {
        Some(at) => format!("{} {}", c(C::Revoked, &lang), date_time(at)),
        None => c(C::Active, &lang).to_owned(),
    };
    let last_sync = device
        .last_submission_at
        .map_or_else(|| c(C::Never, &lang).to_owned(), date_time);
    // Shown only when the server reports them.
    let activity = device.submissions.map(|sent| {
        view! {
            <span class="device-last-sync">{c(C::LastSync, &lang)} ": " {last_sync}</span>
            <span class="device-sent">{c(C::Sent, &lang)} ": " {sent}</span>
        }
    });
    let revoke = device.revoked_at.is_none().then(|| {
        let ctx = ctx.clone();
        let id = device.id;
        let confirm = c(C::ConfirmRevoke, &lang);
        let label = format!("{} {}", c(C::Revoke, &lang), device.label);
        view! {
            <button type="button" class="revoke" aria-label=label on:click=move |_| {
                if !crate::screens::confirmed(confirm) {
                    return;
                }
                let ctx = ctx.clone();
                leptos::task::spawn_local(async move {
                    let path = format!("/api/device-tokens/{}", encode(&id.to_string()));
                    if let Err(failure) = call(Method::DELETE, &path, Body::None).await {
                        let message = ctx.failure(&failure);
                        if let Some(window) = web_sys::window() {
                            let _closed = window.alert_with_message(&message);
                        }
                    }
                    reload.try_update(|n| *n += 1);
                });
            }>{c(C::Revoke, &lang)}</button>
        }
    });
    view! {
        <li class="console-device" data-device-id=device.id data-revoked=device.revoked_at.is_some().to_string()>
            <strong class="device-label">{device.label.clone()}</strong>
            <span class="device-forms">{c(C::Forms, &lang)} ": " {device.forms.join(", ")}</span>
            <span class="device-created">{c(C::Created, &lang)} " " {date_time(device.created_at)} " · " {device.created_by.trim_start_matches("user:").to_owned()}</span>
            <span class=if device.revoked_at.is_some() { "device-state revoked" } else { "device-state active" }>{state}</span>
            {activity}
            {revoke}
        </li>
    }
}
