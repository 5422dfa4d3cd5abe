//! Target 4: submission ingest, the engine's part of it. Bytes are read as
//! the server reads a submission (JSON, then the engine's `Response`), loaded
//! with `FormState::from_response` against the form the document names
//! (the roster or a shipped form; any other id is pointed at one of them so
//! the load is reached), validated like `validate_submission`, and written
//! back as a response that must load again.

use fieldform_engine::model::Item;
use fieldform_engine::response::{Response, Status};
use fieldform_engine::state::FormState;
use fieldform_engine::validate::validate;
use serde_json::{Map, Value as Json, json};

use super::{env, forms, json as jsonmut};
use crate::rng::Rng;
use crate::{Input, Target, class};

pub static TARGET: Target = Target {
    name: "ingest",
    run,
    seeds,
    generate,
    mutate: Some(jsonmut::mutate),
    dictionary: &[
        "\"answers\": {",
        "\"member\": [",
        "{}",
        "[]",
        "\"n\": \"99999999\"",
        "\"status\": \"complete\"",
        "\"meta\": {\"start\": \"2024-01-01T00:00:00Z\"}",
        ",",
        "\"",
        "{",
        "}",
        "[",
        "]",
        "null",
    ],
};

const INSTANCE_ID: &str = "0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b";

fn run(input: &Input) -> String {
    let mut doc: Json = match serde_json::from_slice(&input.bytes) {
        Ok(d) => d,
        Err(e) => return format!("json: {}", class(&e.to_string())),
    };
    let forms = forms();
    let named = doc
        .get("form_id")
        .and_then(Json::as_str)
        .and_then(|id| forms.iter().find(|f| f.form.id == id));
    let form = match named {
        Some(f) => f.clone(),
        None => {
            let f = forms[input.bytes.len() % forms.len()].clone();
            if let Some(obj) = doc.as_object_mut() {
                obj.insert("form_id".into(), json!(f.form.id));
                obj.insert("form_version".into(), json!(f.form.version));
            }
            f
        }
    };
    if let Some(obj) = doc.as_object_mut() {
        // As the server does: what is submitted is complete.
        obj.entry("status").or_insert_with(|| json!("complete"));
    }
    let response: Response = match serde_json::from_value(doc) {
        Ok(r) => r,
        Err(e) => return format!("document: {}", class(&e.to_string())),
    };
    let env = env();
    let state = match FormState::from_response(form.clone(), &response, &env) {
        Ok(s) => s,
        Err(e) => return format!("{}: refused: {}", form.form.id, class(&e.to_string())),
    };
    let issues = validate(&state, &form.form.default_language);
    let written = state.to_response(Status::Submitted, &env);
    // What the engine writes it must read back, with the same answers
    // (the shipped forms and the roster have no random() or uuid()).
    let back = FormState::from_response(form.clone(), &written, &env)
        .unwrap_or_else(|e| panic!("the engine's own response does not load back: {e}"));
    let again = back.to_response(Status::Submitted, &env);
    assert!(
        written.answers == again.answers,
        "answers changed in a round trip:\n{}\n{}",
        written.answers,
        again.answers
    );
    format!("{}: ok, {} issues", form.form.id, issues.len().min(3))
}

fn seeds() -> Vec<Input> {
    let mut rng = Rng::new(4);
    let mut out = vec![Input::new(
        "roster.json",
        json!({
            "instance_id": INSTANCE_ID, "form_id": "fuzz_roster", "form_version": "1",
            "status": "complete", "meta": { "start": "2024-01-15T10:00:00Z" },
            "answers": { "n": "2", "village": "Orhei", "ok": "yes", "g": { "w": "2.5", "tags": "1 3" },
                         "member": [ { "name": "Ana", "age": "40", "child": [ { "cage": "3" } ] },
                                     { "name": "Ion", "age": "9" } ] }
        })
        .to_string(),
    )];
    for _ in 0..12 {
        out.push(generate(&mut rng));
    }
    out
}

/// A response shaped like one of the forms' answers: every field in its
/// place, with values plausible or odd, repeats of odd lengths, and now and
/// then a name from elsewhere in the form.
fn generate(rng: &mut Rng) -> Input {
    let forms = forms();
    let form = &forms[rng.below(forms.len())];
    let mut all_names = Vec::new();
    for item in form.form.walk() {
        all_names.push(item.name().to_owned());
    }
    let answers = gen_answers(rng, &form.form.items, &all_names, 0);
    let mut doc = json!({
        "instance_id": if rng.chance(0.95) { INSTANCE_ID.to_owned() } else { "not-a-uuid".to_owned() },
        "form_id": form.form.id,
        "form_version": if rng.chance(0.95) { form.form.version.clone() } else { "999".to_owned() },
        "status": *rng.pick(&["complete", "draft", "submitted"]),
        "answers": answers,
    });
    if rng.chance(0.5) {
        doc["meta"] = json!({ "start": "2024-01-15T10:00:00Z", "end": "2024-01-15T11:00:00Z",
                              "enumerator": "ana", "device": "tab-7" });
    }
    Input::new(format!("{}.json", form.form.id), doc.to_string())
}

fn gen_answers(rng: &mut Rng, items: &[Item], names: &[String], depth: usize) -> Json {
    let mut out = Map::new();
    for item in items {
        if rng.chance(0.2) {
            continue;
        }
        let value = match item {
            Item::Question(_) => answer(rng, names),
            Item::Group(g) => gen_answers(rng, &g.items, names, depth + 1),
            Item::Repeat(r) => {
                // Long repeats at the top only: nested ones multiply.
                let n = if depth == 0 && rng.chance(0.03) {
                    rng.between(900, 1100)
                } else {
                    rng.below(4)
                };
                Json::Array(
                    (0..n)
                        .map(|_| gen_answers(rng, &r.items, names, depth + 1))
                        .collect(),
                )
            }
        };
        let value = if rng.chance(0.05) {
            jsonmut::odd_value(rng, names)
        } else {
            value
        };
        out.insert(item.name().to_owned(), value);
    }
    if rng.chance(0.05) && !names.is_empty() {
        // A name from elsewhere in the form, or none of it.
        let key = if rng.chance(0.5) {
            rng.pick(names).clone()
        } else {
            "nope".to_owned()
        };
        out.insert(key, answer(rng, names));
    }
    Json::Object(out)
}

fn answer(rng: &mut Rng, names: &[String]) -> Json {
    if rng.chance(0.1) {
        return jsonmut::odd_value(rng, names);
    }
    json!(*rng.pick(&[
        "1",
        "2",
        "3",
        "0",
        "-4",
        "17",
        "2.5",
        "1e3",
        "yes",
        "no",
        "other",
        "1 3",
        "1 2 3",
        "2024-01-02",
        "2024-02-30",
        "10:30:00.000+02:00",
        "2024-01-02T10:30:00.000Z",
        "47.0 28.8 0 0",
        "Ana",
        "",
        " ",
        "ăîș",
        "99999999",
    ]))
}
