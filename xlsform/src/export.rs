//! A form as an XLSForm `.xlsx` (survey, choices and settings sheets) that
//! imports back to the very same form.
//!
//! Text columns are written per language as `label::Name (code)`, so both
//! the name and the code survive. What an XLSForm workbook cannot carry, and
//! how it is handled:
//!
//! * **Title in several languages**: pyxform has only `form_title`. We write
//!   it in the default language and add `form_title::Name (code)` columns
//!   (a Fieldform extension; pyxform ignores them).
//! * **`Repeat::min_instances`/`max_instances`**: no XLSForm column; written
//!   as Fieldform's `min_instances`/`max_instances` columns.
//! * **`QuestionType::InstanceId`**: pyxform adds `meta/instanceID` itself;
//!   written as type `instance_id`, which only Fieldform reads.
//! * **`Language::rtl`**: XLSForm has no such flag; the importer derives it
//!   from the code (ar, he, fa, ur, ...). A form marking another language
//!   right-to-left loses that flag.
//! * **Texts in a language not listed in `Form::languages`**, empty texts,
//!   and empty choice lists are not written.
//! * **`Condition::Expr("true()")`** (and `yes`, `false()`, ...) comes back as
//!   `Condition::Const`: in a workbook they are the same cell.
//! * **Parameter values containing spaces, `;` or `,`** cannot be written in
//!   the `parameters` cell.
//! * A `choices` list on a question that is not a select is not written.
//! * Duplicate choice names in a list are written with the setting
//!   `allow_choice_duplicates = yes`, which is how pyxform accepts them.
//! * External data: `choices_file` as `select_one_from_file` /
//!   `select_multiple_from_file` (a rank from a file has no XLSForm
//!   spelling and is written as a select_one), `external` selects as
//!   `select_one_external` with the `external_choices` sheet, and
//!   `external_instances` as `csv-external` / `xml-external` rows at the
//!   top of the survey (other extensions have no XLSForm row and are not
//!   written).

use std::collections::{BTreeMap, BTreeSet};

use fieldform_engine::expr::lex::is_valid_field_name;
use fieldform_engine::model::{
    Choice, Condition, Form, Item, Language, Question, QuestionType, Text,
};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::types::type_name;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// One sheet being built: rows of (header, value), columns in first-use order.
#[derive(Default)]
struct SheetData {
    headers: Vec<String>,
    /// The first `always` columns are written even when empty: `label::`
    /// columns keep every language, and their order, through a round trip.
    always: usize,
    rows: Vec<Vec<(usize, String)>>,
}

impl SheetData {
    /// Declares a column up front, fixing the column order.
    fn column(&mut self, header: &str) -> usize {
        match self.headers.iter().position(|h| h == header) {
            Some(i) => i,
            None => {
                self.headers.push(header.to_owned());
                self.headers.len() - 1
            }
        }
    }

    fn row(&mut self) -> Row<'_> {
        self.rows.push(Vec::new());
        Row { sheet: self }
    }

    fn write(&self, ws: &mut Worksheet, bold: &Format) -> Result<(), XlsxError> {
        // Only the columns some row uses: a workbook without empty columns
        // is easier for a designer to edit.
        let used: BTreeSet<usize> = self.rows.iter().flatten().map(|(c, _)| *c).collect();
        let order: Vec<usize> = (0..self.headers.len())
            .filter(|c| used.contains(c) || *c < self.always)
            .collect();
        for (x, c) in order.iter().enumerate() {
            ws.write_string_with_format(0, col(x), &self.headers[*c], bold)?;
        }
        for (y, row) in self.rows.iter().enumerate() {
            for (c, value) in row {
                if let Some(x) = order.iter().position(|o| o == c) {
                    #[allow(clippy::cast_possible_truncation)]
                    ws.write_string(y as u32 + 1, col(x), value)?;
                }
            }
        }
        Ok(())
    }
}

#[allow(clippy::cast_possible_truncation)]
fn col(x: usize) -> u16 {
    x as u16
}

struct Row<'a> {
    sheet: &'a mut SheetData,
}

impl Row<'_> {
    fn set(&mut self, header: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let c = self.sheet.column(header);
        if let Some(row) = self.sheet.rows.last_mut() {
            row.push((c, value.to_owned()));
        }
    }

    fn opt(&mut self, header: &str, value: Option<&String>) {
        if let Some(v) = value {
            self.set(header, v);
        }
    }

    fn text(&mut self, key: &str, text: &Text, langs: &[Language]) {
        for lang in langs {
            if let Some(t) = text.0.get(&lang.code) {
                self.set(&lang_header(key, lang), t);
            }
        }
    }

    fn condition(&mut self, header: &str, c: Option<&Condition>) {
        match c {
            Some(Condition::Const(true)) => self.set(header, "yes"),
            Some(Condition::Const(false)) => self.set(header, "no"),
            Some(Condition::Expr(e)) => self.set(header, e),
            None => {}
        }
    }
}

