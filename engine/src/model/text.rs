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

/// One `${name}` insertion in a label, hint or message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    /// The field name, trimmed.
    pub name: String,
    /// Character position of the `$`, for messages.
    pub position: usize,
    /// Byte range of the whole `${...}`, for replacing it.
    pub range: std::ops::Range<usize>,
}

/// The `${name}` insertions of a text, in order. An unclosed `${` is text.
pub fn insertions(text: &str) -> Vec<Insertion> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("${").map(|i| from + i) {
        let Some(len) = text[start + 2..].find('}') else {
            break;
        };
        let end = start + 2 + len + 1;
        out.push(Insertion {
            name: text[start + 2..end - 1].trim().to_owned(),
            position: text[..start].chars().count(),
            range: start..end,
        });
        from = end;
    }
    out
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

    #[wasm_bindgen_test(unsupported = test)]
    fn finds_insertions_with_char_positions_and_byte_ranges() {
        let text = "Vârsta ${name}, ${ age } — ${";
        let found = insertions(text);
        let names: Vec<(&str, usize)> = found
            .iter()
            .map(|i| (i.name.as_str(), i.position))
            .collect();
        assert_eq!(names, vec![("name", 7), ("age", 16)]);
        assert_eq!(&text[found[1].range.clone()], "${ age }");
        assert!(insertions("no insertions, $ {x}").is_empty());
    }
}
