//! Re-validating a submission on the server with the engine: the same
//! checks the app ran while the enumerator typed (types and formats,
//! choices, ranges, required, constraints), on the whole response.

use std::sync::Arc;

use fieldform_engine::compile::CompiledForm;
use fieldform_engine::response::{Response, is_uuid_v7};
use fieldform_engine::state::FormState;
use serde_json::Value;

use crate::environment::SystemEnvironment;
use crate::error::FieldError;

/// Most field errors one refusal lists; the rest are counted in a last
/// line. A device needs the first few to fix a form; thousands (one per
/// repeat instance) only made replies of megabytes (issue 12).
pub const MAX_FIELD_ERRORS: usize = 50;

/// Longest field path or message in a refusal, in characters: both can
/// quote what the device sent.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// Checks a submission document (the engine's `Response` JSON:
/// `instance_id`, `form_id`, `form_version`, `status`, `meta`, `answers`;
/// plus an optional `corrects`) against the compiled form it claims to
/// answer. Returns every problem found, not just the first.
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
) -> Result<(), Vec<FieldError>> {
    check_submission(form, submission).map_err(bounded)
}

fn check_submission(form: &Arc<CompiledForm>, submission: &Value) -> Result<(), Vec<FieldError>> {
    check_envelope(&form.form, submission)?;
    let mut document = submission.clone();
    if let Some(doc) = document.as_object_mut() {
        doc.remove("corrects");
        // Older clients may omit the status; what is submitted is complete.
        doc.entry("status")
            .or_insert_with(|| Value::from("complete"));
    }
    let response: Response = serde_json::from_value(document)
        .map_err(|e| vec![FieldError::new("", format!("not a response document: {e}"))])?;
    // Calculations recomputed while validating are not stored: the device's answers are.
    let env = SystemEnvironment::default();
    let state = FormState::from_response(form.clone(), &response, &env)
        .map_err(|e| vec![FieldError::new("answers", e.to_string())])?;
    let issues = fieldform_engine::validate::validate(&state, &form.form.default_language);
    if issues.is_empty() {
        Ok(())
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

/// The envelope: object, UUID v7 instance id, the right form and version,
/// `corrects` naming the instance itself, answers an object.
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
        assert_eq!(validate_submission(&form(), &doc), Ok(()));
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
}
