//! External data: the files attached to a form (CSV, XML, GeoJSON) and the
//! secondary instances expressions read with `instance('name')/root/item`.
//!
//! As in ODK:
//!
//! * `select_one_from_file villages.csv` (and `select_multiple_from_file`)
//!   takes its choices from the rows of the file: the value from the `name`
//!   column and the label from `label` (GeoJSON: the feature's `id` and its
//!   `title` property), unless the question's `parameters` say
//!   `value=<column>` / `label=<column>`. Every column can be used in the
//!   `choice_filter`.
//! * A file's instance id is its name without the extension:
//!   `instance('villages')/root/item[name = ${v}]/population`. Every choice
//!   list of the form is an instance too (`instance('yes_no')`).
//! * `pulldata('villages', 'population', 'name', ${v})` is that lookup
//!   written as a function (the file must be a CSV).
//! * `csv-external` / `xml-external` rows attach a file without a select
//!   ([`crate::model::Form::external_instances`]).
//! * CSV: the first row names the columns. XML: `<root><item><col>…`, one
//!   element per item, one child element per column. GeoJSON: a
//!   `FeatureCollection`; each feature is an item with `geometry` (in ODK's
//!   `lat lon alt acc` format, points separated by `;`), `id` and its
//!   properties as columns.
//!
//! **`select_one_external`**: pyxform writes the `external_choices` sheet to
//! an `itemsets.csv` attachment that Collect reads. Fieldform keeps that
//! sheet in the form file ([`crate::model::Form::external_choices`]): the
//! question is an ordinary select on that list, so there is no file to
//! publish or to lose.
//!
//! Files are parsed once ([`Attachments::add`], bounded by [`limits`]) and
//! shared (`Arc`) by every compiled form that uses them.

mod csv;
mod geojson;
pub(crate) mod index;
pub mod limits;
mod prepare;
#[cfg(test)]
mod tests;
mod xml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use crate::compile::{CompiledForm, LoadError};
use crate::model::{Choice, Form, Item};

pub(crate) use prepare::{check_instances, prepare};

/// Why an attached file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("attachment `{file}`: only .csv, .xml and .geojson files can be used as form data")]
    UnsupportedType { file: String },
    #[error("attachment `{file}` is too large: {what}")]
    TooLarge { file: String, what: String },
    #[error("attachment `{file}` is not UTF-8 text")]
    NotText { file: String },
    #[error("attachment `{file}` is malformed: {problem}")]
    Malformed { file: String, problem: String },
}

/// One parsed file: a table of items (rows) with named columns.
pub struct Dataset {
    file: String,
    /// The names of the path to an item: `root` and `item` for CSV and
    /// GeoJSON, the element names of an XML file.
    root: String,
    item: String,
    columns: Vec<String>,
    by_name: HashMap<String, usize>,
    /// Cells by column index; a short row reads its missing cells as `""`.
    rows: Vec<Vec<String>>,
    /// Per column, value → rows, built the first time a lookup needs it.
    indexes: Vec<OnceLock<HashMap<String, Vec<u32>>>>,
}

// Not derived: a compiled form's debug output would print every row.
impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("file", &self.file)
            .field("columns", &self.columns)
            .field("rows", &self.rows.len())
            .finish_non_exhaustive()
    }
}

impl Dataset {
    pub(crate) fn new(
        file: &str,
        root: &str,
        item: &str,
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    ) -> Result<Dataset, AttachmentError> {
        let mut by_name = HashMap::new();
        for (i, c) in columns.iter().enumerate() {
            if by_name.insert(c.clone(), i).is_some() {
                return Err(AttachmentError::Malformed {
                    file: file.to_owned(),
                    problem: format!("column `{c}` appears twice"),
                });
            }
        }
        Ok(Dataset {
            file: file.to_owned(),
            root: root.to_owned(),
            item: item.to_owned(),
            indexes: columns.iter().map(|_| OnceLock::new()).collect(),
            columns,
            by_name,
            rows,
        })
    }

