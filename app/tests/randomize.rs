//! `randomize=true` on selects and rank, as the enumerator sees it: the
//! choices shown in ODK's shuffled order, which stays put while answering
//! and follows the seed field (headless Chromium, via wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use fieldform_engine::compile::compile;
use fieldform_engine::env::FixedEnvironment;
use fieldform_engine::model::Form;
use fieldform_engine::state::FormState;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod common;

use common::{click, mount, settle, type_into};

wasm_bindgen_test_configure!(run_in_browser);

const LETTERS: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

fn form() -> Form {
    let letters: Vec<serde_json::Value> = LETTERS
        .iter()
        .map(|l| json!({ "name": l, "label": { "en": l.to_uppercase() } }))
        .collect();
    let doc = json!({
        "format": 1, "id": "r", "version": "1", "title": { "en": "R" },
        "languages": [{ "code": "en", "name": "English" }], "default_language": "en",
        "choices": { "letters": letters },
        "items": [
            { "kind": "question", "name": "seed", "type": "integer", "label": { "en": "Seed" } },
            { "kind": "question", "name": "fixed", "type": "select_one", "choices": "letters",
              "label": { "en": "Fixed" }, "parameters": { "randomize": "true", "seed": "1234" } },
            { "kind": "question", "name": "by_field", "type": "select_multiple",
              "choices": "letters", "label": { "en": "By field" },
              "parameters": { "randomize": "true", "seed": "${seed}" } },
            { "kind": "question", "name": "free", "type": "rank", "choices": "letters",
              "label": { "en": "Free" }, "parameters": { "randomize": "true" } },
            { "kind": "question", "name": "plain", "type": "select_one", "choices": "letters",
              "label": { "en": "Plain" } },
        ],
    });
    Form::from_json(&doc.to_string()).unwrap()
}

/// The engine's `randomize(<the letters>, seed)`: ODK's order.
fn odk_order(seed: &str) -> Vec<String> {
    let env = FixedEnvironment::default();
    let state = FormState::new(Arc::new(compile(&form()).unwrap()), &env);
    let src = format!("join(' ', randomize(instance('letters')/root/item/name, {seed}))");
    let value = state.evaluate_expression(&src, None, &env).unwrap();
    value.as_string().split(' ').map(str::to_owned).collect()
}

/// The values of the elements under `selector`, in document order.
fn shown(host: &HtmlElement, selector: &str, attribute: &str) -> Vec<String> {
    let list = host.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| e.get_attribute(attribute))
        .collect()
}

fn choices(host: &HtmlElement, name: &str) -> Vec<String> {
    shown(host, &format!("[data-name={name}] .choices input"), "value")
}

#[wasm_bindgen_test]
async fn choices_show_in_odks_shuffled_order_and_stay_put() {
    let host = mount(form());
    settle().await;
    let letters: Vec<String> = LETTERS.iter().map(|l| (*l).to_owned()).collect();
    assert_eq!(choices(&host, "plain"), letters, "no randomize: as listed");
    let fixed = choices(&host, "fixed");
    assert_eq!(fixed, odk_order("1234"));
    assert_ne!(fixed, letters);
    // No seed answered yet: the seed of an empty node, as in ODK.
    assert_eq!(choices(&host, "by_field"), odk_order("''"));

    // Answering does not move anything.
    click(
        &host,
        &format!("[data-name=fixed] input[value={}]", fixed[2]),
    )
    .await;
    assert_eq!(choices(&host, "fixed"), fixed);

    // The seed field reorders the list that uses it.
    type_into(&host, "[data-name=seed] input", "42").await;
    assert_eq!(choices(&host, "by_field"), odk_order("42"));
    type_into(&host, "[data-name=seed] input", "7").await;
    assert_eq!(choices(&host, "by_field"), odk_order("7"));

    // Rank without a seed: a permutation of its choices, the same after a redraw.
    let rank = shown(&host, "[data-name=free] .rank-item", "data-value");
    let mut sorted = rank.clone();
    sorted.sort();
    assert_eq!(sorted, letters);
    type_into(&host, "[data-name=seed] input", "8").await;
    assert_eq!(
        shown(&host, "[data-name=free] .rank-item", "data-value"),
        rank
    );
}
