//! Issue 12 item 6, "server-side truth": the server stores what the engine
//! computes (no answers to non-relevant questions, calculations recomputed),
//! keeps `meta`, and refuses unknown top-level fields; re-sends and
//! corrections still work. On SQLite and on PostgreSQL (see `api.rs` for
//! `FIELDFORM_TEST_DATABASE_URL`).

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::path::PathBuf;

use axum::http::{Method, StatusCode};
use common::{Backend, TestApp, error_fields, uuid};
use fieldform_server::store::Role;
use serde_json::{Value, json};

/// Consent gates the name; `eligible` is computed from the age; members'
/// jobs are asked from 15 and `adult` is computed per member.
fn consent_form() -> Value {
    json!({
        "format": 1, "id": "consent", "version": "1",
        "title": { "en": "Consent" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "choices": { "yn": [
            { "name": "yes", "label": { "en": "Yes" } },
            { "name": "no", "label": { "en": "No" } }
        ]},
        "items": [
            { "kind": "question", "name": "consent", "type": "select_one", "choices": "yn",
              "label": { "en": "Consent?" } },
            { "kind": "question", "name": "resp_name", "type": "text",
              "label": { "en": "Name" }, "relevant": "${consent} = 'yes'" },
            { "kind": "question", "name": "age", "type": "integer", "label": { "en": "Age" } },
            { "kind": "question", "name": "eligible", "type": "calculate",
              "calculation": "if(${age} >= 18, 1, 0)" },
            { "kind": "repeat", "name": "member", "label": { "en": "Member" }, "items": [
                { "kind": "question", "name": "m_age", "type": "integer",
                  "label": { "en": "Age" } },
                { "kind": "question", "name": "job", "type": "text",
                  "label": { "en": "Job" }, "relevant": "${m_age} >= 15" },
                { "kind": "question", "name": "adult", "type": "calculate",
                  "calculation": "if(${m_age} >= 18, 'yes', 'no')" }
            ]}
        ]
    })
}

/// The server with a coordinator and an enumerator signed in and
/// [`consent_form`] published.
async fn app(backend: Backend) -> TestApp {
    let app = TestApp::unlimited(backend, &[Role::Coordinator, Role::Enumerator]).await;
    app.publish(&app.coordinator, consent_form()).await;
    app
}

impl TestApp {
    async fn submit(&self, item: &Value) -> (StatusCode, Value) {
        let token = self.enumerator.clone();
        self.call_as(Method::POST, "/api/submissions", &token, Some(item.clone()))
            .await
    }

    /// The current revision of `instance_id`, as coordinators read it.
    async fn stored(&self, instance_id: &str) -> Value {
        let token = self.coordinator.clone();
        let (status, body) = self
            .call_as(Method::GET, "/api/forms/consent/submissions", &token, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A page of submissions or a bare list, whichever the route answers.
        let items = body
            .get("submissions")
            .cloned()
            .unwrap_or(body)
            .as_array()
            .cloned()
            .unwrap();
        items
            .into_iter()
            .find(|s| s["instance_id"] == instance_id && s["superseded"] == false)
            .unwrap_or_else(|| panic!("{instance_id} is not stored"))
    }
}

/// What an older or careless device might send: the name although consent
/// was refused, `eligible` wrong, a member's job below 15 and `adult` wrong.
fn submission(id: &str) -> Value {
    json!({
        "instance_id": id, "form_id": "consent", "form_version": "1",
        "status": "complete",
        "meta": {
            "start": "2026-03-02T09:00:00.000+02:00",
            "end": "2026-03-02T09:20:00.000+02:00",
            "enumerator": "enum", "device": "tab-7",
            "battery": "12%"
        },
        "answers": {
            "consent": "no", "resp_name": "Ana Popescu", "age": "12", "eligible": "1",
            "member": [
                { "m_age": "10", "job": "miner", "adult": "yes" },
                { "m_age": "40", "job": "teacher", "adult": "no" }
            ]
        }
    })
}

async fn stores_what_the_engine_computes(backend: Backend) {
    let app = app(backend).await;
    let id = uuid();
    let (status, body) = app.submit(&submission(&id)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let stored = app.stored(&id).await;
    assert_eq!(
        stored["answers"],
        json!({
            "consent": "no", "age": "12", "eligible": "0",
            "member": [
                { "m_age": "10", "adult": "no" },
                { "m_age": "40", "job": "teacher", "adult": "yes" }
            ]
        }),
        "no name without consent, calculations recomputed"
    );
    // `meta` is kept, its unknown keys are not.
    assert_eq!(
        stored["meta"],
        json!({
            "start": "2026-03-02T09:00:00.000+02:00",
            "end": "2026-03-02T09:20:00.000+02:00",
            "enumerator": "enum", "device": "tab-7"
        })
    );
}

async fn resends_and_corrections(backend: Backend) {
    let app = app(backend).await;
    let id = uuid();
    let first = submission(&id);
    let (status, body) = app.submit(&first).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The exact re-send, although what is stored differs from what was sent.
    let (status, body) = app.submit(&first).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "duplicate", "{body}");
    // Other content, even only in an answer the engine drops: a conflict.
    let mut other = first.clone();
    other["answers"]["resp_name"] = json!("Ana");
    let (status, body) = app.submit(&other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "conflict", "{body}");
    // A correction: consent given after all, the age fixed.
    let mut corrected = first.clone();
    corrected["corrects"] = json!(id);
    corrected["answers"]["consent"] = json!("yes");
    corrected["answers"]["age"] = json!("21");
    let (status, body) = app.submit(&corrected).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["revision"], 2, "{body}");
    let stored = app.stored(&id).await;
    assert_eq!(stored["revision"], 2);
    assert_eq!(stored["answers"]["resp_name"], "Ana Popescu");
    assert_eq!(stored["answers"]["eligible"], "1");
    // Its exact re-send is a duplicate of revision 2.
    let (status, body) = app.submit(&corrected).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revision"], 2, "{body}");
}

async fn unknown_and_bad_fields_are_refused(backend: Backend) {
    let app = app(backend).await;
    let mut item = submission(&uuid());
    item["answer"] = json!({ "age": "3" });
    let (status, body) = app.submit(&item).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_submission", "{body}");
    assert_eq!(error_fields(&body), ["answer"], "{body}");
    let mut item = submission(&uuid());
    item["meta"]["device"] = json!("x".repeat(201));
    item["meta"]["end"] = json!(3);
    let (status, body) = app.submit(&item).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_fields(&body), ["meta.end", "meta.device"], "{body}");
    // Without `meta` or `status` (older clients, the benchmark): accepted.
    let id = uuid();
    let mut item = submission(&id);
    let doc = item.as_object_mut().unwrap();
    doc.remove("meta");
    doc.remove("status");
    let (status, body) = app.submit(&item).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(app.stored(&id).await["meta"], json!({}));
}

