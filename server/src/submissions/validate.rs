//! Re-validating a submission on the server with the engine: the same
//! checks the app ran while the enumerator typed (types and formats,
//! choices, ranges, required, constraints), on the whole response; and
//! what to store of it (issue 12, "server-side truth").
//!
//! *Decisions.* What is stored is what the engine computes
//! ([`FormState::computed_answers`]), not what the device claims:
//! - answers to non-relevant questions are dropped, not refused (a draft
//!   keeps them so they come back; an older app or another client may send
//!   them);
//! - calculations are recomputed and the engine's value is stored, without
//!   refusing a mismatch: a device on an older engine build must not lose
//!   its interview over a value the server can compute itself. What only
//!   the device could compute (clock, randomness, language) stays the
//!   device's (see `fieldform_engine::computed`);
//! - `meta` keeps only its known keys ([`META_KEYS`]), each a string of at
//!   most [`MAX_META_CHARS`] characters (longer is refused, located);
//!   unknown keys are dropped (a newer app may add some);
//! - an unknown top-level field is refused, named ([`TOP_LEVEL`]): it
//!   would be silently lost otherwise.

use std::sync::Arc;

use fieldform_engine::compile::CompiledForm;
use fieldform_engine::response::{Response, is_uuid_v7};
use fieldform_engine::state::FormState;
use serde_json::{Map, Value};

use crate::environment::SystemEnvironment;
use crate::error::FieldError;

/// Most field errors one refusal lists; the rest are counted in a last
/// line. A device needs the first few to fix a form; thousands (one per
/// repeat instance) only made replies of megabytes (issue 12).
pub const MAX_FIELD_ERRORS: usize = 50;

/// Longest field path or message in a refusal, in characters: both can
/// quote what the device sent.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// Every top-level field a submission may have: the engine's `Response`
/// (what the app and its service worker send) and `corrects`.
pub const TOP_LEVEL: [&str; 7] = [
    "instance_id",
    "form_id",
    "form_version",
    "status",
    "meta",
    "answers",
    "corrects",
];

/// The `meta` keys stored (the engine's `Meta`); others are dropped.
pub const META_KEYS: [&str; 4] = ["start", "end", "enumerator", "device"];

/// Longest `meta` value, in characters (date-times, a user name, a device id).
pub const MAX_META_CHARS: usize = 200;

/// What is stored of an accepted submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The answers as the engine computes them.
    pub answers: Value,
    /// The known `meta` keys.
    pub meta: Value,
}

/// Checks a submission document (the engine's `Response` JSON:
/// `instance_id`, `form_id`, `form_version`, `status`, `meta`, `answers`;
/// plus an optional `corrects`) against the compiled form it claims to
/// answer. Returns every problem found, not just the first; accepted, what
/// to store of it (see the module docs).
///
/// First the envelope (so that a malformed document gets precise field
/// errors), then the engine: `FormState::from_response` (every answer name
/// in its place, the right shapes) and `validate::validate`.
///
/// The refusal is bounded: at most [`MAX_FIELD_ERRORS`] errors (then one
/// "and N more"), each cut to [`MAX_MESSAGE_CHARS`]; the engine refuses a
/// response that would build too many repeat instances before building
/// them (`FormState::from_response`).
pub fn validate_submission(
    form: &Arc<CompiledForm>,
    submission: &Value,
) -> Result<Accepted, Vec<FieldError>> {
    check_submission(form, submission).map_err(bounded)
}

