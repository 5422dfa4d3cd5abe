//! Column headers: case-insensitive names, pyxform's aliases, and the
//! language suffix of translatable columns (`label::English (en)`).

use crate::errors::{Diagnostics, Location};
use crate::workbook::{Row, Sheet};

/// A column of a sheet, its header understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// 0-based position in the row.
    pub index: usize,
    /// The header as written, for messages.
    pub header: String,
    /// The canonical column name: lowercase, spaces as `_`, aliases resolved
    /// (`list name` → `list_name`, `jr:constraintMsg` → `constraint_message`).
    pub key: String,
    /// The language part of a translatable column, as written (`English (en)`).
    pub lang: Option<String>,
}

/// Columns whose text is per language. Only these take a `:lang` suffix with
/// a single colon (`label:English`, an old spelling pyxform still reads), so
/// that `jr:count` is not read as column `jr` in language `count`.
pub const TRANSLATABLE: &[&str] = &[
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "required_message",
    "form_title",
    "image",
    "big-image",
    "audio",
    "video",
    "media",
];

/// Media columns: Fieldform shows no images or sound yet.
pub fn is_media(key: &str) -> bool {
    matches!(key, "media" | "image" | "big-image" | "audio" | "video")
}

fn canonical(name: &str) -> String {
    let lower = name.trim().to_lowercase().replace(' ', "_");
    let alias = match lower.as_str() {
        "jr:constraintmsg" | "constraintmsg" | "constraint_msg" => "constraint_message",
        "jr:requiredmsg" | "requiredmsg" | "required_msg" => "required_message",
        "jr:count" | "count" => "repeat_count",
        "calculate" => "calculation",
        "caption" => "label",
        "readonly" => "read_only",
        "id_string" | "set_form_id" => "form_id",
        // pyxform's own names for the settings.
        "title" | "set_form_title" => "form_title",
        "guidance" => "guidance_hint",
        "list_name" | "list-name" => "list_name",
        _ => return lower,
    };
    alias.to_owned()
}

/// Splits a header into its canonical name and language part.
pub fn parse_header(header: &str) -> (String, Option<String>) {
    let header = header.trim();
    // `bind::jr:constraintMsg`, `bind:jr:constraintMsg`: pyxform's raw
    // XForm attributes; the ones we know by their plain name are read as such.
    let lower = header.to_lowercase();
    for prefix in ["bind::", "bind:"] {
        if lower.starts_with(prefix) {
            let (key, lang) = parse_header(&header[prefix.len()..]);
            if matches!(
                key.as_str(),
                "constraint_message"
                    | "required_message"
                    | "relevant"
                    | "constraint"
                    | "calculation"
                    | "required"
                    | "read_only"
            ) {
                return (key, lang);
            }
        }
    }
    if let Some((head, rest)) = header.split_once("::") {
        let key = canonical(head);
        if key == "media" {
            // `media::image::English (en)`: still a media column.
            return (
                "media".into(),
                rest.split_once("::").map(|(_, l)| l.trim().to_owned()),
            );
        }
        return (key, Some(rest.trim().to_owned()).filter(|l| !l.is_empty()));
    }
    if let Some((head, rest)) = header.split_once(':') {
        let key = canonical(head);
        if TRANSLATABLE.contains(&key.as_str()) {
            return (key, Some(rest.trim().to_owned()).filter(|l| !l.is_empty()));
        }
    }
    (canonical(header), None)
}

/// A sheet read as a table: its first non-blank row is the header.
#[derive(Debug, Clone)]
pub struct Table<'a> {
    pub columns: Vec<Column>,
    pub rows: &'a [Row],
}

impl<'a> Table<'a> {
    pub fn new(sheet: &'a Sheet) -> Self {
        let (header, rows) = match sheet.rows.split_first() {
            Some((h, rest)) => (h.cells.as_slice(), rest),
            None => (&[][..], &[][..]),
        };
        let columns = header
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
            .map(|(index, h)| {
                let (key, lang) = parse_header(h);
                Column {
                    index,
                    header: h.clone(),
                    key,
                    lang,
                }
            })
            .collect();
        Self { columns, rows }
    }

