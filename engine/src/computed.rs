//! The answers of a loaded response as the engine computes them, for a
//! server to store instead of what the device claims (issue 12, "server-side
//! truth").
//!
//! [`FormState::computed_answers`] walks the state like the submitted
//! response does: answers of non-relevant fields are left out (a
//! non-relevant repeat instance stays as `{}`), calculations carry the
//! engine's value, every other answer is what was loaded.
//!
//! *Decision: the engine is the judge only of what it can compute alone.* A
//! calculation that reads the device's clock, time zone, randomness or
//! chosen language (`now()`, `today()`, `random()`, `uuid()`, `once()`, `.`,
//! `jr:choice-name`, `format-date(-time)`, which shows a date-time in the
//! device's zone), or another calculation that does, would get the
//! server's value, which is not the truth (an interview's duration measured
//! on the server, an age off by the time zone): the device's value is kept.
//! Likewise a field whose relevance depends on such a calculation (its own
//! or an enclosing group's or repeat's) is kept exactly as the device sent
//! it, present or absent.

use serde_json::Value as Json;

use crate::compile::{Compiled, CompiledForm, FieldId};
use crate::response::Take;
use crate::state::{FormState, InstanceId};

/// Which fields the engine cannot judge alone (see the module docs).
struct DeviceDependent {
    /// The calculation's value depends on the device.
    value: Vec<bool>,
    /// The field's relevance (or an ancestor's) depends on the device.
    relevance: Vec<bool>,
}