    /// The file name, e.g. `villages.csv`.
    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Number of items (rows).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.by_name.contains_key(column)
    }

    /// The cell of `row` in `column`; `None` when there is no such column.
    pub fn cell(&self, row: usize, column: &str) -> Option<&str> {
        let c = *self.by_name.get(column)?;
        Some(
            self.rows
                .get(row)
                .and_then(|r| r.get(c))
                .map_or("", String::as_str),
        )
    }

    /// The rows whose `column` is exactly `value`, in file order (an index
    /// built on first use, so a lookup in 40,000 rows does not scan them).
    pub(crate) fn rows_where(&self, column: &str, value: &str) -> &[u32] {
        let Some(&c) = self.by_name.get(column) else {
            return &[];
        };
        let index = self.indexes[c].get_or_init(|| {
            let mut map: HashMap<String, Vec<u32>> = HashMap::new();
            for (i, row) in self.rows.iter().enumerate() {
                let v = row.get(c).map_or("", String::as_str);
                map.entry(v.to_owned()).or_default().push(i as u32);
            }
            map
        });
        index.get(value).map_or(&[], Vec::as_slice)
    }

    /// The choices of a `select_*_from_file` question: every column kept as
    /// a property (so a filter reads any of them), value and label from the
    /// given columns, the label in every language of the form.
    pub(crate) fn choices(&self, value: &str, label: &str, langs: &[String]) -> Vec<Choice> {
        (0..self.rows.len())
            .map(|r| {
                let properties = self
                    .columns
                    .iter()
                    // Empty cells too: a filter on the label column must
                    // not fall back to the (translated) label.
                    .map(|c| (c.clone(), self.cell(r, c).unwrap_or_default().to_owned()))
                    .collect();
                let text = self.cell(r, label).unwrap_or_default();
                let mut l = crate::model::Text::default();
                if !text.is_empty() {
                    for lang in langs {
                        l.0.insert(lang.clone(), text.to_owned());
                    }
                }
                Choice {
                    name: self.cell(r, value).unwrap_or_default().to_owned(),
                    label: l,
                    properties,
                }
            })
            .collect()
    }
}

/// The data files of a form, parsed, by file name (`villages.csv`).
///
/// Cheap to clone and to share between threads (the server caches one per
/// form version): the parsed files sit behind an `Arc`.
#[derive(Debug, Clone, Default)]
pub struct Attachments {
    files: Arc<BTreeMap<String, Arc<Dataset>>>,
}

impl Attachments {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses and bounds one file (CSV, XML or GeoJSON, by its extension)
    /// and keeps it under `file_name`, replacing a file of that name.
    /// Refuses an oversized or malformed file with a message naming it.
    pub fn add(&mut self, file_name: &str, bytes: &[u8]) -> Result<(), AttachmentError> {
        let dataset = parse(file_name, bytes)?;
        Arc::make_mut(&mut self.files).insert(file_name.to_owned(), Arc::new(dataset));
        Ok(())
    }

    /// The parsed file called `file_name`.
    pub fn get(&self, file_name: &str) -> Option<&Arc<Dataset>> {
        self.files.get(file_name)
    }

    /// Every file name, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The kind of data file a name stands for, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Csv,
    Xml,
    GeoJson,
}

pub(crate) fn kind_of(file_name: &str) -> Option<Kind> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(Kind::Csv),
        "xml" => Some(Kind::Xml),
        "geojson" => Some(Kind::GeoJson),
        _ => None,
    }
}

/// The instance id of a file: its name without the extension.
pub fn instance_id(file_name: &str) -> &str {
    file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
}

