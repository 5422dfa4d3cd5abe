//! Where the app is, kept in the URL's fragment (`#/responses/0190…`) so a
//! reload, a bookmark or the back button lands on the same screen and the
//! service worker only ever serves one document.

use leptos::prelude::*;

/// A screen of the app.
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
    /// The coordinator console (`#/console/forms`, `/devices`, `/people`).
    Console { tab: crate::console::Tab },
    /// A form version as an enumerator sees it, saving nothing
    /// (`#/console/preview/{id}/{version}`).
    ConsolePreview { form: String, version: String },
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
            ["console"] | ["console", "" | "forms"] => Route::Console {
                tab: crate::console::Tab::Forms,
            },
            ["console", "devices"] => Route::Console {
                tab: crate::console::Tab::Devices,
            },
            ["console", "people"] => Route::Console {
                tab: crate::console::Tab::People,
            },
            // The form or the submission is read by `console::submissions::Target`.
            ["console", "submissions", ..] | ["console", "submission", _] => Route::Console {
                tab: crate::console::Tab::Submissions,
            },
            ["console", "preview", form, version] if !form.is_empty() && !version.is_empty() => {
                Route::ConsolePreview {
                    form: decode(form),
                    version: decode(version),
                }
            }
            _ => Route::Home,
        }
    }

    /// The fragment for this route.
    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".to_owned(),
            Route::NewResponse { form, version } => {
                format!("#/forms/{}/{}", encode(form), encode(version))
            }
            Route::Response { instance_id } => format!("#/responses/{}", encode(instance_id)),
            Route::Provision { token } => format!("#/provision?token={}", encode(token)),
            Route::Console { tab } => format!("#/console/{}", tab.key()),
            Route::ConsolePreview { form, version } => {
                format!("#/console/preview/{}/{}", encode(form), encode(version))
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

/// The current route, following `hashchange`.
pub fn use_route() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&current_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(Route::parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
    route
}

#[cfg(test)]
mod tests {
    use super::Route;

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
        use crate::console::Tab;
        for (hash, tab) in [
            ("#/console", Tab::Forms),
            ("#/console/forms", Tab::Forms),
            ("#/console/devices", Tab::Devices),
            ("#/console/people", Tab::People),
            ("#/console/submissions", Tab::Submissions),
            ("#/console/submissions/ggs", Tab::Submissions),
            ("#/console/submission/0195-ab", Tab::Submissions),
        ] {
            assert_eq!(Route::parse(hash), Route::Console { tab }, "{hash}");
        }
        assert_eq!(
            Route::parse("#/console/preview/visit/2"),
            Route::ConsolePreview {
                form: "visit".into(),
                version: "2".into()
            }
        );
        assert_eq!(Route::parse("#/console/elsewhere"), Route::Home);
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
}
