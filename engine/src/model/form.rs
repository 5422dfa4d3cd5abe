//! A whole form and its file format.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Item, Text};

/// The version of the `*.form.json` file format this engine reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A language the form is available in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Language {
    /// BCP 47 code: `en`, `ro`, `ru`, `ar`.
    pub code: String,
    /// The language's own name, shown in the language picker: `Română`, `العربية`.
    pub name: String,
    /// Right-to-left script (Arabic, Hebrew, ...).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rtl: bool,
}

/// The primary subtag of a BCP 47 code, lower case: `ro-MD` → `ro`,
/// `pt_BR` → `pt` (messages and interfaces are chosen by it).
pub fn primary_subtag(code: &str) -> String {
    code.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The language `spec` names, written as XLSForm headers write it (and so
/// `label::English` in a choice filter): its code, its name in any case, or
/// `Name (code)`.
pub fn find_language<'a>(languages: &'a [Language], spec: &str) -> Option<&'a Language> {
    let spec = spec.trim();
    let code = spec
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once('('))
        .map_or(spec, |(_, code)| code.trim());
    languages
        .iter()
        .find(|l| l.code == code || l.name.eq_ignore_ascii_case(spec))
}

/// One option of a choice list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Choice {
    /// The stored value.
    pub name: String,
    #[serde(default)]
    pub label: Text,
    /// Extra columns from the XLSForm `choices` sheet, usable in `choice_filter`
    /// (e.g. `region` for a cascading district list).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// Form-level settings (the XLSForm `settings` sheet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Settings {
    /// An expression naming each response in lists (e.g. `concat(${hh_id}, ' ', ${resp_name})`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
}

/// A form, as stored in a `*.form.json` file and served by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Form {
    /// Must equal [`FORMAT_VERSION`].
    pub format: u32,
    /// Stable identifier, e.g. `ggs_household`.
    pub id: String,
    /// Version of this form; a published version never changes.
    pub version: String,
    pub title: Text,
    pub languages: Vec<Language>,
    pub default_language: String,
    #[serde(default)]
    pub settings: Settings,
    /// Choice lists by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub choices: BTreeMap<String, Vec<Choice>>,
    /// The XLSForm `external_choices` sheet: the lists of `select_one_external`
    /// questions (ODK writes them to an `itemsets.csv` attachment; Fieldform
    /// keeps them in the form file).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub external_choices: BTreeMap<String, Vec<Choice>>,
    /// Data files attached by `csv-external` / `xml-external` rows, by file
    /// name (`people.csv`), for `instance('people')` lookups.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub external_instances: BTreeSet<String>,
    pub items: Vec<Item>,
}

/// Why a form file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("not a valid form file: {0}")]
    Json(#[from] serde_json::Error),
    #[error("form format {found} is not supported (this engine reads format {FORMAT_VERSION})")]
    Format { found: u32 },
    #[error("form `{id}`: default language `{lang}` is not one of its languages")]
    DefaultLanguage { id: String, lang: String },
    #[error("form file: `{field}` must not be empty")]
    Empty { field: &'static str },
}

impl Form {
    /// Reads a form from its JSON text, checking the envelope (format,
    /// identity, languages). The items are checked when the form is compiled.
    pub fn from_json(text: &str) -> Result<Form, FormError> {
        let form: Form = serde_json::from_str(text)?;
        if form.format != FORMAT_VERSION {
            return Err(FormError::Format { found: form.format });
        }
        if form.id.trim().is_empty() {
            return Err(FormError::Empty { field: "id" });
        }
        if form.version.trim().is_empty() {
            return Err(FormError::Empty { field: "version" });
        }
        if !form
            .languages
            .iter()
            .any(|l| l.code == form.default_language)
        {
            return Err(FormError::DefaultLanguage {
                id: form.id,
                lang: form.default_language,
            });
        }
        Ok(form)
    }

    /// The canonical, pretty-printed JSON text of this form.
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Title in `lang`, falling back to the default language.
    pub fn title_in(&self, lang: &str) -> &str {
        self.title
            .get(lang, &self.default_language)
            .unwrap_or(&self.id)
    }

    /// Every item, depth first, with its parent chain.
    pub fn walk(&self) -> impl Iterator<Item = &Item> {
        let mut stack: Vec<&Item> = self.items.iter().rev().collect();
        std::iter::from_fn(move || {
            let item = stack.pop()?;
            stack.extend(item.children().iter().rev());
            Some(item)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Question, QuestionType};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn sample() -> Form {
        Form {
            format: FORMAT_VERSION,
            id: "demo".into(),
            version: "1".into(),
            title: Text::new("en", "Demo"),
            languages: vec![Language {
                code: "en".into(),
                name: "English".into(),
                rtl: false,
            }],
            default_language: "en".into(),
            settings: Settings::default(),
            choices: BTreeMap::new(),
            external_choices: BTreeMap::new(),
            external_instances: BTreeSet::new(),
            items: vec![Item::Question(Question::new("age", QuestionType::Integer))],
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn round_trips_through_json() {
        let form = sample();
        let back = Form::from_json(&form.to_json()).expect("own output must parse");
        assert_eq!(back, form);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn rejects_unknown_format_and_default_language() {
        let mut form = sample();
        form.format = 99;
        let err = Form::from_json(&form.to_json()).expect_err("format 99");
        assert_eq!(
            err.to_string(),
            "form format 99 is not supported (this engine reads format 1)"
        );

        let mut form = sample();
        form.default_language = "fr".into();
        let err = Form::from_json(&form.to_json()).expect_err("fr missing");
        assert_eq!(
            err.to_string(),
            "form `demo`: default language `fr` is not one of its languages"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn rejects_malformed_json_with_position() {
        let err = Form::from_json("{ \"format\": 1, ").expect_err("truncated");
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
