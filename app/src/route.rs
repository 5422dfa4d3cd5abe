//! Where the app is, kept in the URL's fragment (`#/responses/0190…`) so a
//! reload, a bookmark or the back button lands on the same screen and the
//! service worker only ever serves one document. The enumerator's app
//! (`/`) and the coordinator console (`/console/`) are two documents, each
//! with its own wasm, so a tablet never downloads the console: [`Route`]
//! is the enumerator's screens, [`ConsoleRoute`] the console's.

use leptos::prelude::*;

use crate::console::Tab;

/// Where the console's document is served (its own build, `dist/console/`).
pub const CONSOLE_PATH: &str = "/console/";

/// A screen of the enumerator's app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The forms and the responses on this device.
    Home,
    /// Starting a new response to one version of a form.
    NewResponse { form: String, version: String },
    /// A response on this device: a draft to continue, or a finalized one
    /// to look at.
    Response { instance_id: String },
    /// Enrolling this device with a coordinator's provisioning link
    /// (`#/provision?token=ffd_…`).
    Provision { token: String },
    /// A console address from before the console had its own document
    /// (`/#/console/devices`): the same screen there (`/console/#/devices`).
    MovedToConsole { href: String },
}

impl Route {
    /// Reads a fragment (`#/forms/id/version`); anything else is home.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        if let Some(query) = path.strip_prefix("provision?") {
            let token = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("token="))
                .unwrap_or_default();
            return Route::Provision {
                token: decode(token),
            };
        }
        if path == "console" || path.starts_with("console/") {
            let rest = path.trim_start_matches("console").trim_start_matches('/');
            return Route::MovedToConsole {
                href: format!("{CONSOLE_PATH}#/{rest}"),
            };
        }
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            ["forms", form, version] if !form.is_empty() && !version.is_empty() => {
                Route::NewResponse {
                    form: decode(form),
                    version: decode(version),
                }
            }
            ["responses", id] if !id.is_empty() => Route::Response {
                instance_id: decode(id),
            },
            _ => Route::Home,
        }
    }

    /// The fragment for this route (an address, for
    /// [`Route::MovedToConsole`]).
    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".to_owned(),
            Route::NewResponse { form, version } => {
                format!("#/forms/{}/{}", encode(form), encode(version))
            }
            Route::Response { instance_id } => format!("#/responses/{}", encode(instance_id)),
            Route::Provision { token } => format!("#/provision?token={}", encode(token)),
            Route::MovedToConsole { href } => href.clone(),
        }
    }
}

/// A screen of the console, in the fragment of its own document
/// (`/console/#/devices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleRoute {
    /// `#/forms` (also `#/`), `#/devices`, `#/people`, and the submissions:
    /// `#/submissions[/{form}]` and `#/submission/{id}` (which one is read
    /// by `console::submissions::Target`).
    Tab(Tab),
    /// A form version as an enumerator sees it, saving nothing
    /// (`#/preview/{id}/{version}`).
    Preview { form: String, version: String },
}

impl ConsoleRoute {
    /// Reads a fragment of the console's document; anything else is the
    /// forms page.
    pub fn parse(hash: &str) -> ConsoleRoute {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            ["devices"] => ConsoleRoute::Tab(Tab::Devices),
            ["people"] => ConsoleRoute::Tab(Tab::People),
            ["submissions", ..] | ["submission", _] => ConsoleRoute::Tab(Tab::Submissions),
            ["preview", form, version] if !form.is_empty() && !version.is_empty() => {
                ConsoleRoute::Preview {
                    form: decode(form),
                    version: decode(version),
                }
            }
            _ => ConsoleRoute::Tab(Tab::Forms),
        }
    }

    /// The fragment for this route, within the console's document.
    pub fn href(&self) -> String {
        match self {
            ConsoleRoute::Tab(tab) => format!("#/{}", tab.key()),
            ConsoleRoute::Preview { form, version } => {
                format!("#/preview/{}/{}", encode(form), encode(version))
            }
        }
    }
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

fn decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    js_sys::decode_uri_component(s)
        .map(String::from)
        .unwrap_or_else(|_| s.to_owned())
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Shows `route` in the address bar without a new history entry or a
/// `hashchange` (a new response, once saved, is reloaded as itself).
pub fn replace_url(route: &Route) {
    replace_href(&route.href());
}

/// Shows `href` in the address bar in place of the current entry.
pub fn replace_href(href: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _unsupported =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
    }
}

/// Goes to `route` (a new history entry).
pub fn go(route: &Route) {
    if let Some(w) = web_sys::window() {
        let _refused = w.location().set_hash(&route.href());
    }
}

/// The enumerator's current route, following `hashchange`.
pub fn use_route() -> ReadSignal<Route> {
    use_fragment(Route::parse)
}

/// The console's current route, following `hashchange`.
pub fn use_console_route() -> ReadSignal<ConsoleRoute> {
    use_fragment(ConsoleRoute::parse)
}

fn use_fragment<R: Send + Sync + 'static>(parse: fn(&str) -> R) -> ReadSignal<R> {
    let (route, set_route) = signal(parse(&current_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
    route
}

#[cfg(test)]
mod tests {
    use super::{ConsoleRoute, Route};
    use crate::console::Tab;

    #[test]
    fn reads_each_screen() {
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/"), Route::Home);
        assert_eq!(
            Route::parse("#/forms/ggs/3"),
            Route::NewResponse {
                form: "ggs".into(),
                version: "3".into()
            }
        );
        assert_eq!(
            Route::parse("#/responses/0190-ab"),
            Route::Response {
                instance_id: "0190-ab".into()
            }
        );
        assert_eq!(Route::parse("#/elsewhere/x"), Route::Home);
        assert_eq!(Route::parse("#/consoles"), Route::Home);
        assert_eq!(
            Route::parse("#/provision?token=ffd_12ab"),
            Route::Provision {
                token: "ffd_12ab".into()
            }
        );
        assert_eq!(
            Route::parse("#/provision?x=1"),
            Route::Provision {
                token: String::new()
            }
        );
    }

    #[test]
    fn old_console_addresses_move_to_the_consoles_document() {
        for (hash, href) in [
            ("#/console", "/console/#/"),
            ("#/console/", "/console/#/"),
            ("#/console/devices", "/console/#/devices"),
            (
                "#/console/submission/0195-ab",
                "/console/#/submission/0195-ab",
            ),
        ] {
            assert_eq!(
                Route::parse(hash),
                Route::MovedToConsole { href: href.into() },
                "{hash}"
            );
        }
    }

    #[test]
    fn reads_each_console_screen() {
        for (hash, tab) in [
            ("", Tab::Forms),
            ("#/", Tab::Forms),
            ("#/forms", Tab::Forms),
            ("#/devices", Tab::Devices),
            ("#/people", Tab::People),
            ("#/submissions", Tab::Submissions),
            ("#/submissions/ggs", Tab::Submissions),
            ("#/submission/0195-ab", Tab::Submissions),
            ("#/elsewhere", Tab::Forms),
        ] {
            assert_eq!(ConsoleRoute::parse(hash), ConsoleRoute::Tab(tab), "{hash}");
        }
        for tab in [Tab::Forms, Tab::Devices, Tab::People, Tab::Submissions] {
            let route = ConsoleRoute::Tab(tab);
            assert_eq!(ConsoleRoute::parse(&route.href()), route);
        }
        assert_eq!(
            ConsoleRoute::parse("#/preview/visit/2"),
            ConsoleRoute::Preview {
                form: "visit".into(),
                version: "2".into()
            }
        );
    }
}
