//! One file holding every response on the device (drafts included) and the
//! form versions they need, to keep safe or to move to another device.
//! Importing it never creates duplicates (responses are keyed by instance
//! id) and never moves a response back in its life.

use fieldform_engine::response::is_uuid_v7;
use serde::{Deserialize, Serialize};

use super::records::{AttachmentRecord, FormRecord, ResponseRecord};
use super::schema::{ATTACHMENTS, FORMS, RESPONSES};
use super::{Db, StoreError, to_js};

/// The backup format this app writes and reads.
pub const BACKUP_FORMAT: u32 = 1;
/// A larger file is refused before it is read (a tablet's memory is small).
pub const MAX_BACKUP_BYTES: f64 = 256.0 * 1024.0 * 1024.0;
const MAX_RECORDS: usize = 200_000;

/// See the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    /// [`BACKUP_FORMAT`]; also tells a backup from any other JSON file.
    pub fieldform_backup: u32,
    /// Unix milliseconds.
    pub exported: f64,
    pub device: String,
    pub responses: Vec<ResponseRecord>,
    #[serde(default)]
    pub forms: Vec<FormRecord>,
    /// The data files of those forms (`select_one_from_file`, `pulldata()`),
    /// so that they open on the new device with no network.
    #[serde(default)]
    pub attachments: Vec<AttachmentRecord>,
}

/// Why a file cannot be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackupError {
    #[error("the file is {size_mb:.0} MB; a Fieldform backup can be at most 256 MB")]
    TooLarge { size_mb: f64 },
    #[error("this is not a Fieldform backup file ({0})")]
    NotABackup(String),
    #[error("the backup was made by a newer Fieldform (format {0}): update this app first")]
    Newer(u32),
    #[error("the backup holds too many records ({0}; at most 200000)")]
    TooMany(usize),
    #[error("response {index} in the backup is damaged: {problem}")]
    Damaged { index: usize, problem: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Responses new to this device.
    pub added: usize,
    /// Responses replaced by a later state from the file.
    pub updated: usize,
    /// Responses already here as they are (or further along).
    pub unchanged: usize,
    /// Form versions new to this device.
    pub forms_added: usize,
}

/// What to do with one response from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    Add,
    Replace,
    Keep,
}

/// A response further along its life wins; at the same stage, the one
/// edited last. So importing the same file twice changes nothing.
pub fn merge(existing: Option<&ResponseRecord>, incoming: &ResponseRecord) -> Merge {
    let Some(existing) = existing else {
        return Merge::Add;
    };
    let (old, new) = (existing.state.rank(), incoming.state.rank());
    if new > old || (new == old && incoming.updated > existing.updated) {
        Merge::Replace
    } else {
        Merge::Keep
    }
}

