//! What the browser tests of the fill screen share: mounting a form in a
//! fresh element of the page, letting redraws run, finding what it shows
//! and acting on it as a user would.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use fieldform_app::fill::FormView;
use fieldform_engine::compile::compile;
use fieldform_engine::model::Form;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement};

/// Mounts the form as a fresh visit (no remembered language).
pub fn mount(form: Form) -> HtmlElement {
    window().local_storage().unwrap().unwrap().clear().unwrap();
    mount_again(form)
}

/// Mounts the form keeping what earlier visits remembered.
pub fn mount_again(form: Form) -> HtmlElement {
    let compiled = Arc::new(compile(&form).unwrap());
    let document = document();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: HtmlElement = host.unchecked_into();
    leptos::mount::mount_to(
        host.clone(),
        move || view! { <FormView form=compiled.clone() /> },
    )
    .forget();
    host
}

/// Lets effects and redraws run.
pub async fn settle() {
    for _ in 0..4 {
        leptos::task::tick().await;
    }
}

/// The element under `selector`; the test fails, showing the page, when
/// there is none.
pub fn find(host: &HtmlElement, selector: &str) -> HtmlElement {
    host.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} in {}", host.inner_html()))
        .unchecked_into()
}

/// How many elements `selector` matches.
pub fn count(host: &HtmlElement, selector: &str) -> u32 {
    host.query_selector_all(selector).unwrap().length()
}

/// The text of the element under `selector`.
pub fn text(host: &HtmlElement, selector: &str) -> String {
    find(host, selector).text_content().unwrap_or_default()
}

/// The texts of the elements under `selector`, in document order.
pub fn texts(host: &HtmlElement, selector: &str) -> Vec<String> {
    let list = host.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

/// Dispatches a bubbling `kind` event at `target`, as the browser does.
pub fn fire(target: &HtmlElement, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    target
        .dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

/// Types `value` into the input under `selector`, as a user would.
pub async fn type_into(host: &HtmlElement, selector: &str, value: &str) {
    let input: HtmlInputElement = find(host, selector).unchecked_into();
    input.set_value(value);
    fire(&input, "input");
    fire(&input, "change");
    settle().await;
}

/// Clicks the element under `selector`.
pub async fn click(host: &HtmlElement, selector: &str) {
    find(host, selector).click();
    settle().await;
}

/// Chooses the language `code` in the form's language picker.
pub async fn choose_language(host: &HtmlElement, code: &str) {
    let picker: HtmlSelectElement = find(host, ".language-picker").unchecked_into();
    picker.set_value(code);
    fire(&picker, "change");
    settle().await;
}
