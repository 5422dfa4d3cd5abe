//! Form attachments: the data files (CSV, XML, GeoJSON) a form reads with
//! `select_one_from_file`, `pulldata()` and `instance('name')`.
//!
//! They are published with their form version (in the same upload, or
//! beside the workbook for `fieldform form publish` and the `forms/`
//! directory), stored with it (`store::attachments`) and, like it, never
//! changed. Here: which names and sizes are accepted, checking a set of
//! files against what the form needs, reading them from beside a form
//! file, and compiling a stored version with its stored files.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use fieldform_engine::compile::CompiledForm;
use fieldform_engine::model::Form;
use fieldform_engine::{Attachments, compile_with};

use sha2::{Digest, Sha256};

use crate::auth::hex;
use crate::store::{NewAttachment, Store, StoreError};

/// Largest attachment, in bytes. Every file of a form is held in memory
/// by each device that fills it in.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Largest total of one form version's attachments, in bytes.
pub const MAX_FORM_BYTES: usize = 24 * 1024 * 1024;
/// Most attachments one form version may have.
pub const MAX_FILES: usize = 64;
/// Longest file name, in characters.
pub const MAX_NAME_LEN: usize = 128;

/// One file given with a form, not yet checked.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why a set of attachments was refused; each message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.join("; "))]
pub struct AttachmentProblems {
    pub problems: Vec<String>,
}

/// Is `name` a plain file name a form may use? No folders (`/`, `\`), no
/// `..`, nothing hidden, no control characters: letters (any script),
/// digits, spaces, `_`, `-` and `.`, at most [`MAX_NAME_LEN`] characters.
/// The name ends up in a URL, a database key and, for the command line, a
/// path beside the workbook.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("an attachment needs a file name".into());
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(format!(
            "attachment name `{}…` is longer than {MAX_NAME_LEN} characters",
            name.chars().take(32).collect::<String>()
        ));
    }
    if name.contains(['/', '\\']) {
        return Err(format!(
            "attachment name `{name}` holds a folder: give the plain file name"
        ));
    }
    if name.contains("..") || name.starts_with('.') {
        return Err(format!(
            "attachment name `{name}` may not start with `.` or hold `..`"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ')))
    {
        return Err(format!(
            "attachment name `{name}` holds `{}`: use letters, digits, spaces, `_`, `-` and `.`",
            bad.escape_default()
        ));
    }
    if name.starts_with(' ') || name.ends_with(' ') {
        return Err(format!(
            "attachment name `{name}` may not start or end with a space"
        ));
    }
    Ok(())
}

/// The content type an attachment is served with, by its extension.
pub fn content_type_of(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "geojson" => "application/geo+json",
        _ => "application/octet-stream",
    }
}

/// A form's attachments, checked against it and parsed by the engine.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// For the compiler.
    pub parsed: Attachments,
    /// For the store.
    pub files: Vec<NewAttachment>,
}