/// The shipped forms, filled in by a device in another time zone and
/// language than the server's, then loaded a day later: what the app sends
/// is what the engine computes (clock, language and all), so the server
/// stores it unchanged and an exact re-send stays a duplicate.
#[test]
fn shipped_forms_as_the_app_sends_them_are_stored_unchanged() {
    use std::sync::Arc;

    use fieldform_engine::compile::{CompiledForm, FieldKind, ScopeId};
    use fieldform_engine::env::FixedEnvironment;
    use fieldform_engine::model::{Form, QuestionType as T};
    use fieldform_engine::response::Status;
    use fieldform_engine::state::{FormState, InstanceId};

    fn value(form: &CompiledForm, f: &fieldform_engine::compile::Field) -> Option<String> {
        Some(match f.question_type()? {
            T::Integer => "30".into(),
            T::Decimal => "2.5".into(),
            T::Range => "1".into(),
            T::Text => "some text".into(),
            T::SelectOne | T::SelectMultiple => form.choices(f.id).first()?.name.clone(),
            T::Date => "1990-05-01".into(),
            T::Acknowledge => "OK".into(),
            _ => return None,
        })
    }

    /// Answers every settable question of `scope` in `inst`, then fills
    /// the instances of the repeats inside it (adding one where nothing
    /// counts them).
    fn fill(
        state: &mut FormState,
        form: &CompiledForm,
        scope: ScopeId,
        inst: InstanceId,
        env: &FixedEnvironment,
    ) {
        let prefix = match state.instance_path(inst) {
            p if p.is_empty() => p,
            p => format!("{p}/"),
        };
        for f in form.fields.iter().filter(|f| f.scope == scope) {
            if let (FieldKind::Question(_), true, Some(v)) =
                (f.kind, f.is_settable(), value(form, f))
            {
                // Refusals (a read-only question, a constraint) do not matter here.
                let _ = state.set(&format!("{prefix}{}", f.name), &v, env);
            }
        }
        let repeats = form.fields.iter().filter(|f| {
            f.kind == FieldKind::Repeat
                && f.parent.map_or(ScopeId::ROOT, |p| form.field(p).scope) == scope
        });
        for r in repeats {
            if state.instances(r.id, inst).is_empty() {
                let _ = state.add(&format!("{prefix}{}", r.name), env);
            }
            for child in state.instances(r.id, inst).to_vec() {
                fill(state, form, r.scope, child, env);
            }
        }
    }

    fn leaves(v: &Value) -> usize {
        match v {
            Value::Object(m) => m.values().map(leaves).sum(),
            Value::Array(a) => a.iter().map(leaves).sum(),
            _ => 1,
        }
    }

    for file in ["ggs_household.form.json", "ssc_annual_report.form.json"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../forms")
            .join(file);
        let form = Form::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let compiled = Arc::new(fieldform_engine::compile::compile(&form).unwrap());
        // 00:30 on the 16th in UTC+3, still the 15th in UTC.
        let mut device = FixedEnvironment::at(1_705_361_400_000);
        device.utc_offset_minutes = 180;
        let mut state = FormState::new(compiled.clone(), &device);
        if let Some(lang) = form.languages.last() {
            state.set_language(&lang.code, &device).unwrap();
        }
        // Answers open more questions: a few rounds.
        for _ in 0..3 {
            fill(
                &mut state,
                &compiled,
                ScopeId::ROOT,
                InstanceId::ROOT,
                &device,
            );
        }
        let sent = state.to_response(Status::Complete, &device);
        assert!(
            leaves(&sent.answers) > 10,
            "{file}: too few answers to tell"
        );
        let server = FixedEnvironment::at(1_705_361_400_000 + 86_400_000);
        let loaded = FormState::from_response(compiled, &sent, &server).unwrap();
        assert_eq!(
            loaded.computed_answers(&sent.answers),
            sent.answers,
            "{file}"
        );
    }
}

on_both_backends!(
    stores_what_the_engine_computes,
    resends_and_corrections,
    unknown_and_bad_fields_are_refused,
);
