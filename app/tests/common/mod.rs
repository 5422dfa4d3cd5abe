//! What the browser tests of the fill screen share: mounting a form in a
//! fresh element of the page, and letting redraws run.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use fieldform_app::fill::FormView;
use fieldform_engine::compile::compile;
use fieldform_engine::model::Form;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

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
