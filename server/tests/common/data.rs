//! Values the tests send and read back.

use std::io::{Cursor, Read};

use serde_json::Value;

/// The files of a zip, by name, in archive order, as text.
pub fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("a file of the zip");
            let mut text = String::new();
            file.read_to_string(&mut text).expect("a text file");
            (file.name().to_owned(), text)
        })
        .collect()
}

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
