//! Data exports, one implementation for `GET /api/forms/{id}/export` and
//! `fieldform export`: the parameters ([`ExportParams`], checked into an
//! [`ExportSpec`]), the form version and the count ([`prepare`]), then
//! [`run`], which streams the rows from the database into the
//! `fieldform-export` writers without holding them: a task reads the
//! database stream into a bounded channel, and the (synchronous) exporter
//! drains it on a blocking thread and writes to the caller's `Write`.
//! Memory stays flat whatever the number of responses, and the bytes reach
//! `out` as the records come (the XLSX excepted: it is assembled at the end).

use std::io::Write;
use std::sync::Arc;

use fieldform_engine::compile::CompiledForm;
use fieldform_engine::expr::date::{Parsed, parse_iso};
use fieldform_engine::model::Form;
use fieldform_export::{
    Codebook, CsvZipExport, ExportError, JsonExport, JsonFormat, Layout, Options, Record,
    RecordSink, SelectMultiple, Values, XlsxExport, format_utc_millis,
};
use futures_util::StreamExt as _;
use serde::Deserialize;
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use crate::error::FieldError;
use crate::store::{ExportFilter, ExportRow, ReviewStatus, SharedStore, Store, StoreError, now_ms};

/// How many rows wait between the database and the exporter.
const ROW_BUFFER: usize = 256;
const MS_PER_DAY: i64 = 86_400_000;

/// What is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ODK Central's CSV zip (main table, one per repeat, the codebook).
    Csv,
    Xlsx,
    /// One JSON array of the response trees.
    Json,
    /// One response tree per line.
    Ndjson,
    /// Only the codebook (`<form>-codebook.csv`, `<form>-choices.csv`) in a zip.
    Codebook,
}

impl Format {
    pub const NAMES: &'static str = "csv, xlsx, json, ndjson, codebook";

    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            "ndjson" => Some(Format::Ndjson),
            "codebook" => Some(Format::Codebook),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Codebook => "codebook",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv | Format::Codebook => "application/zip",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
            Format::Ndjson => "application/x-ndjson",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv | Format::Codebook => "zip",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }

    /// Whether the export reads the submissions (the codebook does not).
    fn reads_rows(self) -> bool {
        self != Format::Codebook
    }
}

/// The export's parameters as text, as the query string and the command
/// line give them; [`ExportParams::check`] reads them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// `csv` (default), `xlsx`, `json`, `ndjson`, `codebook`.
    pub format: Option<String>,
    /// The form version whose fields make the columns (default: the newest).
    pub version: Option<String>,
    /// `codes` (default) or `labels` (with `lang`): label columns in the
    /// tables, and a `labels` tree beside the answers in JSON.
    pub values: Option<String>,
    /// The language of the labels: one of the form's language codes.
    pub lang: Option<String>,
    /// `joined` (default) or `split`.
    pub select_multiple: Option<String>,
    /// Received from: `YYYY-MM-DD` (that day, UTC) or RFC 3339, inclusive.
    pub from: Option<String>,
    /// Received up to: `YYYY-MM-DD` (the whole day, UTC) or RFC 3339 (exclusive).
    pub to: Option<String>,
    /// Review statuses, comma-separated (`received,approved,has_issues,rejected`).
    pub review: Option<String>,
    /// `true`: also the revisions corrections replaced.
    pub superseded: Option<String>,
    /// `false`: no codebook files in the CSV zip.
    pub codebook: Option<String>,
}

/// Checked parameters.
#[derive(Debug, Clone)]
pub struct ExportSpec {
    pub format: Format,
    pub version: Option<String>,
    pub values: Values,
    pub select_multiple: SelectMultiple,
    pub filter: ExportFilter,
    pub codebook_in_zip: bool,
}

fn bool_param(
    name: &str,
    value: Option<&str>,
    default: bool,
    errors: &mut Vec<FieldError>,
) -> bool {
    match value {
        None => default,
        Some("true" | "1" | "yes") => true,
        Some("false" | "0" | "no") => false,
        Some(other) => {
            errors.push(FieldError::new(
                name,
                format!("`{other}` is not `true` or `false`"),
            ));
            default
        }
    }
}

/// A time bound: a date is midnight UTC (for `to`, the next midnight: the
/// day is included); a date-time without a zone is UTC.
fn time_param(
    name: &str,
    value: Option<&str>,
    end_of_day: bool,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let text = value?.trim();
    match parse_iso(text, 0) {
        Some(Parsed::Date(days)) => Some((days + i64::from(end_of_day)) * MS_PER_DAY),
        Some(Parsed::DateTime { millis, .. }) => Some(millis),
        None => {
            errors.push(FieldError::new(
                name,
                format!(
                    "`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 time \
                     (2026-03-02T10:00:00Z)"
                ),
            ));
            None
        }
    }
}

