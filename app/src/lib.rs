//! Fieldform's client-side app (leptos, CSR): the list of published forms,
//! and filling one in, rendered by the engine compiled to WebAssembly.

pub mod api;
pub mod env;
pub mod fill;
pub mod i18n;
pub mod offline;
pub mod preferences;
pub mod route;
pub mod screens;

use leptos::prelude::*;

use route::{Route, use_route};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let route = use_route();
    view! {
        <header class="topbar">
            <h1><a href="#/">"Fieldform"</a></h1>
        </header>
        <main>
            {move || match route.get() {
                Route::Catalog => view! { <screens::catalog::Catalog /> }.into_any(),
                Route::Fill { form, version } => view! { <fill::FillScreen form version /> }.into_any(),
            }}
        </main>
    }
}
