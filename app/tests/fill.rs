//! Filling in a form in a real browser: the widgets write answers into the
//! engine and redraw what the answers change (headless Chromium, via
//! wasm-bindgen-test; `cargo xtask test` runs them).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fieldform_engine::model::Form;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

mod common;

use common::{choose_language, click, count, find, mount, mount_again, settle, text, type_into};

wasm_bindgen_test_configure!(run_in_browser);

fn form(items: serde_json::Value, choices: serde_json::Value) -> Form {
    let doc = json!({
        "format": 1, "id": "t", "version": "1",
        "title": { "en": "Test", "ar": "اختبار" },
        "languages": [
            { "code": "en", "name": "English" },
            { "code": "ar", "name": "العربية", "rtl": true },
        ],
        "default_language": "en",
        "choices": choices,
        "items": items,
    });
    Form::from_json(&doc.to_string()).unwrap()
}

#[wasm_bindgen_test]
async fn answers_redraw_relevance_labels_and_calculations() {
    let host = mount(form(
        json!([
            { "kind": "question", "name": "name", "type": "text", "label": { "en": "Name" } },
            { "kind": "question", "name": "age", "type": "integer",
              "label": { "en": "How old is ${name}?" }, "relevant": "${name} != ''" },
            { "kind": "question", "name": "double", "type": "calculate", "calculation": "${age} * 2" },
            { "kind": "question", "name": "shown", "type": "note", "label": { "en": "Twice: ${double}" } },
        ]),
        json!({}),
    ));
    settle().await;
    assert_eq!(count(&host, "[data-name=age]"), 0, "not relevant yet");
    assert_eq!(
        count(&host, "[data-name=double]"),
        0,
        "calculations are never shown"
    );
    type_into(&host, "[data-name=name] input", "Ion").await;
    assert_eq!(text(&host, "[data-name=age] .label"), "How old is Ion?");
    type_into(&host, "[data-name=age] input", "21").await;
    assert_eq!(text(&host, "[data-name=shown] .label"), "Twice: 42");
    type_into(&host, "[data-name=name] input", "Maria").await;
    assert_eq!(text(&host, "[data-name=age] .label"), "How old is Maria?");
    let age: HtmlInputElement = find(&host, "[data-name=age] input").unchecked_into();
    assert_eq!(age.value(), "21", "the answer survives the redraw");
    type_into(&host, "[data-name=name] input", "").await;
    assert_eq!(count(&host, "[data-name=age]"), 0);
}

#[wasm_bindgen_test]
async fn next_is_refused_until_required_answers_are_valid() {
    let host = mount(form(
        json!([
            { "kind": "group", "name": "one", "label": { "en": "First" }, "items": [
                { "kind": "question", "name": "a", "type": "integer", "label": { "en": "A" },
                  "required": true, "constraint": ". < 10",
                  "constraint_message": { "en": "Below 10, not ${a}", "ar": "أقل من 10" } },
            ]},
            { "kind": "group", "name": "two", "label": { "en": "Second" }, "items": [
                { "kind": "question", "name": "b", "type": "text", "label": { "en": "B" } },
            ]},
        ]),
        json!({}),
    ));
    settle().await;
    assert_eq!(
        count(&host, "[data-name=a] .issue"),
        0,
        "untouched questions are not flagged"
    );
    click(&host, ".pager .next").await;
    assert_eq!(
        text(&host, "[data-name=a] .issue"),
        "An answer is required."
    );
    assert_eq!(text(&host, ".page-title"), "First");
    type_into(&host, "[data-name=a] input", "12").await;
    assert_eq!(text(&host, "[data-name=a] .issue"), "Below 10, not 12");
    type_into(&host, "[data-name=a] input", "x").await;
    assert_eq!(text(&host, "[data-name=a] .issue"), "Enter a whole number.");
    type_into(&host, "[data-name=a] input", "7").await;
    assert_eq!(count(&host, "[data-name=a] .issue"), 0);
    click(&host, ".pager .next").await;
    assert_eq!(text(&host, ".page-title"), "Second");
    assert_eq!(text(&host, ".pager .next"), "Finish");
    click(&host, ".pager .next").await;
    assert_eq!(
        text(&host, ".summary"),
        "All answers are complete and valid."
    );
    click(&host, ".pager .back").await;
    assert_eq!(text(&host, ".page-title"), "First");
}

