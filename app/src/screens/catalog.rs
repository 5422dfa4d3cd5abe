//! The list of forms this device can fill in.

use leptos::prelude::*;

use crate::api::CatalogEntry;
use crate::i18n::{Msg, t};
use crate::route::Route;

/// The forms as a list; pure rendering, so it can be tested without a server.
#[component]
pub fn FormList(
    entries: Vec<CatalogEntry>,
    /// `(id, version)` of the versions kept on the device.
    #[prop(optional)]
    on_device: Vec<(String, String)>,
) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="status">"No forms are published yet."</p> }.into_any();
    }
    view! {
        <ul class="form-list">
            {entries
                .into_iter()
                .map(|entry| {
                    // In the language the form would open in.
                    let lang = crate::preferences::initial_language(
                        &entry.id,
                        &entry.languages,
                        &entry.default_language,
                    );
                    let title = entry.title_in(&lang).to_owned();
                    let kept = on_device
                        .iter()
                        .any(|(id, v)| *id == entry.id && *v == entry.version);
                    let offline = kept.then(|| {
                        view! { <span class="form-offline">"✓ " {t(Msg::AvailableOffline, &lang)}</span> }
                    });
                    let href = Route::NewResponse {
                        form: entry.id.clone(),
                        version: entry.version.clone(),
                    }
                    .href();
                    let languages = entry
                        .languages
                        .iter()
                        .map(|l| l.name.clone())
                        .collect::<Vec<_>>()
                        .join(" · ");
                    view! {
                        <li class="form-entry" data-form-id=entry.id.clone()>
                            <a class="form-title" href=href>{title}</a>
                            <span class="form-version">"v" {entry.version}</span>
                            <span class="form-languages">{languages}</span>
                            {offline}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
