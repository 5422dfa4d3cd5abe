//! What to export and how: the choices a coordinator makes on the console
//! or on the command line.

use serde::{Deserialize, Serialize};

use crate::record::{Record, ReviewStatus};

/// How a choice answer appears in the tables (CSV, XLSX).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Values {
    /// The stored codes (`female`), as ODK Central exports.
    Codes,
    /// The choice labels in `language` (a code of the form's languages),
    /// falling back to the default language, then to the code.
    Labels { language: String },
}

/// How a select_multiple answer appears in the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectMultiple {
    /// One column, the selected codes separated by spaces (labels by `; `).
    Joined,
    /// The joined column, then one 0/1 column per choice named
    /// `<column>/<choice>` (ODK Central's "split select multiples").
    Split,
}

/// Export options; [`Options::default`] is ODK Central's export: codes,
/// joined select_multiple, current revisions, everything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    pub values: Values,
    pub select_multiple: SelectMultiple,
    /// Also export the revisions a correction replaced (their keys end in
    /// `@rev<n>` and a `Superseded` column is added).
    pub include_superseded: bool,
    /// Only records received at or after this time (Unix milliseconds).
    pub received_from: Option<i64>,
    /// Only records received before this time (Unix milliseconds).
    pub received_before: Option<i64>,
    /// Only records with one of these review statuses (an unreviewed record
    /// counts as `received`); `None`: all.
    pub review: Option<Vec<ReviewStatus>>,
    /// Put the codebook (`<form>-codebook.csv`, `<form>-choices.csv`) in the
    /// CSV zip after the data tables (the XLSX always has its two sheets).
    pub codebook_in_zip: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            values: Values::Codes,
            select_multiple: SelectMultiple::Joined,
            include_superseded: false,
            received_from: None,
            received_before: None,
            review: None,
            codebook_in_zip: true,
        }
    }
}

impl Options {
    /// Whether `record` passes the filters. Cheap; the server also filters
    /// in SQL, this keeps the library's own promise.
    pub fn accepts(&self, record: &Record) -> bool {
        (self.include_superseded || !record.superseded)
            && self.received_from.is_none_or(|t| record.received_at >= t)
            && self.received_before.is_none_or(|t| record.received_at < t)
            && self.review.as_ref().is_none_or(|wanted| {
                wanted.contains(&record.review.unwrap_or(ReviewStatus::Received))
            })
    }

    pub(crate) fn label_language(&self) -> Option<&str> {
        match &self.values {
            Values::Codes => None,
            Values::Labels { language } => Some(language),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(received_at: i64, superseded: bool, review: Option<ReviewStatus>) -> Record {
        Record {
            instance_id: "01900000-0000-7000-8000-000000000000".into(),
            revision: 1,
            superseded,
            form_version: "1".into(),
            submitted_by: "user:ana".into(),
            submitter_name: None,
            received_at,
            review,
            meta: Default::default(),
            answers: json!({}),
        }
    }

    #[test]
    fn filters_superseded_dates_and_review_status() {
        let all = Options::default();
        assert!(all.accepts(&record(5, false, None)));
        assert!(!all.accepts(&record(5, true, None)));
        let with_old = Options {
            include_superseded: true,
            ..Options::default()
        };
        assert!(with_old.accepts(&record(5, true, None)));

        let range = Options {
            received_from: Some(10),
            received_before: Some(20),
            ..Options::default()
        };
        assert!(!range.accepts(&record(9, false, None)));
        assert!(range.accepts(&record(10, false, None)));
        assert!(range.accepts(&record(19, false, None)));
        assert!(!range.accepts(&record(20, false, None)));

        let received = Options {
            review: Some(vec![ReviewStatus::Received, ReviewStatus::HasIssues]),
            ..Options::default()
        };
        assert!(received.accepts(&record(1, false, None)));
        assert!(received.accepts(&record(1, false, Some(ReviewStatus::HasIssues))));
        assert!(!received.accepts(&record(1, false, Some(ReviewStatus::Approved))));
    }
}