#[wasm_bindgen_test]
async fn choices_repeats_and_right_to_left_languages() {
    let host = mount(form(
        json!([
            { "kind": "question", "name": "langs", "type": "select_multiple", "choices": "l",
              "label": { "en": "Languages", "ar": "اللغات" } },
            { "kind": "question", "name": "chosen", "type": "note", "label": { "en": "Chosen: ${langs}" } },
            { "kind": "question", "name": "first", "type": "rank", "choices": "l", "label": { "en": "Order" } },
            { "kind": "question", "name": "order", "type": "note", "label": { "en": "Order: ${first}" } },
            { "kind": "repeat", "name": "child", "label": { "en": "Child" }, "max_instances": 2, "items": [
                { "kind": "question", "name": "child_name", "type": "text", "label": { "en": "Name" } },
            ]},
        ]),
        json!({ "l": [
            { "name": "ro", "label": { "en": "Romanian", "ar": "الرومانية" } },
            { "name": "ru", "label": { "en": "Russian", "ar": "الروسية" } },
            { "name": "uk", "label": { "en": "Ukrainian", "ar": "الأوكرانية" } },
        ]}),
    ));
    settle().await;
    click(&host, "[data-name=langs] input[value=ru]").await;
    click(&host, "[data-name=langs] input[value=ro]").await;
    assert_eq!(text(&host, "[data-name=chosen] .label"), "Chosen: ru ro");
    click(&host, "[data-name=langs] input[value=ru]").await;
    assert_eq!(text(&host, "[data-name=chosen] .label"), "Chosen: ro");

    assert_eq!(
        text(&host, "[data-name=order] .label"),
        "Order: ",
        "unanswered until moved or kept"
    );
    assert_eq!(count(&host, "[data-name=first] .keep-order"), 1);
    click(&host, "[data-name=first] .rank-item:nth-child(3) .move-up").await;
    assert_eq!(text(&host, "[data-name=order] .label"), "Order: ro uk ru");
    assert_eq!(count(&host, "[data-name=first] .keep-order"), 0);
    // The moved item keeps its buttons: moving it again moves it further.
    click(
        &host,
        "[data-name=first] .rank-item[data-value=ru] .move-up",
    )
    .await;
    assert_eq!(text(&host, "[data-name=order] .label"), "Order: ro ru uk");
    assert_eq!(
        text(&host, "[data-name=first] .rank-item:nth-child(2) span"),
        "Russian"
    );

    // A top-level repeat is a page of its own.
    click(&host, ".section-link[data-page='1']").await;
    assert_eq!(count(&host, ".instance"), 0);
    click(&host, ".add-instance").await;
    click(&host, ".add-instance").await;
    assert_eq!(count(&host, ".instance"), 2);
    let add: web_sys::HtmlButtonElement = find(&host, ".add-instance").unchecked_into();
    assert!(add.disabled(), "max_instances reached");
    assert!(text(&host, "section.instance:nth-of-type(2) h4").contains("(2)"));

    choose_language(&host, "ar").await;
    let article = find(&host, "article.form");
    assert_eq!(article.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(article.get_attribute("lang").as_deref(), Some("ar"));
    assert_eq!(text(&host, ".form-title"), "اختبار");
    assert_eq!(text(&host, ".pager .next"), "إنهاء");
    click(&host, ".section-link[data-page='0']").await;
    assert!(text(&host, "[data-name=langs] .label").starts_with("اللغات"));
    assert_eq!(text(&host, ".pager .next"), "التالي");
    let checked: HtmlInputElement =
        find(&host, "[data-name=langs] input[value=ro]").unchecked_into();
    assert!(checked.checked(), "answers survive a change of language");
}

#[wasm_bindgen_test]
async fn the_chosen_language_is_remembered_per_form() {
    let items = json!([{ "kind": "question", "name": "a", "type": "text", "label": { "en": "Name", "ar": "الاسم" } }]);
    let host = mount(form(items.clone(), json!({})));
    settle().await;
    assert_eq!(text(&host, "[data-name=a] .label"), "Name");
    choose_language(&host, "ar").await;
    let again = mount_again(form(items, json!({})));
    settle().await;
    assert_eq!(text(&again, "[data-name=a] .label"), "الاسم");
    let picker: web_sys::HtmlSelectElement = find(&again, ".language-picker").unchecked_into();
    assert_eq!(picker.value(), "ar");
    assert_eq!(
        find(&again, "article.form").get_attribute("dir").as_deref(),
        Some("rtl")
    );
}