impl DeviceDependent {
    fn of(form: &CompiledForm) -> DeviceDependent {
        let n = form.fields.len();
        let mut value = vec![false; n];
        // Calculations read each other in any order: iterate to a fixpoint
        // (each pass marks at least one more field, or stops).
        let own: Vec<bool> = form
            .fields
            .iter()
            .map(
                |f| match (&f.props.calculation, f.props.trigger.is_empty()) {
                    (Some(c), true) => reads_the_device(c),
                    _ => false,
                },
            )
            .collect();
        loop {
            let mut changed = false;
            for f in &form.fields {
                let i = f.id.index();
                if value[i] {
                    continue;
                }
                let dependent = match (&f.props.calculation, f.props.trigger.is_empty()) {
                    (Some(c), true) => own[i] || c.refs.iter().any(|&(_, r)| value[r.index()]),
                    _ => false,
                };
                if dependent {
                    value[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let own_relevance: Vec<bool> = form
            .fields
            .iter()
            .map(|f| {
                f.props.relevant.as_ref().is_some_and(|c| {
                    reads_the_device(c) || c.refs.iter().any(|&(_, r)| value[r.index()])
                })
            })
            .collect();
        let relevance = (0..n)
            .map(|i| {
                let mut at = Some(FieldId(i as u32));
                while let Some(f) = at {
                    if own_relevance[f.index()] {
                        return true;
                    }
                    at = form.field(f).parent;
                }
                false
            })
            .collect();
        DeviceDependent { value, relevance }
    }
}

/// The expression reads the clock, the time zone, randomness, the
/// language, its own previous value (`once()`) or the last response saved
/// on the device (`${last-saved#x}`), which only the device saw.
fn reads_the_device(c: &Compiled) -> bool {
    let analysis = c.expr.analyze();
    c.uses_language
        || analysis.uses_current
        || !analysis.volatile.is_empty()
        || analysis
            .references
            .iter()
            .any(|r| r.kind == crate::expr::ReferenceKind::LastSaved)
        || formats_dates(&c.expr)
}

/// `format-date` and `format-date-time` show a date-time in the device's
/// zone, and `date()` takes a date-time's date there.
fn formats_dates(e: &crate::expr::Expr) -> bool {
    use crate::expr::{ExprKind, Func};
    let mut found = false;
    e.visit(&mut |e| {
        found |= matches!(
            e.kind,
            ExprKind::Call {
                func: Func::FormatDate | Func::FormatDateTime | Func::Date,
                ..
            }
        );
    });
    found
}

impl FormState {
    /// The answers as the engine computes them from what was loaded
    /// (normally with [`FormState::from_response`] from `sent`, the
    /// device's answer tree): see the module docs. `end` questions keep
    /// their loaded value (unlike [`FormState::to_response`], which stamps
    /// them with the current time).
    pub fn computed_answers(&self, sent: &Json) -> Json {
        let dependent = DeviceDependent::of(&self.form);
        let top: Vec<FieldId> = self.form.top_level().collect();
        let answers = self.answer_tree(InstanceId::ROOT, &top, sent.as_object(), &|field, sent| {
            let i = field.id.index();
            if dependent.relevance[i] {
                Take::AsSent
            } else if dependent.value[i] {
                Take::Text(sent.and_then(Json::as_str).unwrap_or_default())
            } else {
                Take::Engine
            }
        });
        Json::Object(answers)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::env::FixedEnvironment;
    use crate::response::Status;
    use crate::response::fixtures::{add_answered, complete_response};
    use crate::testing::{compiled, q};

    fn form() -> Arc<CompiledForm> {
        compiled(
            json!([
                q("end", "end", json!({})),
                q("consent", "select_one", json!({ "choices": "yn" })),
                q("name", "text", json!({ "relevant": "${consent} = 'yes'" })),
                q("age", "integer", json!({})),
                q("eligible", "calculate", json!({ "calculation": "if(${age} >= 18, 1, 0)" })),
                { "kind": "repeat", "name": "member", "items": [
                    q("m_age", "integer", json!({})),
                    q("job", "text", json!({ "relevant": "${m_age} >= 15" })),
                    q("adult", "calculate", json!({ "calculation": "${m_age} >= 18" })),
                ]},
                { "kind": "group", "name": "later", "relevant": "${age} > 100", "items": [
                    q("note", "text", json!({})),
                ]},
                q("stamp", "calculate", json!({ "calculation": "now()" })),
                q("stamp_copy", "calculate", json!({ "calculation": "concat('at ', ${stamp})" })),
                q("fresh", "text", json!({ "relevant": "${stamp} != ''" })),
                q("label", "calculate",
                  json!({ "calculation": "jr:choice-name(${consent}, '${consent}')" })),
            ]),
            json!({ "yn": [
                { "name": "yes", "label": { "en": "Yes", "ro": "Da" } },
                { "name": "no", "label": { "en": "No", "ro": "Nu" } },
            ]}),
        )
    }

    fn computed(answers: Json) -> Json {
        let form = form();
        let env = FixedEnvironment::default();
        let response = complete_response(&form, answers.clone());
        let state = FormState::from_response(form, &response, &env).unwrap();
        state.computed_answers(&answers)
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn drops_non_relevant_answers_and_recomputes_calculations() {
        let got = computed(json!({
            "consent": "no", "name": "Ana", "age": "12", "eligible": "1",
            "member": [
                { "m_age": "10", "job": "miner", "adult": "true" },
                { "m_age": "40", "job": "teacher", "adult": "false" },
            ],
            "later": { "note": "kept?" },
        }));
        assert_eq!(got["eligible"], "0", "{got}");
        assert!(got.get("name").is_none(), "{got}");
        assert!(got.get("later").is_none(), "{got}");
        assert_eq!(
            got["member"],
            json!([
                { "m_age": "10", "adult": "false" },
                { "m_age": "40", "job": "teacher", "adult": "true" },
            ])
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn relevant_answers_and_right_calculations_are_unchanged() {
        let sent = json!({
            "consent": "yes", "name": "Ana", "age": "30", "eligible": "1",
            "member": [{ "m_age": "20", "job": "cook", "adult": "true" }],
        });
        assert_eq!(computed(sent.clone()), sent);
        // A missing calculation is filled in: the engine computed it.
        let got = computed(json!({ "age": "30" }));
        assert_eq!(got["eligible"], "1", "{got}");
    }

    /// What the app sends, the server stores unchanged: a response built by
    /// the engine is its own computation (`end` included, though its time
    /// has passed).
    #[wasm_bindgen_test(unsupported = test)]
    fn an_engine_built_response_is_unchanged() {
        let form = form();
        let device = FixedEnvironment::default();
        let mut s = FormState::new(form.clone(), &device);
        s.set("consent", "no", &device).unwrap();
        s.set("name", "Ana", &device).unwrap();
        s.set("age", "17", &device).unwrap();
        for age in ["16", "3"] {
            add_answered(&mut s, "member", &[("m_age", age), ("job", "x")], &device);
        }
        let sent = s.to_response(Status::Complete, &device);
        let server = FixedEnvironment::at(device.now_millis + 86_400_000);
        let loaded = FormState::from_response(form, &sent, &server).unwrap();
        assert_eq!(loaded.computed_answers(&sent.answers), sent.answers);
    }

    /// A date-time is formatted in the device's zone: the server, in
    /// another, keeps what the device showed.
    #[wasm_bindgen_test(unsupported = test)]
    fn keeps_dates_formatted_in_the_devices_zone() {
        let form = compiled(
            json!([
                q("dt", "datetime", json!({})),
                q(
                    "hm",
                    "calculate",
                    json!({ "calculation": "format-date-time(${dt}, '%H:%M')" })
                ),
                q(
                    "plus",
                    "calculate",
                    json!({ "calculation": "concat(${hm}, '!')" })
                ),
                q(
                    "day",
                    "calculate",
                    json!({ "calculation": "string(date(${dt}))" })
                ),
                q(
                    "length",
                    "calculate",
                    json!({ "calculation": "string-length(${dt})" })
                ),
            ]),
            json!({}),
        );
        let answers = json!({
            "dt": "2024-01-15T01:00:00.000+03:00", "hm": "01:00", "plus": "01:00!",
            "day": "2024-01-15", "length": "wrong",
        });
        let response = complete_response(&form, answers.clone());
        let server = FixedEnvironment::default();
        let state = FormState::from_response(form, &response, &server).unwrap();
        // In the server's zone (UTC) that instant is still the 14th.
        assert_eq!(state.value(state.node("hm").unwrap()), "22:00");
        assert_eq!(state.value(state.node("day").unwrap()), "2024-01-14");
        let got = state.computed_answers(&answers);
        assert_eq!(
            (&got["hm"], &got["plus"], &got["day"]),
            (&json!("01:00"), &json!("01:00!"), &json!("2024-01-15"))
        );
        // What does not read the zone is still the engine's to compute.
        assert_eq!(got["length"], "29");
    }

    /// What depends on the device's clock or language is the device's word.
    #[wasm_bindgen_test(unsupported = test)]
    fn keeps_what_only_the_device_could_compute() {
        let got = computed(json!({
            "consent": "yes", "age": "30",
            "stamp": "2020-01-01T00:00:00.000+03:00",
            "stamp_copy": "at 2020-01-01T00:00:00.000+03:00",
            "fresh": "yes", "label": "Da",
        }));
        assert_eq!(got["stamp"], "2020-01-01T00:00:00.000+03:00");
        assert_eq!(got["stamp_copy"], "at 2020-01-01T00:00:00.000+03:00");
        assert_eq!(got["fresh"], "yes");
        assert_eq!(got["label"], "Da");
        // Left out by the device: left out here too.
        let got = computed(json!({ "consent": "yes", "age": "30" }));
        assert!(
            got.get("stamp").is_none() && got.get("fresh").is_none(),
            "{got}"
        );
    }
}
