//! JSON (one array) and NDJSON (one object per line) of the response
//! trees, written as the records come. The answers are the stored tree
//! (codes; non-relevant answers absent), whatever the table options: the
//! codebook labels them.

use std::io::Write;

use serde::Serialize;
use serde_json::{Map, Value as Json};

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
}

/// See the module docs.
pub struct JsonExport<W: Write> {
    out: W,
    form_id: String,
    options: Options,
    format: JsonFormat,
    written: u64,
}

impl<W: Write> JsonExport<W> {
    /// Writes the opening `[` of an array at once.
    pub fn new(
        form_id: &str,
        options: Options,
        format: JsonFormat,
        mut out: W,
    ) -> Result<Self, ExportError> {
        if format == JsonFormat::Array {
            out.write_all(b"[")?;
        }
        Ok(Self {
            out,
            form_id: form_id.to_owned(),
            options,
            format,
            written: 0,
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
