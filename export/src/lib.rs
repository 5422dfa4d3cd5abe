//! Fieldform's data exports, one implementation for the API, the console
//! and `fieldform export`:
//!
//! - [`CsvZipExport`]: a zip of CSV files in ODK Central's layout, so
//!   analysis scripts written for Central keep working;
//! - [`XlsxExport`]: the same tables as sheets, plus the codebook;
//! - [`JsonExport`]: the response trees as a JSON array or NDJSON;
//! - [`Codebook`]: per column its question, type and labels per language,
//!   and the choice lists with their labels.
//!
//! Every export takes the compiled form (its `or_other` companions
//! included) and [`Options`], then records one at a time
//! ([`RecordSink::write`]), and keeps nothing of a record once written:
//! memory stays flat whatever the number of records. CSV and JSON bytes
//! reach the caller's writer as records come (the download starts at
//! once); the XLSX is assembled at the end, from a temp file per sheet.
//!
//! # The tables (ODK Central's CSV export)
//!
//! `<form>.csv`: `SubmissionDate` (received, UTC, `…T10:00:00.000Z`), the
//! form's questions in form order (group paths joined by `-`, e.g.
//! `household-hh_others`; a geopoint as `-Latitude`, `-Longitude`,
//! `-Altitude`, `-Accuracy`; with [`SelectMultiple::Split`], after a
//! select_multiple's own column one 0/1 column per choice, `<column>/<code>`),
//! then `meta-instanceID` (and `meta-instanceName` if the form names its
//! responses), `KEY`, `SubmitterID`, `SubmitterName`, `AttachmentsPresent`,
//! `AttachmentsExpected`, `Status`, `ReviewState`, `DeviceID`, `Edits`,
//! `FormVersion`. `<form>-<repeat>.csv` per repeat, in form order: the
//! repeat's questions (paths relative to the repeat), `PARENT_KEY`, `KEY`
//! (`uuid:<id>/household/hh_member[2]`). Commas, quotes only where
//! needed, `\n` line ends, UTF-8 without a byte-order mark, as Central.
//!
//! Where Fieldform differs, and why:
//! - `KEY` and `meta-instanceID` are `uuid:<instance id>` for every
//!   revision (Central gives an edit a new instance id): our revisions share
//!   one. `Edits` is the revision minus one; `ReviewState` maps our statuses
//!   to Central's words (`approved`, `hasIssues`, `rejected`; received is
//!   empty, or `edited` for a corrected response not yet reviewed again).
//! - With [`Options::include_superseded`] (Central has no such option), the
//!   replaced revisions are exported too: their keys end in `@rev<n>` and
//!   a `Superseded` column (0/1) ends the main table.
//! - `SubmitterID` is the server's principal (`user:ana`, `device:7`), not
//!   a number; `SubmitterName` the display name if the server gave one,
//!   else the part after the colon. `DeviceID` is the response's
//!   `meta.device`. `Status` is always empty (it is about encryption in
//!   Central) and the attachment counts are 0 (no attachment types yet).
//! - Split select_multiple columns come from the choice list (plus `other`
//!   for an `or_other` select), not from the values seen in the data, so the
//!   columns do not change from one export to the next; an unanswered or
//!   non-relevant question leaves them empty rather than 0.
//! - Note questions get columns, as in Central (empty unless calculated).
//! - A repeat instance that was not relevant is in the response as `{}`
//!   (positions keep their meaning): it is a row with empty answers.
//! - Choice labels ([`Values::Labels`]) are our option; a select_multiple's
//!   labels are joined by `; `. Column names stay the field names. A label
//!   that shows answers (`${name1}`) is filled from the record's own
//!   answers, per repeat instance, as the respondent saw it (`labels`); the
//!   codebook keeps the place holder, written `[name1]`.
//! - The layout comes from the one form version given: answers to fields
//!   it does not have (from another version) are not in the tables (they
//!   are in the JSON). Central merges every version's fields.
//! - The zip may end with `<form>-codebook.csv` and `<form>-choices.csv`
//!   ([`Options::codebook_in_zip`]).

mod codebook;
mod csv_zip;
mod json;
mod labels;
mod layout;
mod options;
mod record;
mod rows;
mod xlsx;

pub use codebook::Codebook;
pub use csv_zip::CsvZipExport;
pub use json::{JsonExport, JsonFormat};
pub use labels::ChoiceLabels;
pub use layout::{Column, GEO_PARTS, LABEL_SEPARATOR, Layout, Part, Source, Table};
pub use options::{Options, SelectMultiple, Values};
pub use record::{Record, ReviewStatus, format_utc_millis};
pub use xlsx::XlsxExport;

/// Something records are exported to, one at a time.
pub trait RecordSink {
    /// Exports `record` if it passes the options' filters; says whether it
    /// did (for progress counts).
    fn write(&mut self, record: &Record) -> Result<bool, ExportError>;
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("labels in `{language}` were asked for, but the form's languages are {available}")]
    UnknownLanguage { language: String, available: String },

    #[error("response `{instance_id}` revision {revision}: its answers are not a JSON object")]
    Answers { instance_id: String, revision: u32 },

    #[error(
        "XLSX sheet `{sheet}` would have more than 1,048,576 rows, Excel's limit: export CSV instead"
    )]
    TooManyRows { sheet: String },

    #[error(
        "XLSX sheet `{sheet}` would have {columns} columns, more than Excel's 16,384: export CSV instead"
    )]
    TooManyColumns { sheet: String, columns: usize },

    #[error("XLSX sheet `{sheet}`, row {row}: {source}")]
    Xlsx {
        sheet: String,
        row: u32,
        source: rust_xlsxwriter::XlsxError,
    },

    #[error("assembling the XLSX file: {0}")]
    XlsxSave(rust_xlsxwriter::XlsxError),

    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),

    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),

    #[error("writing the zip: {0}")]
    Zip(#[from] zip::result::ZipError),

    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
}
