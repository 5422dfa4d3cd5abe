//! What the app keeps on the device, as stored in IndexedDB (plain JSON
//! objects, so the browser's developer tools and a backup file show them
//! as they are).

use fieldform_engine::draft::Draft;
use fieldform_engine::response::Response;
use serde::{Deserialize, Serialize};

/// Where a response is in its life on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseState {
    /// Being filled in; editable.
    Draft,
    /// Finished and checked; read-only, waiting in the outbox.
    Finalized,
    /// Acknowledged by the server.
    Sent,
    /// The server (or a reviewer) asked for a correction; editable again.
    NeedsCorrection,
}

impl ResponseState {
    pub const ALL: [ResponseState; 4] = [
        ResponseState::Draft,
        ResponseState::NeedsCorrection,
        ResponseState::Finalized,
        ResponseState::Sent,
    ];

    /// How far along the life it is: a backup never moves a response back.
    pub fn rank(self) -> u8 {
        match self {
            ResponseState::Draft => 0,
            ResponseState::NeedsCorrection => 1,
            ResponseState::Finalized => 2,
            ResponseState::Sent => 3,
        }
    }

    pub fn editable(self) -> bool {
        matches!(self, ResponseState::Draft | ResponseState::NeedsCorrection)
    }

    /// The value stored in the record's `state` (and its index).
    pub fn key(self) -> &'static str {
        match self {
            ResponseState::Draft => "draft",
            ResponseState::Finalized => "finalized",
            ResponseState::Sent => "sent",
            ResponseState::NeedsCorrection => "needs_correction",
        }
    }
}

/// One response on the device, keyed by its instance id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRecord {
    pub instance_id: String,
    pub form_id: String,
    pub form_version: String,
    pub state: ResponseState,
    /// The live state (answers hidden by relevance included), in the
    /// engine's versioned draft format.
    pub draft: Draft,
    /// The submission made when it was finalized (what sync sends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission: Option<Response>,
    /// The page the enumerator was on.
    #[serde(default)]
    pub page: u32,
    /// The form's `instance_name`, evaluated at the last save.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_name: Option<String>,
    /// Unix milliseconds.
    pub created: f64,
    pub updated: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalized: Option<f64>,
    /// Its way to the server (receipt, refusal, correction).
    #[serde(default, skip_serializing_if = "SyncInfo::is_empty")]
    pub sync: SyncInfo,
}

/// What the device knows of a response's delivery.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncInfo {
    /// The server's acknowledgement of the last delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
    /// Why the server (or a reviewer) sent it back; shown on the questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// The next delivery replaces what the server has (`corrects`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub correction: bool,
}

impl SyncInfo {
    pub fn is_empty(&self) -> bool {
        *self == SyncInfo::default()
    }
}

/// The server's word that it stored a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// The revision the server stored (or already had).
    pub revision: i64,
    /// `created`, `duplicate` or `corrected`, as the server said.
    pub status: String,
    /// The server's clock, Unix milliseconds.
    pub received_at: f64,
}

/// A response sent back: by the server's checks, or by a reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    /// The server's error code (`invalid_submission`, `form_closed`, ...)
    /// or `review` for a reviewer's request.
    pub code: String,
    pub message: String,
    /// Per question: the answer's path in the response (`members[1].age`)
    /// and what is wrong with it.
    #[serde(default)]
    pub fields: Vec<FieldReason>,
    /// Unix milliseconds.
    pub at: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldReason {
    pub field: String,
    pub message: String,
}

/// A form version kept on the device, so it opens with no network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormRecord {
    pub id: String,
    pub version: String,
    /// The form file as the server sent it.
    pub definition: String,
    /// When it was fetched (Unix milliseconds).
    pub fetched: f64,
}

/// A data file of a form version kept on the device (`select_one_from_file`,
/// `pulldata()`), as the server published it. The engine reads only UTF-8
/// text files (CSV, XML, GeoJSON), so it is kept as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub form_id: String,
    pub version: String,
    pub name: String,
    pub text: String,
}
