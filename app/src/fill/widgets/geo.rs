//! geopoint: typed as `lat lon [alt [accuracy]]`, or captured from the
//! device's location with one tap (the accuracy comes with it, so a
//! coordinator can tell a GPS fix from a cell-tower guess).

use fieldform_engine::state::NodeRef;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::fill::session::Session;
use crate::i18n::{Msg, t};

/// Where a location request stands.
#[derive(Debug, Clone, PartialEq)]
enum Locating {
    Idle,
    Waiting,
    Failed(String),
}

pub fn geopoint(session: Session, node: NodeRef, id: &str) -> AnyView {
    let status = RwSignal::new(Locating::Idle);
    let locate = move |_| {
        status.set(Locating::Waiting);
        let done = move |result: Result<String, String>| {
            // The fix can arrive after the enumerator left the form.
            if status.try_get().is_none() {
                return;
            }
            match result {
                Ok(point) => {
                    session.set(node, &point);
                    session.touch(node);
                    status.set(Locating::Idle);
                }
                Err(message) => status.set(Locating::Failed(message)),
            }
        };
        if let Err(message) = current_position(done) {
            status.set(Locating::Failed(message));
        }
    };
    let status_text = move || {
        let lang = session.lang();
        match status.get() {
            Locating::Idle => None,
            Locating::Waiting => Some(t(Msg::Locating, &lang).to_owned()),
            Locating::Failed(why) => Some(format!("{} {why}", t(Msg::LocationFailed, &lang))),
        }
    };
    view! {
        <input
            id=id.to_owned()
            type="text"
            inputmode="decimal"
            autocomplete="off"
            placeholder="47.0105 28.8638"
            dir="ltr"
            prop:value=move || session.value(node)
            disabled=move || session.read_only(node)
            on:input=move |ev| session.set(node, &event_target_value(&ev))
            on:change=move |_| session.touch(node)
        />
        <button type="button" class="locate"
            disabled=move || session.read_only(node) || status.get() == Locating::Waiting
            on:click=locate>
            {move || t(Msg::Locate, &session.lang())}
        </button>
        <p class="locate-status" role="status">{status_text}</p>
    }
    .into_any()
}

/// Asks the browser for a fix; `done` gets `lat lon alt accuracy` or why not.
fn current_position(done: impl Fn(Result<String, String>) + Clone + 'static) -> Result<(), String> {
    let geolocation = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .geolocation()
        .map_err(|_| "this browser has no geolocation".to_owned())?;
    let on_error = done.clone();
    let success = Closure::once_into_js(move |position: JsValue| {
        done(read_position(&position).ok_or_else(|| "no coordinates".to_owned()));
    });
    let failure = Closure::once_into_js(move |error: JsValue| {
        let message = get(&error, "message")
            .as_string()
            .unwrap_or_else(|| "unknown error".to_owned());
        on_error(Err(message));
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(60_000);
    options.set_maximum_age(0);
    geolocation
        .get_current_position_with_error_callback_and_options(
            success.unchecked_ref(),
            Some(failure.unchecked_ref()),
            &options,
        )
        .map_err(|e| e.as_string().unwrap_or_else(|| "refused".to_owned()))
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `lat lon alt accuracy` from a GeolocationPosition (read by name: the
/// typed bindings are still behind web-sys's unstable flag).
fn read_position(position: &JsValue) -> Option<String> {
    let coords = get(position, "coords");
    let number = |key: &str| get(&coords, key).as_f64();
    Some(format_point(
        number("latitude")?,
        number("longitude")?,
        number("altitude").unwrap_or(0.0),
        number("accuracy").unwrap_or(0.0),
    ))
}

/// ODK's geopoint text; six decimals of a degree are about 10 cm.
pub(crate) fn format_point(lat: f64, lon: f64, alt: f64, accuracy: f64) -> String {
    format!("{lat:.6} {lon:.6} {alt:.1} {accuracy:.1}")
}

#[cfg(test)]
mod tests {
    use super::format_point;

    #[test]
    fn points_in_odk_form() {
        assert_eq!(
            format_point(47.010_452_1, 28.863_81, 85.04, 12.0),
            "47.010452 28.863810 85.0 12.0"
        );
    }
}
