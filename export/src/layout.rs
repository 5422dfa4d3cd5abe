//! The tables and columns of an export, worked out once from the form, in
//! ODK Central's layout: a main table, then one table per repeat in form
//! order; group paths joined by `-`, relative to the table's own row.

use fieldform_engine::compile::{CompiledForm, FieldId, FieldKind};
use fieldform_engine::model::{QuestionType, Text};

use crate::ExportError;
use crate::labels::ChoiceLabels;
use crate::options::{Options, SelectMultiple};

/// The suffixes of a geopoint's four columns, in ODK's order.
pub const GEO_PARTS: [&str; 4] = ["Latitude", "Longitude", "Altitude", "Accuracy"];

/// Separates the labels of a select_multiple answer (labels have spaces).
pub const LABEL_SEPARATOR: &str = "; ";

/// Every table of an export.
#[derive(Debug, Clone)]
pub struct Layout {
    pub form_id: String,
    /// The main table first, then the repeats depth first, in form order.
    pub tables: Vec<Table>,
}

/// One table: the main records, or the instances of one repeat.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file stem: `<form id>` or `<form id>-<repeat name>`.
    pub name: String,
    /// The repeat whose instances are the rows; `None` for the main table.
    pub repeat: Option<FieldId>,
    /// The table whose rows hold this one's instances.
    pub parent: Option<usize>,
    /// From the parent row's answers to the repeat's array: the groups in
    /// between, then the repeat's name.
    pub path: Vec<String>,
    pub columns: Vec<Column>,
    /// The tables of the repeats directly inside this one.
    pub children: Vec<usize>,
}

/// One column of a table.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub source: Source,
}

/// Where a column's values come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// An answer: `path` from the row's answers object to the value.
    Answer {
        field: FieldId,
        kind: QuestionType,
        path: Vec<String>,
        part: Part,
        /// Code to label, when labels are exported and the field has
        /// choices (filled per row when they show answers).
        labels: Option<ChoiceLabels>,
    },
    SubmissionDate,
    InstanceId,
    InstanceName,
    Key,
    ParentKey,
    SubmitterId,
    SubmitterName,
    AttachmentsPresent,
    AttachmentsExpected,
    Status,
    ReviewState,
    DeviceId,
    Edits,
    FormVersion,
    Superseded,
}

/// Which part of an answer a column shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Whole,
    /// 1 if this choice is selected, 0 if not (empty if unanswered).
    Choice(String),
    /// One of [`GEO_PARTS`], by index.
    Geo(usize),
}

impl Column {
    fn meta(name: &str, source: Source) -> Self {
        Self {
            name: name.to_owned(),
            source,
        }
    }

    /// The values are numbers (written as numbers in XLSX).
    pub fn is_numeric(&self) -> bool {
        match &self.source {
            Source::Answer { kind, part, .. } => match part {
                Part::Whole => matches!(
                    kind,
                    QuestionType::Integer | QuestionType::Decimal | QuestionType::Range
                ),
                Part::Choice(_) | Part::Geo(_) => true,
            },
            Source::AttachmentsPresent
            | Source::AttachmentsExpected
            | Source::Edits
            | Source::Superseded => true,
            _ => false,
        }
    }
}

/// The "Other" choice of an `or_other` select, in the app's words.
pub fn other_label(lang: &str) -> &'static str {
    match fieldform_engine::model::primary_subtag(lang).as_str() {
        "fr" => "Autre",
        "es" => "Otro",
        "ar" => "أخرى",
        "ro" => "Altele",
        "ru" => "Другое",
        _ => "Other",
    }
}

/// The choices of a select field as (code, label) texts, with `other` for
/// an `or_other` select.
pub fn choices_of(form: &CompiledForm, field: FieldId) -> Vec<(String, Text)> {
    let mut out: Vec<(String, Text)> = form
        .choices(field)
        .iter()
        .map(|c| (c.name.clone(), c.label.clone()))
        .collect();
    let or_other = form.field(field).question().is_some_and(|q| q.or_other);
    if or_other && !out.iter().any(|(name, _)| name == "other") {
        let mut label = Text::default();
        for lang in &form.form.languages {
            label
                .0
                .insert(lang.code.clone(), other_label(&lang.code).to_owned());
        }
        out.push(("other".to_owned(), label));
    }
    out
}

