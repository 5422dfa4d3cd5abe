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

/// Checks a submission document (the engine's `Response` JSON:
/// `instance_id`, `form_id`, `form_version`, `status`, `meta`, `answers`;
/// plus an optional `corrects`) against the compiled form it claims to
/// answer. Returns every problem found, not just the first.
///
/// First the envelope (so that a malformed document gets precise field
/// errors), then the engine: `FormState::from_response` (every answer name
/// in its place, the right shapes) and `validate::validate`.
pub fn validate_submission(
    form: &Arc<CompiledForm>,
    submission: &Value,
) -> Result<(), Vec<FieldError>> {
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
