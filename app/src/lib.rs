//! Fieldform's client-side app (leptos, CSR): lists the published forms;
//! later renders them, autosaves to IndexedDB and syncs.

pub mod api;
pub mod offline;
pub mod screens;

use leptos::prelude::*;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="topbar">
            <h1>"Fieldform"</h1>
        </header>
        <main>
            <screens::catalog::Catalog />
        </main>
    }
}
