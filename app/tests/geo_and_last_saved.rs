//! Issue 14's parts in a real browser (headless Chromium, via
//! wasm-bindgen-test): a geotrace and a geoshape entered as point lists,
//! the `hide-input` geopoint, and the last finalized response a new
//! response's `${last-saved#name}` reads from IndexedDB.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use fieldform_app::env::BrowserEnvironment;
use fieldform_app::store::{Db, ResponseRecord, ResponseState};
use fieldform_engine::compile::compile;
use fieldform_engine::model::Form;
use fieldform_engine::response::Status;
use fieldform_engine::state::FormState;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

mod common;

use common::{find, fire, mount, settle, texts};

wasm_bindgen_test_configure!(run_in_browser);

fn form(items: serde_json::Value) -> Form {
    let doc = json!({
        "format": 1, "id": "geo", "version": "1",
        "title": { "en": "Geo" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "items": items,
    });
    Form::from_json(&doc.to_string()).unwrap()
}

/// Types a point into the list's input and presses its *Add this point*.
async fn add_point(host: &HtmlElement, question: &str, point: &str) {
    let input: HtmlInputElement =
        find(host, &format!("[data-name={question}] input")).unchecked_into();
    input.set_value(point);
    fire(&input, "input");
    settle().await;
    let buttons = host
        .query_selector_all(&format!("[data-name={question}] button.locate"))
        .unwrap();
    let add: HtmlElement = buttons.item(0).unwrap().unchecked_into();
    add.click();
    settle().await;
}

#[wasm_bindgen_test]
async fn geotraces_and_geoshapes_are_entered_as_point_lists() {
    let host = mount(form(json!([
        { "kind": "question", "name": "path", "type": "geotrace", "label": { "en": "Path" } },
        { "kind": "question", "name": "plot", "type": "geoshape", "label": { "en": "Plot" } },
        { "kind": "question", "name": "walked", "type": "calculate", "calculation": "round(distance(${path}), 0)" },
        { "kind": "question", "name": "size", "type": "calculate", "calculation": "round(area(${plot}), 0)" },
        { "kind": "question", "name": "show", "type": "note",
          "label": { "en": "Walked ${walked} m; plot ${size} m²" } },
    ])));
    settle().await;
    // The question's label names the input that adds a point.
    let label = find(&host, "[data-name=path] label");
    let input = find(&host, "[data-name=path] input");
    assert_eq!(label.get_attribute("for"), Some(input.id()));
    assert_eq!(
        input.get_attribute("aria-label").as_deref(),
        Some("Point to add (latitude longitude)")
    );
    assert_eq!(
        texts(&host, "[data-name=path] .no-points"),
        ["No points yet."]
    );

    add_point(&host, "path", "0 1 0 0").await;
    add_point(&host, "path", "0 91").await;
    assert_eq!(
        texts(&host, "[data-name=path] li span"),
        ["0 1 0 0", "0 91"]
    );
    let walked = texts(&host, "[data-name=show] .label").join("");
    assert!(walked.starts_with("Walked 10018696 m"), "{walked}");

    // A typo is refused with a message, and nothing is added.
    add_point(&host, "path", "north").await;
    assert_eq!(texts(&host, "[data-name=path] li").len(), 2);
    assert!(
        texts(&host, "[data-name=path] .locate-status")
            .join("")
            .starts_with("Not a location"),
    );

    // Each point has a removal button naming it.
    let remove = find(&host, "[data-name=path] li:first-child button");
    assert_eq!(
        remove.get_attribute("aria-label").as_deref(),
        Some("Remove point 1")
    );
    remove.click();
    settle().await;
    assert_eq!(texts(&host, "[data-name=path] li span"), ["0 91"]);

    // A shape is closed once it has three points; shown without the closing one.
    for point in [
        "38.253094215699576 21.756382658677467 0 0",
        "38.25021274773806 21.756382658677467",
        "38.25007793942195 21.763892843919166",
        "38.25290886154963 21.763935759263404",
        "38.25146813817506 21.758421137528785",
    ] {
        add_point(&host, "plot", point).await;
    }
    assert_eq!(texts(&host, "[data-name=plot] li").len(), 5);
    let shown = texts(&host, "[data-name=show] .label").join("");
    // javarosa's GeoUtilsTest: 151,452 m² for these five points.
    assert!(shown.ends_with("plot 151452 m²"), "{shown}");
}

#[wasm_bindgen_test]
async fn a_hide_input_geopoint_offers_only_the_location_button() {
    let host = mount(form(json!([
        { "kind": "question", "name": "where", "type": "geopoint", "label": { "en": "Where" },
          "appearance": "hide-input" },
        { "kind": "question", "name": "map", "type": "geopoint", "label": { "en": "Map" },
          "appearance": "placement-map" },
    ])));
    settle().await;
    assert!(
        host.query_selector("[data-name=where] input")
            .unwrap()
            .is_none()
    );
    let button = find(&host, "[data-name=where] button.locate");
    let label = find(&host, "[data-name=where] label");
    assert_eq!(label.get_attribute("for"), Some(button.id()));
    // Without map tiles, placing a point on a map is typing it.
    assert!(
        host.query_selector("[data-name=map] input")
            .unwrap()
            .is_some()
    );
}

fn finalized(
    form: &Arc<fieldform_engine::compile::CompiledForm>,
    street: &str,
    at: f64,
    state: ResponseState,
) -> ResponseRecord {
    let env = BrowserEnvironment::new("");
    let mut s = FormState::new(form.clone(), &env);
    s.set("street", street, &env).unwrap();
    let draft = s.to_draft();
    let submission = (state != ResponseState::Draft).then(|| s.to_response(Status::Complete, &env));
    ResponseRecord {
        instance_id: draft.instance_id.clone(),
        form_id: draft.form_id.clone(),
        form_version: draft.form_version.clone(),
        state,
        draft,
        submission,
        page: 0,
        instance_name: None,
        created: at,
        updated: at,
        finalized: (state != ResponseState::Draft).then_some(at),
        sync: Default::default(),
    }
}

#[wasm_bindgen_test]
async fn a_new_response_reads_the_last_finalized_one() {
    let form = Arc::new(
        compile(&form(json!([
            { "kind": "question", "name": "street", "type": "text",
              "default": "${last-saved#street}" },
        ])))
        .unwrap(),
    );
    Db::delete("t-last-saved").await.unwrap();
    let db = Db::open("t-last-saved").await.unwrap();
    assert!(db.last_saved("geo").await.unwrap().is_empty(), "none yet");
    db.put_response(&finalized(
        &form,
        "Abbey Road",
        1_000.0,
        ResponseState::Sent,
    ))
    .await
    .unwrap();
    db.put_response(&finalized(
        &form,
        "Penny Lane",
        2_000.0,
        ResponseState::Finalized,
    ))
    .await
    .unwrap();
    // A later draft is not a saved response yet.
    db.put_response(&finalized(
        &form,
        "Half done",
        3_000.0,
        ResponseState::Draft,
    ))
    .await
    .unwrap();
    let last = db.last_saved("geo").await.unwrap();
    assert_eq!(last.get("street"), Some("Penny Lane"));
    assert!(db.last_saved("other").await.unwrap().is_empty());
    let env = BrowserEnvironment::new("");
    let s = FormState::new_with_last_saved(form, &env, last);
    assert_eq!(s.value(s.node("street").unwrap()), "Penny Lane");
    db.close();
}