/// Reads a backup file's text, checking it before anything is stored.
pub fn parse(text: &str) -> Result<Backup, BackupError> {
    if text.len() as f64 > MAX_BACKUP_BYTES {
        return Err(BackupError::TooLarge {
            size_mb: text.len() as f64 / 1e6,
        });
    }
    // The format first, so a newer file gets the right message.
    #[derive(Deserialize)]
    struct Head {
        fieldform_backup: Option<u32>,
    }
    let head: Head =
        serde_json::from_str(text).map_err(|e| BackupError::NotABackup(e.to_string()))?;
    match head.fieldform_backup {
        None => {
            return Err(BackupError::NotABackup(
                "it has no `fieldform_backup` field".to_owned(),
            ));
        }
        Some(v) if v > BACKUP_FORMAT => return Err(BackupError::Newer(v)),
        Some(_) => {}
    }
    let backup: Backup =
        serde_json::from_str(text).map_err(|e| BackupError::NotABackup(e.to_string()))?;
    let records = backup.responses.len() + backup.forms.len() + backup.attachments.len();
    if records > MAX_RECORDS {
        return Err(BackupError::TooMany(records));
    }
    for (i, r) in backup.responses.iter().enumerate() {
        let problem = if !is_uuid_v7(&r.instance_id) {
            Some(format!("instance id `{}` is not a UUID v7", r.instance_id))
        } else if r.draft.instance_id != r.instance_id
            || r.draft.form_id != r.form_id
            || r.draft.form_version != r.form_version
        {
            Some("its answers belong to another response".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(BackupError::Damaged {
                index: i + 1,
                problem,
            });
        }
    }
    Ok(backup)
}

impl Db {
    /// Every response and the form versions they use.
    pub async fn export_backup(&self, device: &str, now: f64) -> Result<Backup, StoreError> {
        let responses = self.responses().await?;
        let forms = self
            .forms()
            .await?
            .into_iter()
            .filter(|f| {
                responses
                    .iter()
                    .any(|r| r.form_id == f.id && r.form_version == f.version)
            })
            .collect::<Vec<FormRecord>>();
        let mut attachments = Vec::new();
        for f in &forms {
            attachments.extend(self.attachments(&f.id, &f.version).await?);
        }
        Ok(Backup {
            fieldform_backup: BACKUP_FORMAT,
            exported: now,
            device: device.to_owned(),
            responses,
            forms,
            attachments,
        })
    }

    /// Stores what the file adds, in one transaction (see [`merge`]).
    pub async fn import_backup(&self, backup: &Backup) -> Result<ImportReport, StoreError> {
        let existing = self.responses().await?;
        let known_forms = self.forms().await?;
        let mut report = ImportReport::default();
        let mut writes = Vec::new();
        for incoming in &backup.responses {
            let here = existing
                .iter()
                .find(|r| r.instance_id == incoming.instance_id);
            match merge(here, incoming) {
                Merge::Add => report.added += 1,
                Merge::Replace => report.updated += 1,
                Merge::Keep => {
                    report.unchanged += 1;
                    continue;
                }
            }
            writes.push(to_js(incoming)?);
        }
        let mut form_writes = Vec::new();
        for f in &backup.forms {
            if !known_forms
                .iter()
                .any(|k| k.id == f.id && k.version == f.version)
            {
                report.forms_added += 1;
                form_writes.push(to_js(f)?);
            }
        }
        // Files are keyed by form, version and name, and a version's files
        // never change: writing them again changes nothing.
        let file_writes = backup
            .attachments
            .iter()
            .map(to_js)
            .collect::<Result<Vec<_>, _>>()?;
        if writes.is_empty() && form_writes.is_empty() && file_writes.is_empty() {
            return Ok(report);
        }
        self.write(&[RESPONSES, FORMS, ATTACHMENTS], |tx| {
            let responses = tx.object_store(RESPONSES)?;
            for v in &writes {
                responses.put(v, None)?;
            }
            let forms = tx.object_store(FORMS)?;
            for v in &form_writes {
                forms.put(v, None)?;
            }
            let files = tx.object_store(ATTACHMENTS)?;
            for v in &file_writes {
                files.put(v, None)?;
            }
            Ok(())
        })
        .await?;
        Ok(report)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use fieldform_engine::draft::{DRAFT_FORMAT, Draft};
    use serde_json::json;

    use super::*;
    use crate::store::ResponseState;

    fn record(state: ResponseState, updated: f64) -> ResponseRecord {
        let id = "018d0cab-c440-7000-8000-000000000001".to_owned();
        ResponseRecord {
            instance_id: id.clone(),
            form_id: "f".into(),
            form_version: "1".into(),
            state,
            draft: Draft {
                format: DRAFT_FORMAT,
                instance_id: id,
                form_id: "f".into(),
                form_version: "1".into(),
                started: String::new(),
                language: "en".into(),
                answers: json!({}),
                last_saved: Default::default(),
            },
            submission: None,
            page: 0,
            instance_name: None,
            created: 1.0,
            updated,
            finalized: None,
            sync: Default::default(),
        }
    }

    #[test]
    fn later_stages_and_later_edits_win() {
        let draft = record(ResponseState::Draft, 10.0);
        let newer_draft = record(ResponseState::Draft, 20.0);
        let finalized = record(ResponseState::Finalized, 5.0);
        assert_eq!(merge(None, &draft), Merge::Add);
        assert_eq!(merge(Some(&draft), &draft), Merge::Keep);
        assert_eq!(merge(Some(&draft), &newer_draft), Merge::Replace);
        assert_eq!(merge(Some(&newer_draft), &draft), Merge::Keep);
        assert_eq!(merge(Some(&newer_draft), &finalized), Merge::Replace);
        assert_eq!(merge(Some(&finalized), &newer_draft), Merge::Keep);
    }

    #[test]
    fn refuses_what_is_not_a_backup() {
        let err = |t: &str| parse(t).unwrap_err().to_string();
        assert!(err("[1,2]").starts_with("this is not a Fieldform backup file"));
        assert_eq!(
            err(r#"{"responses": []}"#),
            "this is not a Fieldform backup file (it has no `fieldform_backup` field)"
        );
        assert_eq!(
            err(r#"{"fieldform_backup": 9}"#),
            "the backup was made by a newer Fieldform (format 9): update this app first"
        );
        let mut bad = record(ResponseState::Draft, 1.0);
        bad.instance_id = "x".into();
        let file = serde_json::to_string(&Backup {
            fieldform_backup: 1,
            exported: 0.0,
            device: "d".into(),
            responses: vec![bad],
            forms: vec![],
            attachments: vec![],
        })
        .unwrap();
        assert_eq!(
            err(&file),
            "response 1 in the backup is damaged: instance id `x` is not a UUID v7"
        );
    }
}