    /// The untranslated column `key` (the first one, if repeated).
    pub fn column(&self, key: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.key == key && c.lang.is_none())
    }

    /// Every column for `key`, in any language or none.
    pub fn translations(&self, key: &str) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(move |c| c.key == key)
    }

    /// Refuses a header written twice, as pyxform does ("Duplicate column
    /// header"): it compares headers as written (case-sensitively, spaces
    /// collapsed), before aliases, so `label` twice is refused but `Label`
    /// beside `label` is not.
    pub fn check_duplicates(&self, sheet: &str, diag: &mut Diagnostics) {
        let written = |c: &Column| c.header.split_whitespace().collect::<Vec<_>>().join(" ");
        for (i, c) in self.columns.iter().enumerate() {
            if let Some(first) = self.columns[..i].iter().find(|f| written(f) == written(c)) {
                diag.error(
                    Location::column(sheet, &c.header),
                    format!(
                        "duplicate column header `{}`: columns {} and {} have the same header; remove or rename one",
                        written(c),
                        letter(first.index),
                        letter(c.index)
                    ),
                );
            }
        }
    }

    /// Reads a sheet's own header aliases (pyxform's `aliases.py`: the
    /// survey reads `command` as `type` and `tag`/`value` as `name`, the
    /// choices sheets `value` as `name`), as pyxform does: an alias written
    /// after the column it stands for is refused ("different names for the
    /// same column"); written before it, the column itself is read.
    pub fn dealias(&mut self, sheet: &str, aliases: &[(&str, &str)], diag: &mut Diagnostics) {
        for i in 0..self.columns.len() {
            let c = &self.columns[i];
            let Some(&(_, target)) = aliases
                .iter()
                .find(|(a, _)| c.lang.is_none() && c.key == *a)
            else {
                continue;
            };
            let earlier = self.columns[..i]
                .iter()
                .find(|f| f.lang.is_none() && f.key == target);
            let later = self.columns[i + 1..]
                .iter()
                .any(|f| f.lang.is_none() && f.key == target);
            if let Some(first) = earlier {
                diag.error(
                    Location::column(sheet, &c.header),
                    format!(
                        "`{}` and `{}` are names for the same column ({}); remove or rename one",
                        first.header, c.header, target
                    ),
                );
            } else if !later {
                self.columns[i].key = target.to_owned();
            }
        }
    }

    /// Whether any data row has text in `column`.
    pub fn has_content(&self, column: &Column) -> bool {
        self.rows.iter().any(|r| !r.cell(column.index).is_empty())
    }
}

/// A spreadsheet's column letter for a 0-based index: A, …, Z, AA, ….
pub fn letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_with_aliases_and_languages() {
        assert_eq!(parse_header(" Type "), ("type".into(), None));
        assert_eq!(parse_header("list name"), ("list_name".into(), None));
        assert_eq!(
            parse_header("jr:constraintMsg"),
            ("constraint_message".into(), None)
        );
        assert_eq!(parse_header("jr:count"), ("repeat_count".into(), None));
        assert_eq!(
            parse_header("label::English (en)"),
            ("label".into(), Some("English (en)".into()))
        );
        assert_eq!(
            parse_header("Label:English"),
            ("label".into(), Some("English".into()))
        );
        assert_eq!(
            parse_header("constraint message::Français"),
            ("constraint_message".into(), Some("Français".into()))
        );
        assert_eq!(
            parse_header("media::image::English (en)"),
            ("media".into(), Some("English (en)".into()))
        );
        assert_eq!(
            parse_header("bind:jr:constraintMsg"),
            ("constraint_message".into(), None)
        );
        assert_eq!(
            parse_header("bind::jr:preload"),
            ("bind".into(), Some("jr:preload".into()))
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
        assert_eq!(letter(701), "ZZ");
        assert_eq!(letter(702), "AAA");
    }
}
