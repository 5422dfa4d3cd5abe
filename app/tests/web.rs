//! The app's components in a real browser (headless Chromium, via
//! wasm-bindgen-test and chromedriver; `cargo xtask test` runs them).
#![cfg(target_arch = "wasm32")]

use fieldform_app::api::CatalogEntry;
use fieldform_app::screens::catalog::FormList;
use fieldform_engine::model::{Language, Text};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn entry(id: &str, en: &str, ro: &str) -> CatalogEntry {
    let mut title = Text::new("en", en);
    title.0.insert("ro".into(), ro.into());
    CatalogEntry {
        id: id.into(),
        version: "1".into(),
        title,
        languages: vec![
            Language {
                code: "en".into(),
                name: "English".into(),
                rtl: false,
            },
            Language {
                code: "ro".into(),
                name: "Română".into(),
                rtl: false,
            },
        ],
        default_language: "ro".into(),
        open: true,
        etag: String::new(),
        published_at: 0,
        attachments: Vec::new(),
    }
}

fn mount(entries: Vec<CatalogEntry>) -> web_sys::HtmlElement {
    let document = document();
    let host = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let handle = leptos::mount::mount_to(host.clone(), move || view! { <FormList entries /> });
    handle.forget();
    host
}

#[wasm_bindgen_test]
fn lists_forms_with_titles_in_the_language_they_open_in() {
    let storage = window().local_storage().expect("storage").expect("storage");
    storage.clear().expect("clear");
    storage
        .set_item("fieldform.language.ssc", "ro")
        .expect("remember");
    let host = mount(vec![
        entry("ggs", "Household", "Gospodăria"),
        entry("ssc", "Report", "Raport"),
    ]);
    let items = host.query_selector_all(".form-entry").expect("query");
    assert_eq!(items.length(), 2);
    let text = host.text_content().unwrap_or_default();
    // The test browser prefers English; Romanian was chosen for `ssc` before.
    assert!(text.contains("Household"), "{text}");
    assert!(text.contains("Raport"), "{text}");
    assert!(text.contains("English · Română"), "{text}");
}

#[wasm_bindgen_test]
fn says_so_when_no_form_is_published() {
    let host = mount(vec![]);
    assert!(
        host.text_content()
            .unwrap_or_default()
            .contains("No forms are published yet.")
    );
}