fn lang_header(key: &str, lang: &Language) -> String {
    format!("{key}::{}", language_spec(lang))
}

/// `Name (code)`, unless that would read back as another language: a name
/// that stands for itself (`English (`, as a workbook wrote it) is written
/// alone, so that import(export(form)) is the form (found by fuzzing).
fn language_spec(lang: &Language) -> String {
    let full = format!("{} ({})", lang.name, lang.code);
    let reads_back = |spec: &str| {
        let parsed = crate::languages::parse_language(spec);
        parsed.name == lang.name && parsed.code == lang.code
    };
    if !reads_back(&full) && reads_back(&lang.name) {
        lang.name.clone()
    } else {
        full
    }
}

/// The survey columns in the order designers expect them.
fn survey_columns(sheet: &mut SheetData, langs: &[Language]) {
    sheet.column("type");
    sheet.column("name");
    for l in langs {
        sheet.column(&lang_header("label", l));
    }
    sheet.always = sheet.headers.len();
    for key in ["hint", "guidance_hint"] {
        for l in langs {
            sheet.column(&lang_header(key, l));
        }
    }
    sheet.column("required");
    for l in langs {
        sheet.column(&lang_header("required_message", l));
    }
    sheet.column("relevant");
    sheet.column("constraint");
    for l in langs {
        sheet.column(&lang_header("constraint_message", l));
    }
    for c in [
        "calculation",
        "default",
        "read_only",
        "appearance",
        "parameters",
        "choice_filter",
        "repeat_count",
        "min_instances",
        "max_instances",
        "trigger",
    ] {
        sheet.column(c);
    }
}

fn items(sheet: &mut SheetData, list: &[Item], langs: &[Language]) {
    for item in list {
        match item {
            Item::Question(q) => question(sheet, q, langs),
            Item::Group(g) => {
                let mut row = sheet.row();
                row.set("type", "begin group");
                row.set("name", &g.name);
                row.text("label", &g.label, langs);
                row.opt("relevant", g.relevant.as_ref());
                row.opt("appearance", g.appearance.as_ref());
                items(sheet, &g.items, langs);
                let mut end = sheet.row();
                end.set("type", "end group");
                end.set("name", &g.name);
            }
            Item::Repeat(r) => {
                let mut row = sheet.row();
                row.set("type", "begin repeat");
                row.set("name", &r.name);
                row.text("label", &r.label, langs);
                row.opt("relevant", r.relevant.as_ref());
                row.opt("appearance", r.appearance.as_ref());
                row.opt("repeat_count", r.repeat_count.as_ref());
                row.opt(
                    "min_instances",
                    r.min_instances.map(|n| n.to_string()).as_ref(),
                );
                row.opt(
                    "max_instances",
                    r.max_instances.map(|n| n.to_string()).as_ref(),
                );
                items(sheet, &r.items, langs);
                let mut end = sheet.row();
                end.set("type", "end repeat");
                end.set("name", &r.name);
            }
        }
    }
}

/// The type cell of a select: from its list, its file or the
/// external_choices sheet.
fn select_type(q: &Question) -> Option<String> {
    if !q.kind.has_choices() {
        return None;
    }
    if let Some(file) = &q.choices_file {
        let command = match q.kind {
            QuestionType::SelectMultiple => "select_multiple_from_file",
            _ => "select_one_from_file",
        };
        return Some(format!("{command} {file}"));
    }
    let list = q.choices.as_ref()?;
    if q.external {
        return Some(format!("select_one_external {list}"));
    }
    let mut ty = format!("{} {list}", type_name(q.kind));
    if q.or_other {
        ty.push_str(" or_other");
    }
    Some(ty)
}

