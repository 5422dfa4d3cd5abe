//! What the server writes and the app reads as JSON, defined once for both:
//! the catalog of published forms (`GET /api/forms`). Plain data: no I/O.

use serde::{Deserialize, Serialize};

use crate::model::{Language, Text};

/// One published form version, as the catalog lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub languages: Vec<Language>,
    pub default_language: String,
    pub open: bool,
    /// The definition's ETag: a device re-downloads a version only when it
    /// changes. (Catalogs a device stored before it read this have none.)
    #[serde(default)]
    pub etag: String,
    /// Unix milliseconds; a device starts new responses on the newest open
    /// version.
    #[serde(default)]
    pub published_at: i64,
    /// The version's data files (`select_one_from_file`, `pulldata()`;
    /// `GET .../attachments/{name}`), by name.
    #[serde(default)]
    pub attachments: Vec<AttachmentInfo>,
}

impl CatalogEntry {
    /// The title in `lang`, else in the form's default language, else its id.
    pub fn title_in(&self, lang: &str) -> &str {
        self.title
            .get(lang, &self.default_language)
            .unwrap_or(&self.id)
    }
}

/// What the catalog says of one data file of a form version: enough for a
/// device to know what to download and to check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub name: String,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn entry() -> CatalogEntry {
        CatalogEntry {
            id: "hh".into(),
            version: "3".into(),
            title: Text::new("en", "Household"),
            languages: vec![Language {
                code: "en".into(),
                name: "English".into(),
                rtl: false,
            }],
            default_language: "en".into(),
            open: true,
            etag: "\"abc\"".into(),
            published_at: 1_733_011_200_000,
            attachments: vec![AttachmentInfo {
                name: "villages.csv".into(),
                size: 52,
                sha256: "00ff".into(),
            }],
        }
    }

    /// The bytes the server has always written: devices in the field read
    /// them.
    const WRITTEN: &str = r#"{"id":"hh","version":"3","title":{"en":"Household"},"languages":[{"code":"en","name":"English"}],"default_language":"en","open":true,"etag":"\"abc\"","published_at":1733011200000,"attachments":[{"name":"villages.csv","size":52,"sha256":"00ff"}]}"#;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_server_writes_the_catalog_as_before() {
        assert_eq!(serde_json::to_string(&entry()).unwrap(), WRITTEN);
        let back: CatalogEntry = serde_json::from_str(WRITTEN).unwrap();
        assert_eq!(back, entry());
    }

    /// A catalog entry the app stored before it kept the ETag still reads
    /// (the store gives it back through `JSON.stringify`, so its numbers
    /// are whole, as the server wrote them).
    #[wasm_bindgen_test(unsupported = test)]
    fn an_older_stored_catalog_reads() {
        let stored = r#"{"id":"hh","version":"3","title":{"en":"Household"},"languages":[],"default_language":"en","open":false}"#;
        let e: CatalogEntry = serde_json::from_str(stored).unwrap();
        assert_eq!((e.etag.as_str(), e.published_at), ("", 0));
        assert!(e.attachments.is_empty());
        assert_eq!(e.title_in("ro"), "Household");
    }
}