impl ExportParams {
    /// Every problem at once, one entry per parameter.
    pub fn check(&self) -> Result<ExportSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let format = match self.format.as_deref() {
            None => Format::Csv,
            Some(text) => Format::parse(text).unwrap_or_else(|| {
                errors.push(FieldError::new(
                    "format",
                    format!("unknown format `{text}`: use one of {}", Format::NAMES),
                ));
                Format::Csv
            }),
        };
        let values = match (self.values.as_deref(), &self.lang) {
            (None | Some("codes"), None) => Values::Codes,
            (None | Some("labels"), Some(lang)) => Values::Labels {
                language: lang.clone(),
            },
            (Some("labels"), None) => {
                errors.push(FieldError::new(
                    "lang",
                    "labels need a language: add `lang=` with one of the form's language codes",
                ));
                Values::Codes
            }
            (Some("codes"), Some(_)) => {
                errors.push(FieldError::new(
                    "lang",
                    "a language applies only to `values=labels`",
                ));
                Values::Codes
            }
            (Some(other), _) => {
                errors.push(FieldError::new(
                    "values",
                    format!("`{other}` is not `codes` or `labels`"),
                ));
                Values::Codes
            }
        };
        let select_multiple = match self.select_multiple.as_deref() {
            None | Some("joined") => SelectMultiple::Joined,
            Some("split") => SelectMultiple::Split,
            Some(other) => {
                errors.push(FieldError::new(
                    "select_multiple",
                    format!("`{other}` is not `joined` or `split`"),
                ));
                SelectMultiple::Joined
            }
        };
        let received_from = time_param("from", self.from.as_deref(), false, &mut errors);
        let received_before = time_param("to", self.to.as_deref(), true, &mut errors);
        if let (Some(from), Some(before)) = (received_from, received_before)
            && from >= before
        {
            errors.push(FieldError::new("to", "is not after `from`"));
        }
        let review = self.review.as_deref().map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .filter_map(|s| {
                    ReviewStatus::parse(s).or_else(|| {
                        errors.push(FieldError::new(
                            "review",
                            format!(
                                "unknown review status `{s}`: use received, approved, \
                                 has_issues or rejected, comma-separated"
                            ),
                        ));
                        None
                    })
                })
                .collect::<Vec<_>>()
        });
        if review.as_ref().is_some_and(Vec::is_empty) && errors.is_empty() {
            errors.push(FieldError::new("review", "names no review status"));
        }
        let include_superseded =
            bool_param("superseded", self.superseded.as_deref(), false, &mut errors);
        let codebook_in_zip = bool_param("codebook", self.codebook.as_deref(), true, &mut errors);
        if let Some(version) = &self.version
            && let Err(e) = crate::catalog::validate_form_version(version)
        {
            errors.push(FieldError::new(
                "version",
                e.message
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "is not a form version".into()),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ExportSpec {
            format,
            version: self.version.clone(),
            values,
            select_multiple,
            filter: ExportFilter {
                received_from,
                received_before,
                review,
                include_superseded,
                up_to_id: None,
            },
            codebook_in_zip,
        })
    }
}

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    #[error("{0} not found")]
    NotFound(String),
    #[error("the export's parameters are not valid")]
    Invalid(Vec<FieldError>),
    #[error("reading the submissions: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Export(#[from] ExportError),
    #[error("stored submission `{instance_id}` revision {revision}: {problem}")]
    Corrupt {
        instance_id: String,
        revision: i64,
        problem: String,
    },
    #[error("{0}")]
    Internal(String),
}

/// An export ready to run: the form version, the options and the count.
pub struct Prepared {
    pub form_id: String,
    pub version: String,
    pub format: Format,
    /// How many revisions the export holds (0 for the codebook).
    pub total: i64,
    form: Arc<CompiledForm>,
    options: Options,
    filter: ExportFilter,
}

impl Prepared {
    /// `<form>-<version>-<YYYY-MM-DD>.<ext>` (`-codebook` for the
    /// codebook); form ids and versions are XML-name-like
    /// (`catalog::FormKey`), safe in a file name and a header.
    pub fn file_name(&self) -> String {
        let today = &format_utc_millis(now_ms())[..10];
        let what = if self.format == Format::Codebook {
            "-codebook"
        } else {
            ""
        };
        format!(
            "{}-{}-{today}{what}.{}",
            self.form_id,
            self.version,
            self.format.extension()
        )
    }
}

