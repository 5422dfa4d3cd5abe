//! The `settings` sheet: one header row and one row of values.

use fieldform_engine::model::{Settings, Text};

use crate::columns::Table;
use crate::errors::{Diagnostics, Location};
use crate::languages::Languages;

pub const SHEET: &str = "settings";

/// The settings row, still as text; the title needs the languages first.
#[derive(Debug, Default)]
pub struct RawSettings {
    pub row: usize,
    pub form_id: Option<String>,
    pub version: Option<String>,
    pub default_language: Option<String>,
    pub allow_choice_duplicates: bool,
    /// pyxform's `flat`: groups left out of the data (see `flat.rs`).
    pub flat: bool,
    pub settings: Settings,
    /// (language spec, title): `None` for the plain `form_title` column.
    pub titles: Vec<(Option<String>, String)>,
    /// The `instance_name` column's header as written, for messages.
    pub instance_name_column: Option<String>,
}

/// Settings columns pyxform knows that change nothing for Fieldform.
const IGNORED: &[&str] = &[
    "name",
    "namespaces",
    "auto_send",
    "auto_delete",
    "clean_text_values",
    "omit_instanceid",
    "client_editable",
    "xml:lang",
    "add_none_option",
];

pub fn read(table: &Table<'_>, diag: &mut Diagnostics) -> RawSettings {
    let mut out = RawSettings::default();
    // pyxform refuses a header written twice on every sheet it reads.
    table.check_duplicates(SHEET, diag);
    let Some(row) = table.rows.first() else {
        return out;
    };
    out.row = row.number;
    if let Some(extra) = table.rows.get(1) {
        diag.warn(
            Location::row(SHEET, extra.number),
            "only the first row of settings is read; this row is ignored",
        );
    }
    for c in &table.columns {
        let value = row.cell(c.index);
        if value.is_empty() {
            continue;
        }
        let some = Some(value.to_owned());
        match c.key.as_str() {
            "form_title" => out.titles.push((c.lang.clone(), value.to_owned())),
            _ if c.lang.is_some() => diag.warn(
                Location::cell(SHEET, row.number, &c.header),
                "unknown translated setting; ignored",
            ),
            "form_id" => out.form_id = some,
            "version" => out.version = some,
            "default_language" => out.default_language = some,
            "instance_name" => {
                out.settings.instance_name = some;
                out.instance_name_column = Some(c.header.clone());
            }
            "public_key" => out.settings.public_key = some,
            "submission_url" => out.settings.submission_url = some,
            "style" => out.settings.style = some,
            // pyxform's yes/no words; anything else leaves duplicates refused.
            "allow_choice_duplicates" => match value.to_lowercase().as_str() {
                "yes" | "true" | "true()" => out.allow_choice_duplicates = true,
                "no" | "false" | "false()" => {}
                _ => diag.warn(
                    Location::cell(SHEET, row.number, &c.header),
                    format!(
                        "`allow_choice_duplicates` is `{value}`; expected `yes` or `no`, so duplicate choice names stay refused"
                    ),
                ),
            },
            "flat" => match value.to_lowercase().as_str() {
                "yes" | "true" | "true()" => {
                    out.flat = true;
                    diag.warn(
                        Location::cell(SHEET, row.number, &c.header),
                        "`flat`: every group's questions are placed in the group's parent, with the group's relevance, as pyxform does; groups are not shown as pages",
                    );
                }
                "no" | "false" | "false()" => {}
                _ => diag.warn(
                    Location::cell(SHEET, row.number, &c.header),
                    format!("`flat` is `{value}`; expected `yes` or `no`, so groups stay"),
                ),
            },
            key if IGNORED.contains(&key) => diag.warn(
                Location::cell(SHEET, row.number, &c.header),
                format!("setting `{key}` does not apply to Fieldform; ignored"),
            ),
            key => diag.warn(
                Location::cell(SHEET, row.number, &c.header),
                format!("unknown setting `{key}`; ignored"),
            ),
        }
    }
    out
}

impl RawSettings {
    /// The title in every language it is given in; the plain `form_title`
    /// is in the default language.
    pub fn title(&self, langs: &Languages) -> Text {
        let mut title = Text::default();
        // Suffixed titles first: they are more specific than the plain one.
        for (lang, text) in self.titles.iter().filter(|(l, _)| l.is_some()) {
            title.0.insert(langs.of(lang.as_deref()), text.clone());
        }
        for (_, text) in self.titles.iter().filter(|(l, _)| l.is_none()) {
            title
                .0
                .entry(langs.default.clone())
                .or_insert_with(|| text.clone());
        }
        title
    }
}