/// Checks `files` against what `form` needs: names and sizes bounded,
/// every file the form names given, none it does not use, each parsed by
/// the engine. Every problem is reported at once. `hint` says how to give
/// a missing file (it differs for an upload and the command line).
pub fn check(
    form: &Form,
    files: Vec<AttachmentFile>,
    hint: &str,
) -> Result<Checked, AttachmentProblems> {
    let needed = form.attachment_names();
    let mut problems = Vec::new();
    for name in &needed {
        if let Err(problem) = check_name(name) {
            problems.push(format!(
                "the form names a data file that cannot be published: {problem}"
            ));
        }
    }
    if files.len() > MAX_FILES {
        problems.push(format!(
            "{} attachments given; a form may have at most {MAX_FILES}",
            files.len()
        ));
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    if total > MAX_FORM_BYTES {
        problems.push(format!(
            "the attachments hold {total} bytes in all; a form's may hold at most {MAX_FORM_BYTES}"
        ));
    }
    let mut given = BTreeSet::new();
    let mut checked = Checked::default();
    for file in files {
        if let Err(problem) = check_name(&file.name) {
            problems.push(problem);
            continue;
        }
        if !given.insert(file.name.clone()) {
            problems.push(format!("attachment `{}` is given twice", file.name));
            continue;
        }
        if !needed.contains(&file.name) {
            problems.push(format!(
                "attachment `{}` is not used by the form (it uses {})",
                file.name,
                list(&needed)
            ));
            continue;
        }
        if file.bytes.len() > MAX_FILE_BYTES {
            problems.push(format!(
                "attachment `{}` holds {} bytes; an attachment may hold at most {MAX_FILE_BYTES}",
                file.name,
                file.bytes.len()
            ));
            continue;
        }
        if let Err(e) = checked.parsed.add(&file.name, &file.bytes) {
            problems.push(e.to_string());
            continue;
        }
        checked.files.push(NewAttachment {
            content_type: content_type_of(&file.name).to_owned(),
            sha256: hex(&Sha256::digest(&file.bytes)),
            name: file.name,
            content: file.bytes,
        });
    }
    for name in needed.difference(&given) {
        if check_name(name).is_ok() {
            problems.push(format!(
                "the form needs the data file `{name}`{}, which was not given: {hint}",
                used_by(form, name)
            ));
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(AttachmentProblems { problems })
    }
}

/// ` (choices of `a`, `b`)`: the questions whose choices are the rows of
/// `file`, to say where it is needed; empty when only expressions read it.
fn used_by(form: &Form, file: &str) -> String {
    let fields: Vec<String> = form
        .walk()
        .filter_map(|item| match item {
            fieldform_engine::model::Item::Question(q)
                if q.choices_file.as_deref() == Some(file) =>
            {
                Some(format!("`{}`", q.name))
            }
            _ => None,
        })
        .collect();
    if fields.is_empty() {
        String::new()
    } else {
        format!(" (choices of {})", fields.join(", "))
    }
}

fn list(names: &BTreeSet<String>) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The files `form` needs, read from `dir` (the folder of its workbook or
/// form file); a missing or oversized one is a problem naming it.
pub fn read_beside(form: &Form, dir: &Path) -> Result<Vec<AttachmentFile>, AttachmentProblems> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for name in form.attachment_names() {
        // Checked before it becomes a path: the name comes from the workbook.
        if let Err(problem) = check_name(&name) {
            problems.push(format!(
                "the form names a data file that cannot be published: {problem}"
            ));
            continue;
        }
        let path = dir.join(&name);
        match read_bounded(&path) {
            Ok(bytes) => files.push(AttachmentFile { name, bytes }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => problems.push(format!(
                "the form needs the data file `{name}`: put it beside the form ({} is missing)",
                path.display()
            )),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(AttachmentProblems { problems })
    }
}

/// Reads at most one byte past [`MAX_FILE_BYTES`], so a huge file is
/// refused (by [`check`]) without being read whole.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Why a stored version could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum StoredFormError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Broken(String),
}

/// Compiles a stored form version with its stored attachments, off the
/// async workers (parsing files and compiling take a while for big forms).
pub async fn compile_stored(
    store: &dyn Store,
    id: &str,
    version: &str,
    form: Form,
) -> Result<CompiledForm, StoredFormError> {
    let stored = if form.attachment_names().is_empty() {
        Vec::new()
    } else {
        store.attachment_files(id, version).await?
    };
    let (id, version) = (id.to_owned(), version.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut parsed = Attachments::new();
        for file in &stored {
            parsed.add(&file.info.name, &file.content).map_err(|e| {
                StoredFormError::Broken(format!("stored form `{id}` version `{version}`: {e}"))
            })?;
        }
        compile_with(&form, &parsed).map_err(|errors| {
            StoredFormError::Broken(format!(
                "stored form `{id}` version `{version}` does not compile: {}",
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })
    })
    .await
    .map_err(|e| StoredFormError::Broken(format!("compiling a stored form failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_and_paths_do_not() {
        for good in [
            "villages.csv",
            "Health facilities 2024.csv",
            "données-été.xml",
            "a_b.geojson",
        ] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "../x.csv",
            "a/b.csv",
            "a\\b.csv",
            ".hidden.csv",
            "a..csv",
            "x\0.csv",
            "x\n.csv",
            "<script>.csv",
            " lead.csv",
            "trail.csv ",
            &"x".repeat(200),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?} passed");
        }
    }

    fn form() -> Form {
        let doc = serde_json::json!({
            "format": 1, "id": "v", "version": "1",
            "title": { "en": "V" },
            "languages": [{ "code": "en", "name": "English" }],
            "default_language": "en",
            "items": [
                { "kind": "question", "name": "village", "type": "select_one",
                  "choices_file": "villages.csv", "label": { "en": "Village" } }
            ]
        });
        Form::from_json(&doc.to_string()).expect("form")
    }

    fn file(name: &str, text: &str) -> AttachmentFile {
        AttachmentFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    const CSV: &str = "name,label\nn,North\n";

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems = check(
            &form(),
            vec![
                file("towns.csv", CSV),
                file("bad/name.csv", CSV),
                file("towns.csv", CSV),
            ],
            "HINT",
        )
        .expect_err("refused")
        .problems;
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(
            problems[0].contains("`towns.csv` is not used by the form (it uses `villages.csv`)")
        );
        assert!(problems[1].contains("holds a folder"));
        assert!(problems[2].contains("`towns.csv` is given twice"));
        assert_eq!(
            problems[3],
            "the form needs the data file `villages.csv` (choices of `village`), which was not given: HINT"
        );
    }

    #[test]
    fn the_files_a_form_uses_are_hashed_and_typed() {
        let checked = check(&form(), vec![file("villages.csv", CSV)], "").expect("accepted");
        assert_eq!(checked.files.len(), 1);
        let stored = &checked.files[0];
        assert_eq!(stored.content_type, "text/csv; charset=utf-8");
        assert_eq!(stored.sha256, hex(&Sha256::digest(CSV.as_bytes())));
        assert!(checked.parsed.get("villages.csv").is_some());
        let too_many = (0..=MAX_FILES)
            .map(|i| file(&format!("f{i}.csv"), CSV))
            .collect();
        let problems = check(&form(), too_many, "").expect_err("refused").problems;
        assert!(
            problems[0].contains("a form may have at most 64"),
            "{problems:?}"
        );
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type_of("a.CSV"), "text/csv; charset=utf-8");
        assert_eq!(content_type_of("a.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type_of("a.geojson"), "application/geo+json");
        assert_eq!(content_type_of("a"), "application/octet-stream");
    }
}
