//! One stored revision of a response, as the server hands it to an export.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use fieldform_engine::expr::date::civil_from_days;

/// A coordinator's verdict on a submission (the server's `reviews.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Received,
    Approved,
    HasIssues,
    Rejected,
}

impl ReviewStatus {
    /// The server's spelling, also used in the JSON export.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Received => "received",
            ReviewStatus::Approved => "approved",
            ReviewStatus::HasIssues => "has_issues",
            ReviewStatus::Rejected => "rejected",
        }
    }
}

/// One revision of one response. Records are fed to an export one at a
/// time and never kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The response's UUID (without ODK's `uuid:` prefix).
    pub instance_id: String,
    /// 1 for the first submission, n+1 for each correction.
    pub revision: u32,
    /// A later revision replaced this one.
    pub superseded: bool,
    pub form_version: String,
    /// Who sent revision `revision`: `user:<name>` or `device:<id>`.
    pub submitted_by: String,
    /// A display name for `submitted_by`, if the server has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter_name: Option<String>,
    /// When the server received this revision: Unix milliseconds, as the
    /// server stores times.
    pub received_at: i64,
    /// The latest review; `None` when nobody reviewed it (received).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewStatus>,
    /// The response's metadata (`start`, `end`, `enumerator`, `device`,
    /// `instance_name`, ...), as an object. The server stores the first
    /// four; `meta-instanceName` is empty unless it adds `instance_name`
    /// (`FormState::instance_name`).
    #[serde(default)]
    pub meta: Map<String, Json>,
    /// The answers in the engine's response shape
    /// (`fieldform_engine::response`): groups as objects, repeats as arrays
    /// of objects, values as canonical text.
    pub answers: Json,
}

impl Record {
    /// ODK's instance id shape: `uuid:<id>`.
    pub(crate) fn odk_instance_id(&self) -> String {
        format!("uuid:{}", self.instance_id)
    }

    /// The key of the record's main row: the instance id for the current
    /// revision; a superseded revision gets `@rev<n>` so the rows of every
    /// revision stay distinct when they are all exported.
    pub(crate) fn key(&self) -> String {
        if self.superseded {
            format!("uuid:{}@rev{}", self.instance_id, self.revision)
        } else {
            self.odk_instance_id()
        }
    }

    pub(crate) fn meta_text(&self, name: &str) -> Option<&str> {
        self.meta.get(name).and_then(Json::as_str)
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, as ODK Central writes `SubmissionDate`
/// (JavaScript's `toISOString`).
pub fn format_utc_millis(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let in_day = millis.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{ms:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_javascript_to_iso_string() {
        assert_eq!(format_utc_millis(0), "1970-01-01T00:00:00.000Z");
        // 2026-03-01T10:15:30.250Z
        assert_eq!(
            format_utc_millis(1_772_360_130_250),
            "2026-03-01T10:15:30.250Z"
        );
        assert_eq!(format_utc_millis(-1), "1969-12-31T23:59:59.999Z");
    }
}
