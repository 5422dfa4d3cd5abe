//! The list of forms available on this device.

use leptos::prelude::*;

use crate::api::{self, CatalogEntry};
use crate::route::Route;

/// Fetches the catalog and shows it.
#[component]
pub fn Catalog() -> impl IntoView {
    let catalog = LocalResource::new(api::fetch_catalog);
    view! {
        <section class="catalog">
            <h2>"Forms"</h2>
            <Suspense fallback=|| view! { <p class="status">"Loading forms…"</p> }>
                {move || {
                    catalog.get().map(|result| match result {
                        Ok(entries) => view! { <FormList entries /> }.into_any(),
                        Err(error) => view! {
                            <p class="status error" role="alert">{error.to_string()}</p>
                        }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The forms as a list; pure rendering, so it can be tested without a server.
#[component]
pub fn FormList(entries: Vec<CatalogEntry>) -> impl IntoView {
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
                    let href = Route::Fill {
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
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
