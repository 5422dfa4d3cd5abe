//! Values the tests send and read back.

use serde_json::Value;

/// A random instance id shaped like a UUIDv7, as devices make them.
pub fn uuid() -> String {
    let hex = fieldform_server::auth::new_token("");
    format!(
        "{}-{}-7{}-8{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The `error.code` of a reply, or a placeholder that names its absence.
pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// The fields a validation error names (`error.fields[].field`), in order.
pub fn error_fields(body: &Value) -> Vec<&str> {
    let fields = body["error"]["fields"].as_array();
    fields
        .into_iter()
        .flatten()
        .map(|f| f["field"].as_str().unwrap_or("<no field name>"))
        .collect()
}
