//! The codebook: one row per exported column (its table, field, type,
//! choice list and question label per language), and the choice lists
//! with their labels per language, so Stata, SPSS or R can label the
//! values. It depends only on the form and the layout, so it is small and
//! built whole. It documents the form, not a response: a label that shows
//! an answer keeps its place holder, written `[name]` for `${name}`
//! (`labels::readable`).

use fieldform_engine::compile::CompiledForm;
use fieldform_engine::model::{QuestionType, Text};

use crate::labels::readable;
use crate::layout::{GEO_PARTS, Layout, Part, Source, choices_of};

/// The two codebook tables, header row first.
#[derive(Debug, Clone)]
pub struct Codebook {
    pub columns: Vec<Vec<String>>,
    pub choices: Vec<Vec<String>>,
}

fn type_name(kind: QuestionType) -> String {
    // The form file's own spelling (`select_one`, `datetime`, ...).
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Codebook {
    pub fn new(form: &CompiledForm, layout: &Layout) -> Codebook {
        let languages = &form.form.languages;
        let label_headers = languages
            .iter()
            .map(|l| format!("label::{} ({})", l.name, l.code));

        let mut columns = vec![
            ["table", "column", "field", "type", "list_name", "value"]
                .into_iter()
                .map(str::to_owned)
                .chain(label_headers.clone())
                .collect::<Vec<_>>(),
        ];
        // Lists in the order the tables (main first) first use them, each
        // with the `other` of an `or_other` select that uses it.
        let mut lists: Vec<(String, Vec<(String, Text)>)> = Vec::new();
        for table in &layout.tables {
            for column in &table.columns {
                let mut row = vec![table.name.clone(), column.name.clone()];
                let Source::Answer {
                    field, kind, part, ..
                } = &column.source
                else {
                    row.extend(["", "metadata", "", ""].map(str::to_owned));
                    row.extend(languages.iter().map(|_| String::new()));
                    columns.push(row);
                    continue;
                };
                let f = form.field(*field);
                let question = f.question();
                let list = question.and_then(|q| q.choices.clone()).unwrap_or_default();
                let label = question.map(|q| q.label.clone()).unwrap_or_default();
                let choices = if kind.has_choices() {
                    choices_of(form, *field)
                } else {
                    Vec::new()
                };
                let (type_text, value, choice_label) = match part {
                    Part::Whole => (type_name(*kind), String::new(), None),
                    Part::Choice(code) => (
                        "0/1".to_owned(),
                        code.clone(),
                        choices.iter().find(|(c, _)| c == code).map(|(_, t)| t),
                    ),
                    Part::Geo(i) => (
                        format!("{} {}", type_name(*kind), GEO_PARTS[*i].to_lowercase()),
                        String::new(),
                        None,
                    ),
                };
                row.extend([f.name.clone(), type_text, list.clone(), value]);
                for lang in languages {
                    let question = label.0.get(&lang.code).map_or("", String::as_str);
                    let question = readable(question);
                    row.push(match choice_label.and_then(|t| t.0.get(&lang.code)) {
                        Some(choice) => format!("{question} / {}", readable(choice)),
                        None => question.into_owned(),
                    });
                }
                columns.push(row);
                if !list.is_empty() {
                    match lists.iter_mut().find(|(name, _)| *name == list) {
                        Some((_, known)) => {
                            for c in choices {
                                if !known.iter().any(|(k, _)| *k == c.0) {
                                    known.push(c);
                                }
                            }
                        }
                        None => lists.push((list, choices)),
                    }
                }
            }
        }

        let mut choice_rows = vec![
            ["list_name", "value"]
                .into_iter()
                .map(str::to_owned)
                .chain(label_headers)
                .collect::<Vec<_>>(),
        ];
        for (list, choices) in lists {
            for (value, label) in choices {
                let mut row = vec![list.clone(), value];
                row.extend(languages.iter().map(|l| {
                    label
                        .0
                        .get(&l.code)
                        .map_or_else(String::new, |t| readable(t).into_owned())
                }));
                choice_rows.push(row);
            }
        }
        Codebook {
            columns,
            choices: choice_rows,
        }
    }

    pub fn write_columns<W: std::io::Write>(
        &self,
        out: &mut csv::Writer<W>,
    ) -> Result<(), csv::Error> {
        write_all(&self.columns, out)
    }

    pub fn write_choices<W: std::io::Write>(
        &self,
        out: &mut csv::Writer<W>,
    ) -> Result<(), csv::Error> {
        write_all(&self.choices, out)
    }
}

fn write_all<W: std::io::Write>(
    rows: &[Vec<String>],
    out: &mut csv::Writer<W>,
) -> Result<(), csv::Error> {
    for row in rows {
        out.write_record(row)?;
    }
    out.flush()?;
    Ok(())
}
