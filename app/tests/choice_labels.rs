//! Choice labels that show answers (`${name1}`, as in pyxform's lists of the
//! names entered so far): filled from the select's repeat instance in the
//! language shown, and redrawn as the answers they show are typed
//! (headless Chromium, via wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fieldform_engine::model::Form;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

mod common;

use common::{choose_language, click, find, mount, settle, texts, type_into};

wasm_bindgen_test_configure!(run_in_browser);

fn form() -> Form {
    let doc = json!({
        "format": 1, "id": "cl", "version": "1", "title": { "en": "Names" },
        "languages": [
            { "code": "en", "name": "English" },
            { "code": "ro", "name": "Română" },
        ],
        "default_language": "en",
        "choices": {
            "names": [
                { "name": "n1", "label": { "en": "${name1}", "ro": "${name1} (unu)" } },
                { "name": "n2", "label": { "en": "${name2}" } },
                { "name": "none", "label": { "en": "Nobody", "ro": "Nimeni" } },
            ],
            "mine": [
                { "name": "me", "label": { "en": "${who} (this person)" } },
                { "name": "head", "label": { "en": "${name1}" } },
            ],
        },
        "items": [
            { "kind": "question", "name": "name1", "type": "text", "label": { "en": "Name 1" } },
            { "kind": "question", "name": "name2", "type": "text", "label": { "en": "Name 2" } },
            { "kind": "question", "name": "pick", "type": "select_one", "choices": "names",
              "label": { "en": "Who?" } },
            { "kind": "question", "name": "drop", "type": "select_one", "choices": "names",
              "appearance": "minimal", "label": { "en": "Who, in a list?" } },
            { "kind": "question", "name": "find", "type": "select_one", "choices": "names",
              "appearance": "autocomplete", "label": { "en": "Who, searched?" } },
            { "kind": "repeat", "name": "member", "label": { "en": "Member" }, "items": [
                { "kind": "question", "name": "who", "type": "text", "label": { "en": "Name" } },
                { "kind": "question", "name": "rel", "type": "select_one", "choices": "mine",
                  "label": { "en": "Relation" } },
            ]},
        ],
    });
    Form::from_json(&doc.to_string()).unwrap()
}

#[wasm_bindgen_test]
async fn choice_labels_show_answers_and_follow_them_and_the_language() {
    let host = mount(form());
    settle().await;
    let pick = "[data-name=pick] .choices label.choice span";
    let drop = "[data-name=drop] select option";
    assert_eq!(texts(&host, pick), ["", "", "Nobody"]);

    type_into(&host, "[data-name=name1] input", "Ana").await;
    type_into(&host, "[data-name=name2] input", "Ion").await;
    assert_eq!(texts(&host, pick), ["Ana", "Ion", "Nobody"]);
    // The drop-down's first option is its prompt.
    assert_eq!(texts(&host, drop)[1..], ["Ana", "Ion", "Nobody"]);
    type_into(&host, "[data-name=name2] input", "Maria").await;
    assert_eq!(texts(&host, pick), ["Ana", "Maria", "Nobody"]);
    assert_eq!(texts(&host, drop)[1..], ["Ana", "Maria", "Nobody"]);

    // The choice stays chosen while its label changes under it.
    click(&host, "[data-name=pick] input[value=n1]").await;
    type_into(&host, "[data-name=name1] input", "Anca").await;
    assert_eq!(texts(&host, pick), ["Anca", "Maria", "Nobody"]);
    let chosen: HtmlInputElement = find(&host, "[data-name=pick] input[value=n1]").unchecked_into();
    assert!(chosen.checked());

    // A searchable list finds a choice by the label as shown.
    let find_ = "[data-name=find] .choices label.choice span";
    type_into(&host, "[data-name=find] .choice-search", "mar").await;
    assert_eq!(texts(&host, find_), ["Maria"]);
    type_into(&host, "[data-name=find] .choice-search", "").await;
    assert_eq!(texts(&host, find_), ["Anca", "Maria", "Nobody"]);

    choose_language(&host, "ro").await;
    // A label without the language's text is the default language's.
    assert_eq!(texts(&host, pick), ["Anca (unu)", "Maria", "Nimeni"]);
    choose_language(&host, "en").await;

    // In a repeat, each instance's list shows its own answers.
    click(&host, ".section-link[data-page='1']").await;
    click(&host, ".add-instance").await;
    click(&host, ".add-instance").await;
    let first = "section.instance:nth-of-type(1)";
    let second = "section.instance:nth-of-type(2)";
    type_into(&host, &format!("{first} [data-name=who] input"), "Eva").await;
    type_into(&host, &format!("{second} [data-name=who] input"), "Dan").await;
    let rel = |inst: &str| format!("{inst} [data-name=rel] .choices label.choice span");
    assert_eq!(texts(&host, &rel(first)), ["Eva (this person)", "Anca"]);
    assert_eq!(texts(&host, &rel(second)), ["Dan (this person)", "Anca"]);
    type_into(&host, &format!("{second} [data-name=who] input"), "Dana").await;
    assert_eq!(texts(&host, &rel(first)), ["Eva (this person)", "Anca"]);
    assert_eq!(texts(&host, &rel(second)), ["Dana (this person)", "Anca"]);
}