/// Finds the form version, compiles it, checks the language, and counts
/// the matching revisions.
pub async fn prepare(
    store: &dyn Store,
    form_id: &str,
    spec: ExportSpec,
) -> Result<Prepared, ExportFailure> {
    let version = match spec.version {
        Some(version) => version,
        // `list_forms` is ordered by form id, then publication.
        None => store
            .list_forms()
            .await?
            .into_iter()
            .rev()
            .find(|row| row.form_id == form_id)
            .map(|row| row.version)
            .ok_or_else(|| ExportFailure::NotFound(format!("form `{form_id}`")))?,
    };
    let Some(stored) = store.form_definition(form_id, &version).await? else {
        return Err(ExportFailure::NotFound(format!(
            "form `{form_id}` version `{version}`"
        )));
    };
    let form = Form::from_json(&stored.definition).map_err(|e| {
        ExportFailure::Internal(format!("stored form `{form_id}` version `{version}`: {e}"))
    })?;
    if let Values::Labels { language } = &spec.values
        && !form.languages.iter().any(|l| &l.code == language)
    {
        let codes: Vec<&str> = form.languages.iter().map(|l| l.code.as_str()).collect();
        return Err(ExportFailure::Invalid(vec![FieldError::new(
            "lang",
            format!(
                "form `{form_id}` version `{version}` has no language `{language}`: \
                 its languages are {}",
                codes.join(", ")
            ),
        )]));
    }
    // With its stored data files; compiled off the async workers.
    let compiled = crate::attachments::compile_stored(store, form_id, &version, form)
        .await
        .map_err(|e| match e {
            crate::attachments::StoredFormError::Store(e) => ExportFailure::from(e),
            crate::attachments::StoredFormError::Broken(message) => {
                ExportFailure::Internal(message)
            }
        })?;
    let mut filter = spec.filter;
    let total = if spec.format.reads_rows() {
        let count = store.count_export(form_id, &filter).await?;
        filter.up_to_id = Some(count.last_id);
        count.total
    } else {
        0
    };
    let options = Options {
        values: spec.values,
        select_multiple: spec.select_multiple,
        include_superseded: filter.include_superseded,
        received_from: filter.received_from,
        received_before: filter.received_before,
        review: filter
            .review
            .as_ref()
            .map(|list| list.iter().map(|s| export_status(*s)).collect()),
        codebook_in_zip: spec.codebook_in_zip,
    };
    Ok(Prepared {
        form_id: form_id.to_owned(),
        version,
        format: spec.format,
        total,
        form: Arc::new(compiled),
        options,
        filter,
    })
}

fn export_status(status: ReviewStatus) -> fieldform_export::ReviewStatus {
    match status {
        ReviewStatus::Received => fieldform_export::ReviewStatus::Received,
        ReviewStatus::Approved => fieldform_export::ReviewStatus::Approved,
        ReviewStatus::HasIssues => fieldform_export::ReviewStatus::HasIssues,
        ReviewStatus::Rejected => fieldform_export::ReviewStatus::Rejected,
    }
}

/// Writes the export to `out`; returns how many revisions it holds and
/// `out`. On an error `out` may hold part of the export: the caller must
/// not present it as complete (the HTTP body is aborted, the CLI's file
/// removed).
pub async fn run<W: Write + Send + 'static>(
    store: SharedStore,
    prepared: Prepared,
    out: W,
) -> Result<(u64, W), ExportFailure> {
    let Prepared {
        form_id,
        format,
        form,
        options,
        filter,
        ..
    } = prepared;
    let (tx, rx) = mpsc::channel(ROW_BUFFER);
    let exporter = tokio::task::spawn_blocking({
        let form_id = form_id.clone();
        move || export_blocking(&form, &form_id, format, options, rx, out)
    });
    if format.reads_rows() {
        let mut rows = store.export_submissions(&form_id, &filter);
        while let Some(row) = rows.next().await {
            let failed = row.is_err();
            // The exporter stopped (its error is reported below).
            if tx.send(row).await.is_err() || failed {
                break;
            }
        }
    }
    drop(tx);
    exporter
        .await
        .map_err(|e| ExportFailure::Internal(format!("the exporter stopped: {e}")))?
}

/// The exporter's side, on a blocking thread: rows from `rx` into the
/// format's writer.
fn export_blocking<W: Write>(
    form: &CompiledForm,
    form_id: &str,
    format: Format,
    options: Options,
    mut rx: mpsc::Receiver<Result<ExportRow, StoreError>>,
    out: W,
) -> Result<(u64, W), ExportFailure> {
    let mut feed = |sink: &mut dyn RecordSink| -> Result<u64, ExportFailure> {
        let mut written = 0;
        while let Some(row) = rx.blocking_recv() {
            if sink.write(&record_of(row?)?)? {
                written += 1;
            }
        }
        Ok(written)
    };
    let (written, mut out) = match format {
        Format::Csv => {
            let mut export = CsvZipExport::new(form, options, out)?;
            let written = feed(&mut export)?;
            (written, export.finish()?)
        }
        Format::Xlsx => {
            let mut export = XlsxExport::new(form, options)?;
            let written = feed(&mut export)?;
            (written, export.finish(out)?)
        }
        Format::Json | Format::Ndjson => {
            let shape = if format == Format::Json {
                JsonFormat::Array
            } else {
                JsonFormat::Lines
            };
            let mut export = JsonExport::new(form, options, shape, out)?;
            let written = feed(&mut export)?;
            (written, export.finish()?)
        }
        Format::Codebook => (0, write_codebook(form, form_id, &options, out)?),
    };
    out.flush().map_err(ExportError::from)?;
    Ok((written, out))
}