fn parse(file: &str, bytes: &[u8]) -> Result<Dataset, AttachmentError> {
    let Some(kind) = kind_of(file) else {
        return Err(AttachmentError::UnsupportedType {
            file: file.to_owned(),
        });
    };
    if bytes.len() > limits::MAX_FILE_BYTES {
        return Err(AttachmentError::TooLarge {
            file: file.to_owned(),
            what: format!(
                "{} bytes, more than {}",
                bytes.len(),
                limits::MAX_FILE_BYTES
            ),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| AttachmentError::NotText {
        file: file.to_owned(),
    })?;
    match kind {
        Kind::Csv => csv::parse(file, text),
        Kind::Xml => xml::parse(file, text),
        Kind::GeoJson => geojson::parse(file, text),
    }
}

/// The rows an `instance('id')` path reads: an attached file or a choice
/// list of the form.
#[derive(Debug, Clone, Copy)]
pub enum Rows<'a> {
    File(&'a Dataset),
    /// A choice list; labels in `lang`, else `default_lang`.
    Choices {
        list: &'a [Choice],
        lang: &'a str,
        default_lang: &'a str,
    },
}

impl<'a> Rows<'a> {
    pub fn len(&self) -> usize {
        match self {
            Rows::File(d) => d.len(),
            Rows::Choices { list, .. } => list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element names of the path to an item (`root`, `item`).
    pub fn path(&self) -> (&'a str, &'a str) {
        match self {
            Rows::File(d) => (&d.root, &d.item),
            Rows::Choices { .. } => ("root", "item"),
        }
    }

    /// `row`'s value in `column`; `None` when the item has no such child.
    pub fn cell(&self, row: usize, column: &str) -> Option<&'a str> {
        match *self {
            Rows::File(d) => d.cell(row, column),
            Rows::Choices {
                list,
                lang,
                default_lang,
            } => {
                let c = list.get(row)?;
                match column {
                    "name" => Some(&c.name),
                    "label" => Some(c.label.get(lang, default_lang).unwrap_or_default()),
                    _ => c.properties.get(column).map(String::as_str),
                }
            }
        }
    }

    /// The string value of a whole item: its cells concatenated (XPath's
    /// string-value of an element).
    pub fn item_text(&self, row: usize) -> String {
        match *self {
            Rows::File(d) => d.rows.get(row).map(|r| r.concat()).unwrap_or_default(),
            Rows::Choices { list, .. } => list.get(row).map_or_else(String::new, |c| {
                let mut s = c.name.clone();
                s.extend(c.properties.values().map(String::as_str));
                s
            }),
        }
    }

    /// The rows whose `column` is exactly `value`, when that can be
    /// answered from an index; `None`: scan.
    pub(crate) fn indexed(&self, column: &str, value: &str) -> Option<&'a [u32]> {
        match *self {
            Rows::File(d) if d.has_column(column) => Some(d.rows_where(column, value)),
            _ => None,
        }
    }
}

impl Form {
    /// The file names the form needs attached (from `select_*_from_file`
    /// types, `pulldata()` calls and `csv-external`/`xml-external` rows),
    /// sorted. `instance('x')` alone names no file: `x` must be declared
    /// by one of those (or be a choice list), as in ODK.
    pub fn attachment_names(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self.external_instances.iter().cloned().collect();
        let mut sources: Vec<&str> = self
            .settings
            .instance_name
            .iter()
            .map(String::as_str)
            .collect();
        for item in self.walk() {
            if let Item::Question(q) = item
                && let Some(f) = &q.choices_file
            {
                out.insert(f.clone());
            }
            sources.extend(prepare::expression_sources(item));
        }
        for source in sources {
            out.extend(
                pulldata_sources(source)
                    .into_iter()
                    .map(|id| format!("{id}.csv")),
            );
        }
        out
    }
}

/// The instance ids named by the `pulldata('id', ...)` calls of an
/// expression (unparsable expressions are the compiler's to report).
pub(crate) fn pulldata_sources(source: &str) -> Vec<String> {
    if !source.contains("pulldata") {
        return Vec::new();
    }
    let Ok(expr) = crate::expr::parse(source) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    expr.visit(&mut |e| {
        if let crate::expr::ExprKind::Call {
            func: crate::expr::Func::Pulldata,
            args,
        } = &e.kind
            && let Some(crate::expr::ExprKind::String(id)) = args.first().map(|a| &a.kind)
        {
            out.push(id.trim().to_owned());
        }
    });
    out
}

/// `compile()` for a form with its attachments: a form needing a file not
/// given is a [`LoadError`] naming the file.
pub fn compile_with(
    form: &Form,
    attachments: &Attachments,
) -> Result<CompiledForm, Vec<LoadError>> {
    CompiledForm::with_attachments(form, attachments)
}
