//! Target 3: the form file loader. Bytes are read as the server and the CLI
//! read a form file (UTF-8 text, `Form::from_json`), compiled, and a form
//! that compiles is instantiated, answered, validated and written out as a
//! response that must load back.

use std::sync::Arc;

use fieldform_engine::compile::compile;
use fieldform_engine::model::Form;
use fieldform_engine::response::Status;
use fieldform_engine::state::FormState;
use fieldform_engine::validate::validate;
use serde_json::{Value as Json, json};

use super::{env, form_files, json as jsonmut};
use crate::rng::Rng;
use crate::{Input, Target, class};

pub static TARGET: Target = Target {
    name: "form",
    run,
    seeds,
    generate,
    mutate: Some(jsonmut::mutate),
    dictionary: &[
        "\"kind\": \"repeat\"",
        "\"kind\": \"group\"",
        "\"type\": \"select_one\"",
        "\"repeat_count\": \"${n}\"",
        "\"relevant\": ",
        "\"calculation\": \"${total}\"",
        "\"items\": []",
        "\"choices\": \"yn\"",
        "\"max_instances\": 4294967295",
        "\"or_other\": true",
        "${",
        "}",
        "{",
        "}",
        "[",
        "]",
        ",",
        "\"",
    ],
};

/// Answers tried on every input question of a form that compiles.
const ANSWERS: &[&str] = &["1", "3", "yes", "2024-01-02", "a b", "-1", ""];

fn run(input: &Input) -> String {
    let Ok(text) = std::str::from_utf8(&input.bytes) else {
        return "not utf-8".into();
    };
    let form = match Form::from_json(text) {
        Ok(f) => f,
        Err(e) => return format!("load: {}", class(&e.to_string())),
    };
    let compiled = match compile(&form) {
        Ok(c) => Arc::new(c),
        Err(errors) => {
            let first = errors.first().map(|e| class(&e.to_string()));
            return format!("compile: {}", first.unwrap_or_default());
        }
    };
    let env = env();
    let mut state = FormState::new(compiled.clone(), &env);
    state.recompute_all(&env);
    // Answer the first questions, a different answer for each: edits
    // propagate through relevance, calculations and repeat counts.
    let nodes = state.nodes();
    for (i, node) in nodes.iter().take(40).enumerate() {
        let path = state.path(*node);
        let _ = state.set(&path, ANSWERS[i % ANSWERS.len()], &env);
    }
    let issues = validate(&state, &compiled.form.default_language);
    let response = state.to_response(Status::Complete, &env);
    let back = match FormState::from_response(compiled.clone(), &response, &env) {
        Ok(s) => s,
        Err(e) => {
            // What the engine wrote, the same form must read (issue 12's
            // round trip); a response past the load bounds is the exception.
            let message = e.to_string();
            assert!(
                message.contains("more than"),
                "a response written by the engine does not load back: {message}"
            );
            return format!("bounded: {}", class(&message));
        }
    };
    let again = back.to_response(Status::Complete, &env);
    // random() and uuid() differ at each evaluation, by design.
    let volatile = text.contains("random(") || text.contains("uuid(");
    assert!(
        volatile || response.answers == again.answers,
        "the response's answers changed in a round trip:\n{}\n{}",
        response.answers,
        again.answers
    );
    format!("ok, {} issues", issues.len().min(3))
}

fn seeds() -> Vec<Input> {
    let mut out = form_files();
    let mut rng = Rng::new(3);
    for _ in 0..8 {
        out.push(generate(&mut rng));
    }
    out
}

const NAMES: &[&str] = &["a", "b", "c", "r", "s", "g", "n", "x", "a_other"];
const TYPES: &[&str] = &[
    "text",
    "integer",
    "decimal",
    "select_one",
    "select_multiple",
    "rank",
    "date",
    "time",
    "datetime",
    "geopoint",
    "range",
    "note",
    "calculate",
    "acknowledge",
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "instance_id",
    "barcode",
];
const PROPS: &[&str] = &[
    "relevant",
    "constraint",
    "calculation",
    "required",
    "read_only",
    "default",
    "choice_filter",
    "trigger",
];

/// A form file built from a small grammar: nested groups and repeats,
/// every question type, expressions from the expression grammar naming the
/// form's own fields.
fn generate(rng: &mut Rng) -> Input {
    let items = gen_items(rng, 0);
    let doc = json!({
        "format": 1,
        "id": "gen",
        "version": "1",
        "title": { "en": "Generated" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "settings": if rng.chance(0.3) { json!({ "instance_name": "concat(${a}, '-', ${b})" }) } else { json!({}) },
        "choices": {
            "l": [
                { "name": "1", "label": { "en": "One" } },
                { "name": "2", "label": { "en": "Two" } },
                { "name": "other", "label": { "en": "Other" } }
            ]
        },
        "items": items,
    });
    Input::new("gen.form.json", doc.to_string())
}

fn gen_items(rng: &mut Rng, depth: usize) -> Json {
    let n = rng.between(1, if depth == 0 { 8 } else { 4 });
    let items: Vec<Json> = (0..n)
        .map(|_| {
            let name = *rng.pick(NAMES);
            match rng.below(if depth < 3 { 8 } else { 6 }) {
                6 => json!({ "kind": "group", "name": name, "label": { "en": "G ${a}" },
                              "items": gen_items(rng, depth + 1) }),
                7 => {
                    let mut r = json!({ "kind": "repeat", "name": name,
                                        "label": { "en": "R" }, "items": gen_items(rng, depth + 1) });
                    if rng.chance(0.5) {
                        r["repeat_count"] = json!(*rng.pick(&["${n}", "${a} + 1", "3", "-1", "1e9", "count(${x})", "${r}"]));
                    }
                    if rng.chance(0.3) {
                        r["max_instances"] = json!(rng.below(5));
                        r["min_instances"] = json!(rng.below(5));
                    }
                    r
                }
                _ => {
                    let kind = *rng.pick(TYPES);
                    let mut q = json!({ "kind": "question", "name": name, "type": kind,
                                        "label": { "en": "Q ${n}" } });
                    if matches!(kind, "select_one" | "select_multiple" | "rank") {
                        q["choices"] = json!(if rng.chance(0.9) { "l" } else { "missing" });
                        if rng.chance(0.3) {
                            q["or_other"] = json!(true);
                        }
                    }
                    for _ in 0..rng.below(3) {
                        let prop = *rng.pick(PROPS);
                        q[prop] = json!(super::expr::generate_text(rng));
                    }
                    q
                }
            }
        })
        .collect();
    Json::Array(items)
}
