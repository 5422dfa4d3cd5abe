//! Formatted labels in a real browser (headless Chromium, via
//! wasm-bindgen-test): ODK markdown becomes elements, hostile HTML in a
//! label or hint stays text and never runs.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use fieldform_engine::model::Form;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlElement, HtmlInputElement};

mod common;

use common::{mount, settle};

wasm_bindgen_test_configure!(run_in_browser);

const HOSTILE: &str = r#"<img src=x onerror="window.__pwned=1">**bold** <script>window.__pwned=2</script> [x](javascript:alert(1))"#;

fn form(items: serde_json::Value) -> Form {
    let doc = json!({
        "format": 1, "id": "t", "version": "1",
        "title": { "en": "Test" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "choices": {},
        "items": items,
    });
    Form::from_json(&doc.to_string()).unwrap()
}

/// A real pause, long enough for a failed image load to fire `onerror`
/// had an `<img>` been created.
async fn sleep(ms: u64) {
    let done = Rc::new(Cell::new(false));
    let waker: Rc<Cell<Option<Waker>>> = Rc::new(Cell::new(None));
    let (d, w) = (done.clone(), waker.clone());
    set_timeout(
        move || {
            d.set(true);
            if let Some(waker) = w.take() {
                waker.wake();
            }
        },
        Duration::from_millis(ms),
    );
    poll_fn(|cx| {
        if done.get() {
            Poll::Ready(())
        } else {
            waker.set(Some(cx.waker().clone()));
            Poll::Pending
        }
    })
    .await;
}

fn find(host: &HtmlElement, selector: &str) -> HtmlElement {
    host.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} in {}", host.inner_html()))
        .unchecked_into()
}

fn count(host: &HtmlElement, selector: &str) -> u32 {
    host.query_selector_all(selector).unwrap().length()
}

fn pwned() -> JsValue {
    js_sys::Reflect::get(&window(), &JsValue::from_str("__pwned")).unwrap()
}

#[wasm_bindgen_test]
async fn hostile_label_and_hint_stay_text() {
    let host = mount(form(json!([
        { "kind": "question", "name": "q", "type": "text",
          "label": { "en": HOSTILE }, "hint": { "en": HOSTILE } },
        { "kind": "question", "name": "n", "type": "note", "label": { "en": HOSTILE } },
    ])));
    settle().await;
    sleep(300).await;
    // First, as the worst failure: had an `<img>` been created, its failed
    // load would have run `onerror` by now.
    assert!(pwned().is_undefined(), "injected code ran: {:?}", pwned());
    for name in ["q", "n"] {
        let question = format!("[data-name={name}]");
        let q = find(&host, &question);
        assert_eq!(count(&q, "img"), 0, "{}", q.inner_html());
        assert_eq!(count(&q, "script"), 0, "{}", q.inner_html());
        assert_eq!(count(&q, "a"), 0, "a javascript: link is text");
        let label = find(&q, ".label");
        assert_eq!(
            find(&label, "strong").text_content().unwrap_or_default(),
            "bold"
        );
        // The hostile HTML is shown as the text it is.
        let shown = label.text_content().unwrap_or_default();
        assert!(
            shown.starts_with(r#"<img src=x onerror="window.__pwned=1">bold <script>"#),
            "{shown}"
        );
        assert!(shown.ends_with("[x](javascript:alert(1))"), "{shown}");
    }
    let hint = find(&host, "[data-name=q] .hint");
    assert_eq!(count(&hint, "strong"), 1);
    assert_eq!(count(&hint, "img, script, a"), 0);
}

#[wasm_bindgen_test]
async fn markdown_renders_and_answers_redraw_it() {
    let host = mount(form(json!([
        { "kind": "question", "name": "name", "type": "text", "label": { "en": "Name" } },
        { "kind": "question", "name": "hh_size", "type": "integer",
          "label": { "en": "# Household\nHow many live with **${name}**? See [the manual](https://example.org/m)." },
          "hint": { "en": "<span style=\"color:#c00\">Count</span> everyone, *including* hh_size_total." } },
    ])));
    settle().await;
    let input: HtmlInputElement = find(&host, "[data-name=name] input").unchecked_into();
    input.set_value("Ana");
    let init = EventInit::new();
    init.set_bubbles(true);
    for kind in ["input", "change"] {
        input
            .dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
            .unwrap();
    }
    settle().await;
    let label = find(&host, "[data-name=hh_size] .label");
    assert_eq!(
        find(&label, ".md-h1").text_content().unwrap_or_default(),
        "Household"
    );
    assert_eq!(count(&label, "h1, h2, h3, h4, h5, h6"), 0);
    assert_eq!(
        find(&label, "strong").text_content().unwrap_or_default(),
        "Ana"
    );
    let link = find(&label, "a");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://example.org/m")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    let hint = find(&host, "[data-name=hh_size] .hint");
    let span = find(&hint, "span[style]");
    assert_eq!(span.get_attribute("style").as_deref(), Some("color:#c00;"));
    assert_eq!(span.text_content().unwrap_or_default(), "Count");
    assert_eq!(
        find(&hint, "em").text_content().unwrap_or_default(),
        "including"
    );
    assert!(
        hint.text_content()
            .unwrap_or_default()
            .ends_with("hh_size_total."),
        "intraword underscores stay text"
    );
}