/// The labels' language, if labels are asked for, is one of the form's.
pub(crate) fn check_language(form: &CompiledForm, options: &Options) -> Result<(), ExportError> {
    match options.label_language() {
        Some(lang) if !form.form.languages.iter().any(|l| l.code == lang) => {
            Err(ExportError::UnknownLanguage {
                language: lang.to_owned(),
                available: form
                    .form
                    .languages
                    .iter()
                    .map(|l| l.code.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
        _ => Ok(()),
    }
}

impl Layout {
    pub fn new(form: &CompiledForm, options: &Options) -> Result<Layout, ExportError> {
        check_language(form, options)?;
        let mut builder = Builder {
            form,
            options,
            tables: vec![Table {
                name: form.form.id.clone(),
                repeat: None,
                parent: None,
                path: Vec::new(),
                columns: vec![Column::meta("SubmissionDate", Source::SubmissionDate)],
                children: Vec::new(),
            }],
        };
        let top: Vec<FieldId> = form.top_level().collect();
        builder.add(0, &top, &[]);
        let mut tables = builder.tables;
        let main = &mut tables[0].columns;
        main.push(Column::meta("meta-instanceID", Source::InstanceId));
        if form.form.settings.instance_name.is_some() {
            main.push(Column::meta("meta-instanceName", Source::InstanceName));
        }
        for (name, source) in [
            ("KEY", Source::Key),
            ("SubmitterID", Source::SubmitterId),
            ("SubmitterName", Source::SubmitterName),
            ("AttachmentsPresent", Source::AttachmentsPresent),
            ("AttachmentsExpected", Source::AttachmentsExpected),
            ("Status", Source::Status),
            ("ReviewState", Source::ReviewState),
            ("DeviceID", Source::DeviceId),
            ("Edits", Source::Edits),
            ("FormVersion", Source::FormVersion),
        ] {
            main.push(Column::meta(name, source));
        }
        if options.include_superseded {
            main.push(Column::meta("Superseded", Source::Superseded));
        }
        Ok(Layout {
            form_id: form.form.id.clone(),
            tables,
        })
    }
}

struct Builder<'a> {
    form: &'a CompiledForm,
    options: &'a Options,
    tables: Vec<Table>,
}

impl Builder<'_> {
    /// Adds the columns of `fields` (at `path` inside `table`'s rows) and
    /// the tables of the repeats among them.
    fn add(&mut self, table: usize, fields: &[FieldId], path: &[String]) {
        for &id in fields {
            let field = self.form.field(id);
            let mut here = path.to_vec();
            here.push(field.name.clone());
            match field.kind {
                FieldKind::Group => self.add(table, &field.children, &here),
                FieldKind::Repeat => {
                    let index = self.tables.len();
                    self.tables.push(Table {
                        name: format!("{}-{}", self.form.form.id, field.name),
                        repeat: Some(id),
                        parent: Some(table),
                        path: here,
                        columns: Vec::new(),
                        children: Vec::new(),
                    });
                    self.tables[table].children.push(index);
                    self.add(index, &field.children, &[]);
                    let columns = &mut self.tables[index].columns;
                    columns.push(Column::meta("PARENT_KEY", Source::ParentKey));
                    columns.push(Column::meta("KEY", Source::Key));
                }
                FieldKind::Question(kind) => self.question(table, id, kind, here),
            }
        }
    }

    fn question(&mut self, table: usize, id: FieldId, kind: QuestionType, path: Vec<String>) {
        let name = path.join("-");
        let labels = match self.options.label_language() {
            Some(lang) if kind.has_choices() => Some(ChoiceLabels::new(self.form, id, lang)),
            _ => None,
        };
        let column = |name: String, part: Part, labels: Option<ChoiceLabels>| Column {
            name,
            source: Source::Answer {
                field: id,
                kind,
                path: path.clone(),
                part,
                labels,
            },
        };
        let mut columns = Vec::new();
        if kind == QuestionType::Geopoint {
            for (i, suffix) in GEO_PARTS.iter().enumerate() {
                columns.push(column(format!("{name}-{suffix}"), Part::Geo(i), None));
            }
        } else {
            columns.push(column(name.clone(), Part::Whole, labels));
            if kind == QuestionType::SelectMultiple
                && self.options.select_multiple == SelectMultiple::Split
            {
                for (code, _) in choices_of(self.form, id) {
                    columns.push(column(format!("{name}/{code}"), Part::Choice(code), None));
                }
            }
        }
        self.tables[table].columns.extend(columns);
    }
}
