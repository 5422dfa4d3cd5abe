//! Where the app is, kept in the URL's fragment (`#/forms/ggs_household/3`)
//! so a reload, a bookmark or the back button lands on the same screen and
//! the service worker only ever serves one document.

use leptos::prelude::*;

/// A screen of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The list of forms.
    Catalog,
    /// Filling in one version of a form.
    Fill { form: String, version: String },
}

impl Route {
    /// Reads a fragment (`#/forms/id/version`); anything else is the catalog.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            ["forms", form, version] if !form.is_empty() && !version.is_empty() => Route::Fill {
                form: decode(form),
                version: decode(version),
            },
            _ => Route::Catalog,
        }
    }

    /// The fragment for this route.
    pub fn href(&self) -> String {
        match self {
            Route::Catalog => "#/".to_owned(),
            Route::Fill { form, version } => {
                format!("#/forms/{}/{}", encode(form), encode(version))
            }
        }
    }
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

fn decode(s: &str) -> String {
    js_sys::decode_uri_component(s)
        .map(String::from)
        .unwrap_or_else(|_| s.to_owned())
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The current route, following `hashchange`.
pub fn use_route() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&current_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(Route::parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
    route
}
