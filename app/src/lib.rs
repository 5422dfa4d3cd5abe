//! Fieldform's client-side app (leptos, CSR): the forms and responses on
//! the device, and filling one in, rendered by the engine compiled to
//! WebAssembly and kept in IndexedDB as it is typed.

pub mod api;
pub mod device;
pub mod env;
pub mod fill;
pub mod i18n;
pub mod library;
pub mod markup;
pub mod offline;
pub mod preferences;
pub mod route;
pub mod screens;
pub mod store;

use leptos::prelude::*;

use route::{Route, use_route};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let route = use_route();
    view! {
        <header class="topbar">
            <h1><a href="#/">"Fieldform"</a></h1>
            <device::update::UpdateBanner />
        </header>
        <main>
            {move || match route.get() {
                Route::Home => view! { <screens::home::Home /> }.into_any(),
                Route::NewResponse { form, version } => {
                    view! { <fill::NewResponse form version /> }.into_any()
                }
                Route::Response { instance_id } => {
                    view! { <fill::OpenResponse instance_id /> }.into_any()
                }
            }}
        </main>
    }
}
