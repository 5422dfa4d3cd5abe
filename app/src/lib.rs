//! Fieldform's client-side app (leptos, CSR): the forms and responses on
//! the device, and filling one in, rendered by the engine compiled to
//! WebAssembly and kept in IndexedDB as it is typed. Two binaries share
//! this library: `fieldform-app` mounts [`App`] (the enumerator's, what a
//! tablet downloads) and `fieldform-console` mounts [`ConsoleApp`] (the
//! coordinators'); each wasm holds only what its root names.

pub mod api;
pub mod console;
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
pub mod sync;

use leptos::prelude::*;

use route::{ConsoleRoute, Route, use_route};

/// Sets the document's `lang` and `dir` (`<html>`), so the browser, screen
/// readers and the page's own layout follow the language on screen.
pub fn set_document_language(code: &str, rtl: bool) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let _refused = root.set_attribute("lang", code);
        let _refused = root.set_attribute("dir", if rtl { "rtl" } else { "ltr" });
    }
}

/// Whether `code` is written right to left (for the app's own screens;
/// forms say so per language).
pub fn is_rtl(code: &str) -> bool {
    matches!(
        fieldform_engine::model::primary_subtag(code).as_str(),
        "ar" | "fa" | "he" | "ur" | "ps" | "yi" | "dv" | "ckb"
    )
}

/// A draft the enumerator just left (Back, the title, a swipe): the home
/// screen says where it went, with a way back to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftDraft {
    pub instance_id: String,
    /// The form's name for the response, else the form's title.
    pub name: String,
}

/// The app-wide slot for [`LeftDraft`] (absent when a screen is mounted
/// on its own, as in tests).
pub fn left_draft() -> Option<RwSignal<Option<LeftDraft>>> {
    use_context()
}

/// The enumerator's app (`/`, the binary `fieldform-app`): what a tablet
/// downloads. It names none of the console's screens, so none of them is
/// linked into its wasm.
#[component]
pub fn App() -> impl IntoView {
    let route = use_route();
    provide_context(RwSignal::new(None::<LeftDraft>));
    provide_context(console::link::AccountChanges(RwSignal::new(0)));
    view! {
        <header class="topbar">
            <h1><a href="#/">"Fieldform"</a></h1>
            <console::ConsoleLink />
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
                Route::Provision { token } => {
                    view! { <screens::provision::Provision token /> }.into_any()
                }
                Route::MovedToConsole { href } => {
                    if let Some(window) = web_sys::window() {
                        let _refused = window.location().replace(&href);
                    }
                    ().into_any()
                }
            }}
        </main>
    }
}

/// The coordinator console's document (`/console/`, the binary
/// `fieldform-console`): its pages and the preview; the header links back
/// to the enumerator's app.
#[component]
pub fn ConsoleApp() -> impl IntoView {
    let route = route::use_console_route();
    provide_context(console::link::AccountChanges(RwSignal::new(0)));
    view! {
        <header class="topbar">
            <h1><a href="/">"Fieldform"</a></h1>
        </header>
        <main>
            {move || match route.get() {
                ConsoleRoute::Tab(tab) => view! { <console::Console tab /> }.into_any(),
                ConsoleRoute::Preview { form, version } => {
                    view! { <console::Preview form version /> }.into_any()
                }
            }}
        </main>
    }
}