fn question(sheet: &mut SheetData, q: &Question, langs: &[Language]) {
    let ty = match select_type(q) {
        Some(ty) => ty,
        // A value nothing computes (what an image or audit row imports as):
        // pyxform refuses a `calculate` without a calculation, not `hidden`.
        None if q.kind == QuestionType::Calculate && q.calculation.is_none() => "hidden".to_owned(),
        None => type_name(q.kind).to_owned(),
    };
    let mut row = sheet.row();
    row.set("type", &ty);
    row.set("name", &q.name);
    row.text("label", &q.label, langs);
    row.text("hint", &q.hint, langs);
    row.text("guidance_hint", &q.guidance_hint, langs);
    row.condition("required", q.required.as_ref());
    row.text("required_message", &q.required_message, langs);
    row.opt("relevant", q.relevant.as_ref());
    row.opt("constraint", q.constraint.as_ref());
    row.text("constraint_message", &q.constraint_message, langs);
    row.opt("calculation", q.calculation.as_ref());
    row.opt("default", q.default.as_ref());
    row.condition("read_only", q.read_only.as_ref());
    row.opt("appearance", q.appearance.as_ref());
    let parameters: Vec<String> = q
        .parameters
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    row.set("parameters", &parameters.join(" "));
    row.opt("choice_filter", q.choice_filter.as_ref());
    row.opt("trigger", trigger(q.trigger.as_deref()).as_ref());
}

/// The engine reads a trigger's names written bare too (`a, b`); XLSForm
/// (pyxform, and this importer) wants each as `${name}`.
fn trigger(written: Option<&str>) -> Option<String> {
    let parts: Vec<String> = written?
        .split(',')
        .map(|part| {
            let t = part.trim();
            if is_valid_field_name(t) {
                format!("${{{t}}}")
            } else {
                t.to_owned()
            }
        })
        .collect();
    Some(parts.join(", "))
}

/// The `choices` or `external_choices` sheet.
fn choices(lists: &BTreeMap<String, Vec<Choice>>, langs: &[Language]) -> SheetData {
    let mut sheet = SheetData::default();
    sheet.column("list_name");
    sheet.column("name");
    for l in langs {
        sheet.column(&lang_header("label", l));
    }
    sheet.always = sheet.headers.len();
    let properties: BTreeSet<&String> = lists
        .values()
        .flatten()
        .flat_map(|c| c.properties.keys())
        .collect();
    for p in properties {
        sheet.column(p);
    }
    for (list, options) in lists {
        for choice in options {
            let mut row = sheet.row();
            row.set("list_name", list);
            row.set("name", &choice.name);
            row.text("label", &choice.label, langs);
            for (k, v) in &choice.properties {
                row.set(k, v);
            }
        }
    }
    sheet
}

/// `csv-external people` rows for the files `instance()` reads.
fn attachment_rows(sheet: &mut SheetData, form: &Form) {
    for file in &form.external_instances {
        let Some((stem, ext)) = file.rsplit_once('.') else {
            continue;
        };
        let ty = match ext {
            "csv" => "csv-external",
            "xml" => "xml-external",
            // No XLSForm type attaches other files.
            _ => continue,
        };
        let mut row = sheet.row();
        row.set("type", ty);
        row.set("name", stem);
    }
}

fn settings(form: &Form) -> SheetData {
    let mut sheet = SheetData::default();
    let mut row = sheet.row();
    // Plain `form_title` for pyxform and other tools; the translations for us.
    let plain = form.title.0.get(&form.default_language);
    row.opt("form_title", plain);
    row.text("form_title", &form.title, &form.languages);
    row.set("form_id", &form.id);
    row.set("version", &form.version);
    row.set("default_language", &form.default_language);
    let s = &form.settings;
    row.opt("instance_name", s.instance_name.as_ref());
    row.opt("public_key", s.public_key.as_ref());
    row.opt("submission_url", s.submission_url.as_ref());
    row.opt("style", s.style.as_ref());
    // The same value twice in a list (a district name in two regions, told
    // apart by choice_filter) needs pyxform's permission.
    let duplicates = form.choices.values().any(|list| {
        let mut seen = BTreeSet::new();
        list.iter().any(|c| !seen.insert(&c.name))
    });
    if duplicates {
        row.set("allow_choice_duplicates", "yes");
    }
    sheet
}

/// Writes `form` as an XLSForm workbook (`.xlsx` bytes).
pub fn export_xlsx(form: &Form) -> Result<Vec<u8>, ExportError> {
    let mut survey = SheetData::default();
    survey_columns(&mut survey, &form.languages);
    attachment_rows(&mut survey, form);
    items(&mut survey, &form.items, &form.languages);

    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    // A fixed creation time: the same form exports to the same bytes, so the
    // shipped workbooks in forms/ only change in a diff when the form does.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let mut sheets = vec![
        ("survey", survey),
        ("choices", choices(&form.choices, &form.languages)),
        ("settings", settings(form)),
    ];
    if !form.external_choices.is_empty() {
        sheets.push((
            "external_choices",
            choices(&form.external_choices, &form.languages),
        ));
    }
    for (name, data) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        data.write(ws, &bold)?;
    }
    Ok(book.save_to_buffer()?)
}
