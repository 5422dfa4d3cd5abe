//! Text in several languages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A label, hint or message per language code (`"en"`, `"ro"`, `"ar"`).
///
/// Serialized as a plain JSON object `{ "en": "Age", "ro": "Vârsta" }` so a
/// translator can review one language in a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    /// Text in a single language.
    pub fn new(lang: &str, text: &str) -> Self {
        Self(BTreeMap::from([(lang.to_owned(), text.to_owned())]))
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|t| t.is_empty())
    }

    /// The text in `lang`, else in `fallback`, else in any language at all:
    /// showing an enumerator *something* beats showing nothing.
    pub fn get<'a>(&'a self, lang: &str, fallback: &str) -> Option<&'a str> {
        self.0
            .get(lang)
            .or_else(|| self.0.get(fallback))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn falls_back_to_default_then_any_language() {
        let mut t = Text::new("en", "Age");
        t.0.insert("ro".into(), "Vârsta".into());
        assert_eq!(t.get("ro", "en"), Some("Vârsta"));
        assert_eq!(t.get("ru", "en"), Some("Age"));
        assert_eq!(Text::new("fr", "Âge").get("ru", "en"), Some("Âge"));
        assert_eq!(Text::default().get("ru", "en"), None);
    }
}
