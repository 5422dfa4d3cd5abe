//! The last finalized response of a form on this device, which a new
//! response's `${last-saved#name}` reads (ODK Collect's "last saved"; here
//! the last *finalized* one, so a half-filled draft never becomes the
//! template of the next interview).

use fieldform_engine::state::LastSaved;

use super::{Db, ResponseRecord, ResponseState, StoreError};

impl Db {
    /// The answers of the response of form `form_id` (any version) finalized
    /// last on this device, sent or not; empty if there is none.
    pub async fn last_saved(&self, form_id: &str) -> Result<LastSaved, StoreError> {
        let mut last: Option<ResponseRecord> = None;
        for state in [ResponseState::Finalized, ResponseState::Sent] {
            for record in self.responses_in(state).await? {
                if record.form_id != form_id || record.submission.is_none() {
                    continue;
                }
                if last
                    .as_ref()
                    .is_none_or(|l| finalized_at(&record) > finalized_at(l))
                {
                    last = Some(record);
                }
            }
        }
        Ok(last
            .and_then(|r| r.submission)
            .map_or_else(LastSaved::default, |s| LastSaved::from_answers(&s.answers)))
    }
}

/// When a record was finalized (its last edit for older records).
fn finalized_at(record: &ResponseRecord) -> f64 {
    record.finalized.unwrap_or(record.updated)
}
