//! The first screen: the forms on this device (usable offline) and the
//! responses kept here, grouped by where they are in their life, with the
//! device's storage and backup.

use leptos::prelude::*;

use super::catalog::FormList;
use crate::api::CatalogEntry;
use crate::i18n::{Msg, t};
use crate::library;
use crate::route::Route;
use crate::screens::sync_panel::day_and_time as date_time;
use crate::store::{self, ResponseRecord, ResponseState};
use crate::sync::words::{W, w};

/// See the module docs.
#[component]
pub fn Home() -> impl IntoView {
    let lang = crate::preferences::browser_language();
    crate::set_document_language(&lang, crate::is_rtl(&lang));
    // Bumped after a delete or an import, to reread what is stored.
    let refresh = RwSignal::new(0u32);
    let catalog: RwSignal<Option<Vec<CatalogEntry>>> = RwSignal::new(None);
    let offline = RwSignal::new(false);
    let on_device: RwSignal<Vec<(String, String)>> = RwSignal::new(Vec::new());

    // What the device has, at once; then the server's current list.
    let load_catalog = move || {
        leptos::task::spawn_local(async move {
            if let Ok(stored) = library::stored_catalog().await
                && !stored.is_empty()
                && catalog.try_get_untracked().flatten().is_none()
            {
                catalog.set(Some(stored));
            }
            on_device.set(library::on_device().await);
            match library::refresh_catalog().await {
                Ok(fresh) => {
                    offline.set(false);
                    catalog.set(Some(fresh));
                }
                Err(_) => {
                    offline.set(true);
                    // `try_`: the screen may be gone by the time the
                    // network answers.
                    if catalog.try_get_untracked().flatten().is_none() {
                        catalog.set(Some(Vec::new()));
                    }
                }
            }
            on_device.set(library::on_device().await);
        });
    };
    load_catalog();
    // The network is back: the catalog may have changed.
    let online = window_event_listener(leptos::ev::online, move |_| load_catalog());
    on_cleanup(move || online.remove());

    follow_sync(refresh);
    let responses = LocalResource::new(move || {
        refresh.track();
        async move {
            match store::db().await {
                Ok(db) => db.responses().await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            }
        }
    });

    let forms_lang = lang.clone();
    let forms = move || {
        let lang = forms_lang.clone();
        match catalog.get() {
            None => view! { <p class="status">{t(Msg::LoadingForms, &lang)}</p> }.into_any(),
            Some(entries) => {
                let notice = offline.get().then(|| {
                    view! { <p class="status offline" role="status">{t(Msg::OfflineForms, &lang)}</p> }
                });
                let empty = entries.is_empty();
                let titles = library::newest_versions(&entries);
                view! {
                    {notice}
                    {if empty {
                        view! { <p class="status">{t(Msg::NoForms, &lang)}</p> }.into_any()
                    } else {
                        view! { <FormList entries=titles on_device=on_device.get() /> }.into_any()
                    }}
                }
                .into_any()
            }
        }
    };

    let list_lang = lang.clone();
    let list = move || {
        let lang = list_lang.clone();
        let titles = catalog.get().unwrap_or_default();
        responses.get().map(|result| match result {
            Err(message) => view! { <p class="status error" role="alert">{message}</p> }.into_any(),
            Ok(records) if records.is_empty() => {
                view! { <p class="status">{t(Msg::NoResponses, &lang)}</p> }.into_any()
            }
            Ok(records) => ResponseState::ALL
                .into_iter()
                .filter_map(|state| {
                    let group: Vec<ResponseRecord> = records
                        .iter()
                        .filter(|r| r.state == state)
                        .cloned()
                        .collect();
                    (!group.is_empty())
                        .then(|| response_group(state, group, &titles, &lang, refresh))
                })
                .collect_view()
                .into_any(),
        })
    };

    // The draft just left, if any (see `LeftDraft`).
    let left_lang = lang.clone();
    let left = move || {
        let lang = left_lang.clone();
        crate::left_draft()?.get().map(|d| {
            let href = Route::Response {
                instance_id: d.instance_id.clone(),
            }
            .href();
            view! {
                <p class="draft-left" role="status">
                    <span>{t(Msg::DraftSaved, &lang)} " " <strong>{d.name}</strong></span>
                    <a class="resume-left" href=href>{t(Msg::Resume, &lang)}</a>
                </p>
            }
        })
    };
    let storage_lang = lang.clone();
    view! {
        <div class="home">
            {left}
            <crate::screens::sync_panel::SyncPanel lang=lang.clone() refresh=Signal::derive(move || refresh.try_get().unwrap_or(0)) />
            <section class="device-forms">
                <h2>{t(Msg::FormsOnDevice, &lang)}</h2>
                {forms}
            </section>
            <section class="responses">
                <h2>{t(Msg::ResponsesOnDevice, &lang)}</h2>
                <Suspense fallback=|| ()>{list}</Suspense>
            </section>
            <section class="storage">
                <h2>{t(Msg::ThisDevice, &storage_lang)}</h2>
                <crate::device::storage::StorageStatus refresh=Signal::derive(move || refresh.try_get().unwrap_or(0)) />
                <super::backup::BackupControls refresh />
                <crate::device::install::InstallButton />
            </section>
        </div>
    }
}

