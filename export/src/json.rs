//! JSON (one array) and NDJSON (one object per line) of the response
//! trees, written as the records come. The answers are the stored tree
//! (codes; non-relevant answers absent), whatever the table options. With
//! [`Values::Labels`](crate::Values::Labels) each entry also has `labels`:
//! the same tree holding only the choice answers, each as its label in
//! that language (a select_multiple's or rank's as an array), filled as the
//! respondent saw it when it shows answers (`${name1}`); a repeat keeps one
//! object per instance, so positions match `answers`.

use std::io::Write;

use fieldform_engine::compile::{CompiledForm, FieldId, FieldKind};
use fieldform_engine::model::QuestionType;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::labels::{ChoiceLabels, Instance};
use crate::layout::check_language;
use crate::options::Options;
use crate::record::{Record, ReviewStatus, format_utc_millis};
use crate::{ExportError, RecordSink};

/// The two JSON shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonFormat {
    /// `[` records separated by `,\n` `]`.
    Array,
    /// One record per line (`application/x-ndjson`).
    Lines,
}

/// One exported response.
#[derive(Serialize)]
struct Entry<'a> {
    instance_id: &'a str,
    revision: u32,
    superseded: bool,
    form_id: &'a str,
    form_version: &'a str,
    submitted_by: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    submitter_name: Option<&'a str>,
    /// RFC 3339, UTC, milliseconds (as `SubmissionDate` in the tables).
    received_at: String,
    review_status: &'static str,
    meta: &'a Map<String, Json>,
    answers: &'a Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<Map<String, Json>>,
}

/// The choice questions of the form in its tree shape (groups and repeats
/// without any left out), with their labels in the export's language.
struct LabelTree(Vec<(String, Node)>);

enum Node {
    Choice { labels: ChoiceLabels, several: bool },
    Group(LabelTree),
    Repeat(LabelTree),
}

impl LabelTree {
    fn new(form: &CompiledForm, fields: &[FieldId], lang: &str) -> LabelTree {
        let mut items = Vec::new();
        for &id in fields {
            let field = form.field(id);
            let node = match field.kind {
                FieldKind::Question(kind) if kind.has_choices() => Node::Choice {
                    labels: ChoiceLabels::new(form, id, lang),
                    several: kind != QuestionType::SelectOne,
                },
                FieldKind::Question(_) => continue,
                FieldKind::Group | FieldKind::Repeat => {
                    let inner = LabelTree::new(form, &field.children, lang);
                    if inner.0.is_empty() {
                        continue;
                    }
                    if field.kind == FieldKind::Group {
                        Node::Group(inner)
                    } else {
                        Node::Repeat(inner)
                    }
                }
            };
            items.push((field.name.clone(), node));
        }
        LabelTree(items)
    }

    /// The labels of the choice answers in `answers` (the object of `inst`
    /// or of a group in it).
    fn labels(&self, inst: &Instance<'_>, answers: &Map<String, Json>) -> Map<String, Json> {
        let mut out = Map::new();
        for (name, node) in &self.0 {
            let Some(value) = answers.get(name) else {
                continue;
            };
            let shown = match node {
                Node::Choice { labels, several } => {
                    let Some(codes) = value.as_str().filter(|s| !s.is_empty()) else {
                        continue;
                    };
                    if *several {
                        Json::Array(
                            codes
                                .split_whitespace()
                                .map(|code| Json::from(labels.show(code, inst).into_owned()))
                                .collect(),
                        )
                    } else {
                        Json::from(labels.show(codes, inst).into_owned())
                    }
                }
                Node::Group(tree) => match value.as_object() {
                    Some(group) => Json::Object(tree.labels(inst, group)),
                    None => continue,
                },
                Node::Repeat(tree) => {
                    let Some(instances) = value.as_array() else {
                        continue;
                    };
                    let empty = Map::new();
                    Json::Array(
                        instances
                            .iter()
                            .map(|i| {
                                let answers = i.as_object().unwrap_or(&empty);
                                let inner = Instance {
                                    answers,
                                    parent: Some(inst),
                                };
                                Json::Object(tree.labels(&inner, answers))
                            })
                            .collect(),
                    )
                }
            };
            out.insert(name.clone(), shown);
        }
        out
    }
}

/// See the module docs.
pub struct JsonExport<W: Write> {
    out: W,
    form_id: String,
    options: Options,
    format: JsonFormat,
    written: u64,
    /// When labels are asked for.
    labels: Option<LabelTree>,
}

impl<W: Write> JsonExport<W> {
    /// Writes the opening `[` of an array at once.
    pub fn new(
        form: &CompiledForm,
        options: Options,
        format: JsonFormat,
        mut out: W,
    ) -> Result<Self, ExportError> {
        check_language(form, &options)?;
        let top: Vec<FieldId> = form.top_level().collect();
        let labels = options
            .label_language()
            .map(|lang| LabelTree::new(form, &top, lang));
        if format == JsonFormat::Array {
            out.write_all(b"[")?;
        }
        Ok(Self {
            out,
            form_id: form.form.id.clone(),
            options,
            format,
            written: 0,
            labels,
        })
    }

    /// Closes the array; returns `out`.
    pub fn finish(mut self) -> Result<W, ExportError> {
        if self.format == JsonFormat::Array {
            self.out
                .write_all(if self.written == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> RecordSink for JsonExport<W> {
    fn write(&mut self, record: &Record) -> Result<bool, ExportError> {
        if !self.options.accepts(record) {
            return Ok(false);
        }
        let entry = Entry {
            instance_id: &record.instance_id,
            revision: record.revision,
            superseded: record.superseded,
            form_id: &self.form_id,
            form_version: &record.form_version,
            submitted_by: &record.submitted_by,
            submitter_name: record.submitter_name.as_deref(),
            received_at: format_utc_millis(record.received_at),
            review_status: record.review.unwrap_or(ReviewStatus::Received).as_str(),
            meta: &record.meta,
            answers: &record.answers,
            labels: self.labels.as_ref().map(|tree| match &record.answers {
                Json::Object(answers) => tree.labels(&Instance::top(answers), answers),
                _ => Map::new(),
            }),
        };
        match self.format {
            JsonFormat::Array => {
                self.out
                    .write_all(if self.written == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, &entry)?;
            }
            JsonFormat::Lines => {
                serde_json::to_writer(&mut self.out, &entry)?;
                self.out.write_all(b"\n")?;
            }
        }
        self.written += 1;
        Ok(true)
    }
}