fn check_submission(
    form: &Arc<CompiledForm>,
    submission: &Value,
) -> Result<Accepted, Vec<FieldError>> {
    let meta = match (
        check_envelope(&form.form, submission),
        known_meta(submission.get("meta")),
    ) {
        (Ok(()), Ok(meta)) => meta,
        (envelope, meta) => {
            let mut errors = envelope.err().unwrap_or_default();
            errors.extend(meta.err().unwrap_or_default());
            return Err(errors);
        }
    };
    let mut document = submission.clone();
    if let Some(doc) = document.as_object_mut() {
        doc.remove("corrects");
        // Older clients may omit the status; what is submitted is complete.
        doc.entry("status")
            .or_insert_with(|| Value::from("complete"));
        // Checked above; the engine's `Meta` would refuse only some of it.
        doc.insert("meta".to_owned(), meta.clone());
    }
    let response: Response = serde_json::from_value(document)
        .map_err(|e| vec![FieldError::new("", format!("not a response document: {e}"))])?;
    let env = SystemEnvironment::default();
    let state = FormState::from_response(form.clone(), &response, &env)
        .map_err(|e| vec![FieldError::new("answers", e.to_string())])?;
    let issues = fieldform_engine::validate::validate(&state, &form.form.default_language);
    if issues.is_empty() {
        Ok(Accepted {
            answers: state.computed_answers(&response.answers),
            meta,
        })
    } else {
        Err(issues
            .into_iter()
            .map(|issue| FieldError::new(format!("answers.{}", issue.path), issue.message))
            .collect())
    }
}

/// The first [`MAX_FIELD_ERRORS`] errors, each cut short, and a count of
/// the rest.
fn bounded(errors: Vec<FieldError>) -> Vec<FieldError> {
    let total = errors.len();
    let mut out: Vec<FieldError> = errors
        .into_iter()
        .take(MAX_FIELD_ERRORS)
        .map(|e| FieldError::new(truncate(&e.field), truncate(&e.message)))
        .collect();
    if total > MAX_FIELD_ERRORS {
        out.push(FieldError::new(
            "answers",
            format!(
                "and {} more problems (only the first {MAX_FIELD_ERRORS} are listed)",
                total - MAX_FIELD_ERRORS
            ),
        ));
    }
    out
}

/// `text` cut to [`MAX_MESSAGE_CHARS`] characters, marked with `…` when cut.
pub(crate) fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// The known keys of `meta` (absent: `{}`), each a short string.
fn known_meta(meta: Option<&Value>) -> Result<Value, Vec<FieldError>> {
    let fields = match meta {
        None | Some(Value::Null) => return Ok(Value::Object(Map::new())),
        Some(Value::Object(fields)) => fields,
        Some(_) => return Err(vec![FieldError::new("meta", "must be a JSON object")]),
    };
    let mut kept = Map::new();
    let mut errors = Vec::new();
    for key in META_KEYS {
        match fields.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if text.chars().count() <= MAX_META_CHARS => {
                kept.insert(key.to_owned(), Value::String(text.clone()));
            }
            Some(Value::String(_)) => errors.push(FieldError::new(
                format!("meta.{key}"),
                format!("must be at most {MAX_META_CHARS} characters"),
            )),
            Some(_) => errors.push(FieldError::new(format!("meta.{key}"), "must be a string")),
        }
    }
    if errors.is_empty() {
        Ok(Value::Object(kept))
    } else {
        Err(errors)
    }
}