/// Bumps `refresh` whenever a sync run changed stored responses (sent,
/// refused, taken back). Through an effect, which ends with the screen: a
/// resource subscribed to the page-long sync signal would outlive the
/// screen and keep rereading (and touching its disposed signals).
pub(crate) fn follow_sync(refresh: RwSignal<u32>) {
    let synced = crate::sync::responses_changed();
    Effect::new(move |first: Option<()>| {
        synced.track();
        if first.is_some() {
            refresh.try_update(|n| *n = n.wrapping_add(1));
        }
    });
}

fn response_group(
    state: ResponseState,
    records: Vec<ResponseRecord>,
    catalog: &[CatalogEntry],
    lang: &str,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let heading = match state {
        ResponseState::Draft => Msg::GroupDraft,
        ResponseState::NeedsCorrection => Msg::GroupNeedsCorrection,
        ResponseState::Finalized => Msg::GroupFinalized,
        ResponseState::Sent => Msg::GroupSent,
    };
    let count = records.len();
    let clear = (state == ResponseState::Sent).then(|| {
        let ids: Vec<String> = records.iter().map(|r| r.instance_id.clone()).collect();
        let confirm = w(W::ConfirmClearSent, lang);
        view! {
            <button type="button" class="clear-sent" on:click=move |_| {
                if super::confirmed(confirm) {
                    delete_responses(ids.clone(), refresh);
                }
            }>{w(W::ClearSent, lang)}</button>
        }
    });
    let items = records
        .into_iter()
        .map(|r| response_entry(r, catalog, lang, refresh))
        .collect_view();
    view! {
        <section class="response-group" data-state=state.key()>
            <h3>{t(heading, lang)} " " <span class="count">"(" {count} ")"</span></h3>
            <ul class="response-list">{items}</ul>
            {clear}
        </section>
    }
}

fn response_entry(
    record: ResponseRecord,
    catalog: &[CatalogEntry],
    lang: &str,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let title = catalog
        .iter()
        .find(|e| e.id == record.form_id && e.version == record.form_version)
        .map_or_else(|| record.form_id.clone(), |e| e.title_in(lang).to_owned());
    // Unnamed responses are told apart by when they were started.
    let name = record.instance_name.clone().unwrap_or_else(|| {
        format!(
            "{title}, {} {}",
            t(Msg::Started, lang),
            date_time(record.created)
        )
    });
    let href = Route::Response {
        instance_id: record.instance_id.clone(),
    }
    .href();
    let editable = record.state.editable();
    let action = if editable {
        t(Msg::Resume, lang)
    } else {
        t(Msg::View, lang)
    };
    let id = record.instance_id.clone();
    let confirm = t(Msg::ConfirmDelete, lang);
    let delete = editable.then(|| {
        let id = id.clone();
        view! {
            <button type="button" class="delete" on:click=move |_| {
                if super::confirmed(confirm) {
                    delete_responses(vec![id.clone()], refresh);
                }
            }>{t(Msg::Delete, lang)}</button>
        }
    });
    let delivery = delivery(&record, lang);
    view! {
        <li class="response-entry" data-instance-id=id data-state=record.state.key()>
            <a class=if editable { "instance-name resume" } else { "instance-name view" } href=href.clone()>{name}</a>
            <span class="response-form">{title}</span>
            <span class="updated">{t(Msg::Edited, lang)} " " {date_time(record.updated)}</span>
            {delivery}
            <span class="response-actions">
                <a class="open-response" href=href>{action}</a>
                {delete}
            </span>
        </li>
    }
}

/// Deletes `ids` from the device, then rereads the list.
fn delete_responses(ids: Vec<String>, refresh: RwSignal<u32>) {
    leptos::task::spawn_local(async move {
        if let Ok(db) = store::db().await {
            for id in &ids {
                let _failed = db.delete_response(id).await;
            }
        }
        refresh.try_update(|n| *n += 1);
    });
}

/// Where the response is on its way to the server.
fn delivery(record: &ResponseRecord, lang: &str) -> Option<impl IntoView + use<>> {
    let text = match record.state {
        ResponseState::Finalized => w(W::WaitingToSend, lang).to_owned(),
        ResponseState::Sent => {
            let receipt = record.sync.receipt.as_ref()?;
            format!(
                "{} {}",
                w(W::Received, lang),
                date_time(receipt.received_at)
            )
        }
        ResponseState::NeedsCorrection => {
            let refusal = record.sync.refusal.as_ref()?;
            format!("{} {}", w(W::SentBack, lang), refusal.message)
        }
        ResponseState::Draft => return None,
    };
    Some(view! { <span class="delivery">{text}</span> })
}
