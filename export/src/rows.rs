//! A record as table rows: its main row, then its repeat instances, each
//! row carrying its key and its parent's key (ODK's
//! `uuid:<id>/group/repeat[1]`).

use std::borrow::Cow;

use fieldform_engine::model::QuestionType;
use serde_json::{Map, Value as Json};

use crate::ExportError;
use crate::labels::Instance;
use crate::layout::{LABEL_SEPARATOR, Layout, Part, Source};
use crate::record::{Record, ReviewStatus, format_utc_millis};

/// One cell: its text (empty for no value).
pub type Cell<'a> = Cow<'a, str>;

/// Receives each row: the table's index in the layout, and its cells.
pub(crate) type Emit<'e> = dyn FnMut(usize, &[Cell<'_>]) -> Result<(), ExportError> + 'e;

/// Calls `emit(table, cells)` for every row of `record`, main row first,
/// then each repeat instance before the instances nested in it.
pub(crate) fn for_each_row(
    layout: &Layout,
    record: &Record,
    emit: &mut Emit<'_>,
) -> Result<(), ExportError> {
    let Json::Object(answers) = &record.answers else {
        return Err(ExportError::Answers {
            instance_id: record.instance_id.clone(),
            revision: record.revision,
        });
    };
    let key = record.key();
    let row = Row {
        inst: Instance::top(answers),
        key: &key,
        parent_key: "",
    };
    walk(layout, record, 0, &row, emit)
}

struct Row<'a> {
    /// The row's answers, within its record's.
    inst: Instance<'a>,
    key: &'a str,
    parent_key: &'a str,
}

fn walk(
    layout: &Layout,
    record: &Record,
    table: usize,
    row: &Row<'_>,
    emit: &mut Emit<'_>,
) -> Result<(), ExportError> {
    let cells: Vec<Cell<'_>> = layout.tables[table]
        .columns
        .iter()
        .map(|c| cell(&c.source, record, row))
        .collect();
    emit(table, &cells)?;
    for &child in &layout.tables[table].children {
        let path = &layout.tables[child].path;
        let Some((repeat, groups)) = path.split_last() else {
            continue;
        };
        let Some(Json::Array(instances)) = lookup(row.inst.answers, path) else {
            continue;
        };
        let mut prefix = row.key.to_owned();
        for g in groups {
            prefix.push('/');
            prefix.push_str(g);
        }
        let empty = Map::new();
        for (i, instance) in instances.iter().enumerate() {
            let key = format!("{prefix}/{repeat}[{}]", i + 1);
            let inner = Row {
                inst: Instance {
                    // A non-relevant instance is `{}`; anything else is not
                    // an instance of this form and reads as empty.
                    answers: instance.as_object().unwrap_or(&empty),
                    parent: Some(&row.inst),
                },
                key: &key,
                parent_key: row.key,
            };
            walk(layout, record, child, &inner, emit)?;
        }
    }
    Ok(())
}

fn lookup<'a>(answers: &'a Map<String, Json>, path: &[String]) -> Option<&'a Json> {
    let (last, groups) = path.split_last()?;
    let mut here = answers;
    for g in groups {
        here = here.get(g)?.as_object()?;
    }
    here.get(last)
}

fn text(value: Option<&Json>) -> Cow<'_, str> {
    match value {
        None | Some(Json::Null) => Cow::Borrowed(""),
        Some(Json::String(s)) => Cow::Borrowed(s),
        // Not the engine's shape, but shown rather than dropped.
        Some(other) => Cow::Owned(other.to_string()),
    }
}

fn cell<'a>(source: &'a Source, record: &'a Record, row: &Row<'a>) -> Cell<'a> {
    match source {
        Source::Answer {
            path,
            part,
            labels,
            kind,
            ..
        } => {
            let value = text(lookup(row.inst.answers, path));
            match part {
                Part::Whole => match labels {
                    None => value,
                    Some(labels) if *kind == QuestionType::SelectOne => match value {
                        Cow::Borrowed(code) => labels.show(code, &row.inst),
                        Cow::Owned(code) => Cow::Owned(labels.show(&code, &row.inst).into_owned()),
                    },
                    // select_multiple and rank: several codes.
                    Some(labels) => {
                        let shown: Vec<Cow<'_, str>> = value
                            .split_whitespace()
                            .map(|code| labels.show(code, &row.inst))
                            .collect();
                        Cow::Owned(shown.join(LABEL_SEPARATOR))
                    }
                },
                Part::Choice(code) => {
                    if value.is_empty() {
                        Cow::Borrowed("")
                    } else if value.split_whitespace().any(|v| v == code) {
                        Cow::Borrowed("1")
                    } else {
                        Cow::Borrowed("0")
                    }
                }
                Part::Geo(i) => match value.split_whitespace().nth(*i) {
                    Some(v) => Cow::Owned(v.to_owned()),
                    None => Cow::Borrowed(""),
                },
            }
        }
        Source::SubmissionDate => Cow::Owned(format_utc_millis(record.received_at)),
        Source::InstanceId => Cow::Owned(record.odk_instance_id()),
        Source::InstanceName => Cow::Borrowed(record.meta_text("instance_name").unwrap_or("")),
        Source::Key => Cow::Owned(row.key.to_owned()),
        Source::ParentKey => Cow::Owned(row.parent_key.to_owned()),
        Source::SubmitterId => Cow::Borrowed(&record.submitted_by),
        Source::SubmitterName => Cow::Borrowed(match &record.submitter_name {
            Some(name) => name,
            None => record
                .submitted_by
                .split_once(':')
                .map_or(&record.submitted_by, |(_, name)| name),
        }),
        // No attachment types yet; ODK writes 0 for forms without any.
        Source::AttachmentsPresent | Source::AttachmentsExpected => Cow::Borrowed("0"),
        // ODK's Status is about encrypted submissions, which we do not have.
        Source::Status => Cow::Borrowed(""),
        Source::ReviewState => Cow::Borrowed(match record.review {
            Some(ReviewStatus::Approved) => "approved",
            Some(ReviewStatus::HasIssues) => "hasIssues",
            Some(ReviewStatus::Rejected) => "rejected",
            Some(ReviewStatus::Received) | None if record.revision > 1 => "edited",
            Some(ReviewStatus::Received) | None => "",
        }),
        Source::DeviceId => Cow::Borrowed(record.meta_text("device").unwrap_or("")),
        Source::Edits => Cow::Owned(record.revision.saturating_sub(1).to_string()),
        Source::FormVersion => Cow::Borrowed(&record.form_version),
        Source::Superseded => Cow::Borrowed(if record.superseded { "1" } else { "0" }),
    }
}