/// The envelope: object, only known top-level fields, UUID v7 instance id,
/// the right form and version, `corrects` naming the instance itself,
/// answers an object.
fn check_envelope(
    form: &fieldform_engine::model::Form,
    submission: &Value,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(doc) = submission.as_object() else {
        return Err(vec![FieldError::new(
            "",
            "a submission must be a JSON object",
        )]);
    };
    for key in doc.keys().filter(|k| !TOP_LEVEL.contains(&k.as_str())) {
        errors.push(FieldError::new(
            key.clone(),
            format!(
                "is not a field of a submission (those are: {})",
                TOP_LEVEL.join(", ")
            ),
        ));
    }
    let instance_id = doc.get("instance_id").and_then(Value::as_str);
    match instance_id {
        Some(id) if is_uuid_v7(id) => {}
        Some(id) => errors.push(FieldError::new(
            "instance_id",
            format!("`{id}` is not a UUID v7 (like 0190b4e7-a2c5-7f1d-8c1e-3d2e1f0a9b8c)"),
        )),
        None => errors.push(FieldError::new("instance_id", "must be a UUID v7 string")),
    }
    if doc.get("form_id").and_then(Value::as_str) != Some(form.id.as_str()) {
        errors.push(FieldError::new("form_id", format!("must be `{}`", form.id)));
    }
    if doc.get("form_version").and_then(Value::as_str) != Some(form.version.as_str()) {
        errors.push(FieldError::new(
            "form_version",
            format!("must be `{}`", form.version),
        ));
    }
    match doc.get("corrects") {
        None | Some(Value::Null) => {}
        Some(Value::String(target)) if Some(target.as_str()) == instance_id => {}
        Some(_) => errors.push(FieldError::new(
            "corrects",
            "must be the submission's own instance_id: a correction replaces that instance",
        )),
    }
    match doc.get("answers") {
        Some(Value::Object(_)) => {}
        Some(_) => errors.push(FieldError::new("answers", "must be a JSON object")),
        None => errors.push(FieldError::new("answers", "is missing")),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldform_engine::model::Form;
    use serde_json::json;

    fn form() -> Arc<CompiledForm> {
        let form = Form::from_json(
            r#"{"format":1,"id":"f","version":"1","title":{"en":"F"},
                "languages":[{"code":"en","name":"English"}],"default_language":"en",
                "items":[{"kind":"question","type":"integer","name":"age",
                          "constraint":". < 150"}]}"#,
        )
        .expect("form");
        Arc::new(fieldform_engine::compile::compile(&form).expect("compiles"))
    }

    const ID: &str = "0190b4e7-a2c5-7f1d-8c1e-3d2e1f0a9b8c";

    #[test]
    fn accepts_a_well_formed_submission() {
        let doc =
            json!({"instance_id": ID, "form_id":"f","form_version":"1","answers":{"age":"3"}});
        let accepted = validate_submission(&form(), &doc).expect("valid");
        assert_eq!(accepted.answers, json!({"age": "3"}));
        assert_eq!(accepted.meta, json!({}));
    }

    #[test]
    fn reports_every_envelope_problem() {
        let doc = json!({"instance_id":"nope","form_id":"g","form_version":"1",
            "answers":[],"corrects":"other"});
        let errors = validate_submission(&form(), &doc).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["instance_id", "form_id", "corrects", "answers"]);
    }

    /// Issue 12: a count of 99,999,999 built 10,000 instances and a 9 MB
    /// refusal; a constraint failing in every instance gave one error each.
    #[test]
    fn refusals_are_bounded() {
        let form = Form::from_json(
            r#"{"format":1,"id":"f","version":"1","title":{"en":"F"},
                "languages":[{"code":"en","name":"English"}],"default_language":"en",
                "items":[{"kind":"question","type":"integer","name":"n"},
                  {"kind":"repeat","name":"member","repeat_count":"${n}","items":[
                    {"kind":"question","type":"text","name":"name","required":"true()"}]}]}"#,
        )
        .expect("form");
        let form = Arc::new(fieldform_engine::compile::compile(&form).expect("compiles"));
        let doc = json!({"instance_id": ID, "form_id":"f","form_version":"1",
            "answers":{"n":"99999999"}});
        let errors = validate_submission(&form, &doc).expect_err("too many instances");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("more than 1000 instances"),
            "{errors:?}"
        );
        // 900 instances are allowed, each missing its required name: 50
        // errors and a count of the rest.
        let doc = json!({"instance_id": ID, "form_id":"f","form_version":"1",
            "answers":{"n":"900"}});
        let errors = validate_submission(&form, &doc).expect_err("required names");
        assert_eq!(errors.len(), MAX_FIELD_ERRORS + 1);
        assert_eq!(
            errors[MAX_FIELD_ERRORS].message,
            "and 850 more problems (only the first 50 are listed)"
        );
        // A long unknown name is quoted, but cut short.
        let long = "x".repeat(100_000);
        let doc = json!({"instance_id": ID, "form_id":"f","form_version":"1",
            "answers":{ long: "1" }});
        let errors = validate_submission(&form, &doc).expect_err("unknown name");
        assert!(
            errors[0].message.chars().count() <= MAX_MESSAGE_CHARS + 1,
            "{errors:?}"
        );
        assert!(errors[0].message.ends_with('…'));
    }

    #[test]
    fn the_engine_checks_names_types_and_constraints() {
        let doc =
            json!({"instance_id": ID, "form_id":"f","form_version":"1","answers":{"shoe":"1"}});
        let errors = validate_submission(&form(), &doc).expect_err("unknown name");
        assert!(errors[0].message.contains("shoe"), "{errors:?}");
        for (age, what) in [("x", "not an integer"), ("200", "constraint")] {
            let doc =
                json!({"instance_id": ID, "form_id":"f","form_version":"1","answers":{"age": age}});
            let errors = validate_submission(&form(), &doc).expect_err(what);
            assert_eq!(errors[0].field, "answers.age", "{what}: {errors:?}");
        }
    }

    /// Issue 12 item 6: what is stored is what the engine computes.
    #[test]
    fn accepted_answers_are_the_engines() {
        let form = Form::from_json(
            r#"{"format":1,"id":"f","version":"1","title":{"en":"F"},
                "languages":[{"code":"en","name":"English"}],"default_language":"en",
                "items":[{"kind":"repeat","name":"member","items":[
                    {"kind":"question","type":"integer","name":"age"},
                    {"kind":"question","type":"text","name":"job","relevant":"${age} >= 15"},
                    {"kind":"question","type":"calculate","name":"adult",
                     "calculation":"if(${age} >= 18, 1, 0)"}]}]}"#,
        )
        .expect("form");
        let form = Arc::new(fieldform_engine::compile::compile(&form).expect("compiles"));
        let doc = json!({"instance_id": ID, "form_id":"f","form_version":"1",
            "meta": {"start": "2026-01-01T10:00:00.000+02:00", "device": "tab", "gps": "1 2"},
            "answers": {"member": [
                {"age": "9", "job": "miner", "adult": "1"},
                {"age": "30", "job": "cook", "adult": "0"}]}});
        let accepted = validate_submission(&form, &doc).expect("valid");
        assert_eq!(
            accepted.answers,
            json!({"member": [{"age": "9", "adult": "0"},
                              {"age": "30", "job": "cook", "adult": "1"}]})
        );
        assert_eq!(
            accepted.meta,
            json!({"start": "2026-01-01T10:00:00.000+02:00", "device": "tab"})
        );
    }

    #[test]
    fn unknown_top_level_fields_and_bad_meta_are_refused() {
        let doc = json!({"instance_id": ID, "form_id":"f","form_version":"1",
            "answers":{"age":"3"}, "answerz": {}, "meta": {"enumerator": ["a"]}});
        let errors = validate_submission(&form(), &doc).expect_err("unknown field");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["answerz", "meta.enumerator"], "{errors:?}");
        let doc = json!({"instance_id": ID, "form_id":"f","form_version":"1",
            "answers":{"age":"3"}, "meta": {"enumerator": ["a"], "end": "x".repeat(201)}});
        let errors = validate_submission(&form(), &doc).expect_err("bad meta");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["meta.end", "meta.enumerator"], "{errors:?}");
        let doc = json!({"instance_id": ID, "form_id":"f","form_version":"1",
            "answers":{"age":"3"}, "meta": "tablet"});
        let errors = validate_submission(&form(), &doc).expect_err("meta not an object");
        assert_eq!(errors[0].field, "meta", "{errors:?}");
    }
}