/// The codebook alone: a zip of its two tables, named as in the CSV zip.
fn write_codebook<W: Write>(
    form: &CompiledForm,
    form_id: &str,
    options: &Options,
    out: W,
) -> Result<W, ExportError> {
    let layout = Layout::new(form, options)?;
    let codebook = Codebook::new(form, &layout);
    let mut zip = zip::ZipWriter::new_stream(out);
    let entry = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, rows) in [
        (format!("{form_id}-codebook.csv"), &codebook.columns),
        (format!("{form_id}-choices.csv"), &codebook.choices),
    ] {
        zip.start_file(name, entry)?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut zip);
        for row in rows {
            csv.write_record(row)?;
        }
        csv.flush()?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A stored revision as the export library takes it.
fn record_of(row: ExportRow) -> Result<Record, ExportFailure> {
    let corrupt = |problem: String| ExportFailure::Corrupt {
        instance_id: row.instance_id.clone(),
        revision: row.revision,
        problem,
    };
    let answers: Value = serde_json::from_str(&row.answers)
        .map_err(|e| corrupt(format!("its answers are not JSON: {e}")))?;
    let meta = match serde_json::from_str(&row.meta) {
        Ok(Value::Object(map)) => map,
        Ok(_) => Map::new(),
        Err(e) => return Err(corrupt(format!("its meta is not JSON: {e}"))),
    };
    let revision =
        u32::try_from(row.revision).map_err(|_| corrupt("its revision is out of range".into()))?;
    Ok(Record {
        revision,
        superseded: row.superseded,
        form_version: row.form_version,
        submitted_by: row.submitted_by,
        submitter_name: None,
        received_at: row.received_at,
        review: row.review.map(export_status),
        meta,
        answers,
        instance_id: row.instance_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parameters as a query string gives them.
    fn params(pairs: &[(&str, &str)]) -> ExportParams {
        let object: Map<String, Value> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
            .collect();
        serde_json::from_value(Value::Object(object)).expect("params")
    }

    #[test]
    fn defaults_are_central_s_export() {
        let spec = params(&[]).check().expect("valid");
        assert_eq!(spec.format, Format::Csv);
        assert_eq!(spec.values, Values::Codes);
        assert_eq!(spec.select_multiple, SelectMultiple::Joined);
        assert_eq!(spec.filter, ExportFilter::current());
        assert!(spec.codebook_in_zip);
    }

    #[test]
    fn dates_take_whole_days_and_times_exactly() {
        let spec = params(&[("from", "2026-03-01"), ("to", "2026-03-01")])
            .check()
            .expect("valid");
        // 2026-03-01T00:00:00Z and the next midnight.
        assert_eq!(spec.filter.received_from, Some(1_772_323_200_000));
        assert_eq!(
            spec.filter.received_before,
            Some(1_772_323_200_000 + MS_PER_DAY)
        );
        let spec = params(&[("from", "2026-03-01T10:00:00+02:00")])
            .check()
            .expect("valid");
        assert_eq!(
            spec.filter.received_from,
            Some(1_772_323_200_000 + 8 * 3_600_000)
        );
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let errors = params(&[
            ("format", "pdf"),
            ("values", "labels"),
            ("from", "yesterday"),
            ("review", "approved,fine"),
            ("superseded", "maybe"),
        ])
        .check()
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["format", "lang", "from", "review", "superseded"]);
        assert!(errors[0].message.contains("pdf"), "{:?}", errors[0]);
    }

    #[test]
    fn review_statuses_and_labels() {
        let spec = params(&[
            ("review", "approved,has_issues"),
            ("lang", "ro"),
            ("select_multiple", "split"),
            ("superseded", "true"),
        ])
        .check()
        .expect("valid");
        assert_eq!(
            spec.filter.review,
            Some(vec![ReviewStatus::Approved, ReviewStatus::HasIssues])
        );
        assert_eq!(
            spec.values,
            Values::Labels {
                language: "ro".into()
            }
        );
        assert_eq!(spec.select_multiple, SelectMultiple::Split);
        assert!(spec.filter.include_superseded);
    }
}
