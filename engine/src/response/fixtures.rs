//! Forms, responses and answers that the tests of responses, drafts and
//! computed answers share.

#![allow(clippy::unwrap_used)]

use serde_json::{Value as Json, json};

use super::{Meta, Response, Status};
use crate::compile::CompiledForm;
use crate::env::Environment;
use crate::state::FormState;
use crate::testing::q;

/// The items of a household form: `start`, `end`, `village`, the group
/// `household` (`hh_size`, and `secret`, shown past 5 people), the repeat
/// `member` (`name`, `age`, and the `greeting` computed from the name) and
/// the `total` of the ages. `top` adds questions after `village`, `member`
/// after `age`.
pub(crate) fn household_items(top: &[Json], member: &[Json]) -> Json {
    let mut items = vec![
        q("start", "start", json!({})),
        q("end", "end", json!({})),
        q("village", "text", json!({})),
    ];
    items.extend_from_slice(top);
    let mut member_items = vec![q("name", "text", json!({})), q("age", "integer", json!({}))];
    member_items.extend_from_slice(member);
    member_items.push(q(
        "greeting",
        "calculate",
        json!({ "calculation": "concat('Hi ', ${name})" }),
    ));
    items.extend([
        json!({ "kind": "group", "name": "household", "items": [
            q("hh_size", "integer", json!({})),
            q("secret", "text", json!({ "relevant": "${hh_size} > 5" })),
        ]}),
        json!({ "kind": "repeat", "name": "member", "items": member_items }),
        q(
            "total",
            "calculate",
            json!({ "calculation": "sum(${age})" }),
        ),
    ]);
    Json::Array(items)
}

/// A complete response of `form` with these answers, as a device sends one.
pub(crate) fn complete_response(form: &CompiledForm, answers: Json) -> Response {
    Response {
        instance_id: "0190b4e7-a2c5-7f1d-8c1e-3d2e1f0a9b8c".into(),
        form_id: form.form.id.clone(),
        form_version: form.form.version.clone(),
        status: Status::Complete,
        meta: Meta::default(),
        answers,
    }
}

/// Adds an instance of the repeat at `repeat` and gives its questions these
/// answers, `(name, text)` in order.
pub(crate) fn add_answered(
    s: &mut FormState,
    repeat: &str,
    answers: &[(&str, &str)],
    env: &dyn Environment,
) {
    let (id, _) = s.add(repeat, env).unwrap();
    let path = s.instance_path(id);
    for (name, text) in answers {
        s.set(&format!("{path}/{name}"), text, env).unwrap();
    }
}
