//! `${name}` in a choice's label (the choices sheet's `label` and
//! `label::Language` columns): pyxform refuses a name that is no field's or
//! that several fields have ("Reference variables must contain a name from
//! the 'survey' sheet"), on every row, those it drops included, and a
//! malformed `${`; in a choice's media, an unknown or ambiguous name on the
//! rows it keeps. So does Fieldform, at the cell, with a did-you-mean.
//! Each workbook also goes through the pinned pyxform
//! (`target/pyxform-venv`, as in `pyxform_parity.rs`) so the test fails if
//! the two stop agreeing.

use std::path::{Path, PathBuf};
use std::process::Command;

use fieldform_xlsform::import_path;
use rust_xlsxwriter::Workbook;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes a workbook with a survey sheet and the given choices sheet.
fn write(path: &Path, survey: &[&[&str]], choices: &[&[&str]]) {
    let mut book = Workbook::new();
    for (name, rows) in [("survey", survey), ("choices", choices)] {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap_or_else(|e| panic!("{e}"));
        for (y, row) in rows.iter().enumerate() {
            // An empty string is no cell at all, as a designer's blank.
            for (x, cell) in row.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
                let (y, x) = (
                    u32::try_from(y).unwrap_or_else(|e| panic!("{e}")),
                    u16::try_from(x).unwrap_or_else(|e| panic!("{e}")),
                );
                ws.write_string(y, x, *cell)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    book.save(path)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// pyxform's verdict on each workbook: `Ok(())` or its error.
fn pyxform(files: &[PathBuf]) -> Vec<Result<(), String>> {
    let python = manifest_dir().join("../target/pyxform-venv/bin/python");
    let script = manifest_dir().join("tests/pyxform_convert.py");
    let output = Command::new(&python)
        .arg(&script)
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run pyxform's Python at {} ({e}): run `cargo xtask install`",
                python.display()
            )
        });
    assert!(
        output.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let verdicts: Vec<Result<(), String>> = String::from_utf8_lossy(&output.stdout)
        .lines()
        // The first line is pyxform's version.
        .skip(1)
        .map(|line| {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("`{line}`: {e}"));
            match v["ok"].as_bool() {
                Some(true) => Ok(()),
                _ => Err(v["error"].as_str().unwrap_or_default().to_owned()),
            }
        })
        .collect();
    assert_eq!(
        verdicts.len(),
        files.len(),
        "pyxform answered for every workbook"
    );
    verdicts
}

const SURVEY: &[&[&str]] = &[
    &["type", "name", "label"],
    &["text", "head", "Head"],
    &["begin group", "g1", "G1"],
    &["integer", "age", "Age"],
    &["end group"],
    &["begin group", "g2", "G2"],
    &["integer", "age", "Age"],
    &["end group"],
    &["select_one people", "pick", "Pick"],
];

/// A workbook: its file name, its choices sheet, the words pyxform's error
/// contains (none: pyxform accepts it) and the start of each error
/// Fieldform reports (none: Fieldform accepts it).
struct Case<'a> {
    file: &'a str,
    choices: Vec<&'a [&'a str]>,
    pyxform: Option<&'a str>,
    ours: &'a [&'a str],
}

/// pyxform's error for a `${name}` that no field or several fields have.
const REFERENCE: Option<&str> = Some("Reference variables");

/// Writes every case's workbook into a fresh folder, asks pyxform and
/// Fieldform about each, and asserts they agree and say what is expected.
fn assert_both_agree(folder: &str, cases: &[Case<'_>]) {
    let dir = std::env::temp_dir().join(format!("fieldform-{folder}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<PathBuf> = cases
        .iter()
        .map(|case| {
            let path = dir.join(case.file);
            write(&path, SURVEY, &case.choices);
            path
        })
        .collect();
    let verdicts = pyxform(&files);
    for (case, (path, verdict)) in cases.iter().zip(files.iter().zip(verdicts)) {
        let file = case.file;
        let ours = import_path(path);
        match (verdict, ours) {
            (Ok(()), Ok(_)) => assert!(
                case.pyxform.is_none() && case.ours.is_empty(),
                "{file}: both accept it"
            ),
            (Err(theirs), Err(e)) => {
                let want = case
                    .pyxform
                    .unwrap_or_else(|| panic!("{file}: both refuse it"));
                assert!(
                    theirs.contains(want),
                    "{file}: pyxform refuses it for another reason: {theirs}"
                );
                let errors: Vec<String> = e.errors.iter().map(ToString::to_string).collect();
                assert_eq!(errors.len(), case.ours.len(), "{file}: {errors:?}");
                for (error, want) in errors.iter().zip(case.ours.iter()) {
                    assert!(error.starts_with(want), "{file}: {error}\nwanted: {want}");
                }
            }
            (theirs, ours) => panic!(
                "{file}: pyxform says {theirs:?}, Fieldform {:?}",
                ours.map(|_| ()).map_err(|e| e.to_string())
            ),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
}

const HEADER: &[&str] = &["list_name", "name", "label", "label::French (fr)"];
const NOBODY: &[&str] = &["people", "n", "Nobody", "Personne"];

#[test]
fn unknown_and_ambiguous_names_in_choice_labels_are_refused_as_pyxform_does() {
    assert_both_agree(
        "choice-labels",
        &[
            Case {
                file: "known.xlsx",
                choices: vec![
                    HEADER,
                    &["people", "h", "${head} (head)", "${head} (chef)"],
                    NOBODY,
                ],
                pyxform: None,
                ours: &[],
            },
            Case {
                file: "unknown.xlsx",
                choices: vec![
                    HEADER,
                    &["people", "h", "${heads} (head)", "${head} (chef)"],
                    NOBODY,
                ],
                pyxform: REFERENCE,
                ours: &[
                    "choices row 2, column label: ${heads} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "unknown_in_a_language.xlsx",
                choices: vec![
                    HEADER,
                    NOBODY,
                    &["people", "h", "${head} (head)", "${hed} (chef)"],
                ],
                pyxform: REFERENCE,
                ours: &[
                    "choices row 3, column label::French (fr): ${hed} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "ambiguous.xlsx",
                choices: vec![HEADER, &["people", "a", "${age}", "${age}"]],
                pyxform: REFERENCE,
                ours: &[
                    "choices row 2, column label: ${age} is ambiguous",
                    "choices row 2, column label::French (fr): ${age} is ambiguous",
                ],
            },
        ],
    );
}

/// pyxform drops a choice row without a list name, but checks the `${name}`
/// in its labels all the same (it checks every row of the sheet); a row with
/// a list name and no name is refused for that first. Fieldform skips the
/// first (with a warning) and refuses the second, and checks the labels of
/// both, at the cell. pyxform checks only the label columns (`caption` is
/// another name for `label`), not the columns kept for choice filters nor,
/// on a dropped row, the media columns.
#[test]
fn names_in_the_labels_of_skipped_choice_rows_are_checked_as_pyxform_does() {
    assert_both_agree(
        "skipped-choice-labels",
        &[
            Case {
                file: "no_list_name_known.xlsx",
                choices: vec![
                    HEADER,
                    NOBODY,
                    &["", "h", "${head} (head)", "${head} (chef)"],
                ],
                pyxform: None,
                ours: &[],
            },
            Case {
                file: "no_list_name_unknown.xlsx",
                choices: vec![HEADER, NOBODY, &["", "h", "${heads} (head)", "chef"]],
                pyxform: REFERENCE,
                ours: &[
                    "choices row 3, column label: ${heads} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "no_list_name_unknown_in_a_language.xlsx",
                choices: vec![HEADER, NOBODY, &["", "h", "head", "${hed} (chef)"]],
                pyxform: REFERENCE,
                ours: &[
                    "choices row 3, column label::French (fr): ${hed} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "no_list_name_ambiguous.xlsx",
                choices: vec![HEADER, NOBODY, &["", "a", "${age}", ""]],
                pyxform: REFERENCE,
                ours: &["choices row 3, column label: ${age} is ambiguous"],
            },
            Case {
                file: "label_only_unknown.xlsx",
                choices: vec![HEADER, NOBODY, &["", "", "${heads}", ""]],
                pyxform: REFERENCE,
                ours: &[
                    "choices row 3, column label: ${heads} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "after_a_blank_row_unknown.xlsx",
                choices: vec![HEADER, NOBODY, &[], &["", "h", "${heads}", ""]],
                pyxform: Some("[row : 4]"),
                ours: &[
                    "choices row 4, column label: ${heads} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "no_list_name_last_saved_known.xlsx",
                choices: vec![HEADER, NOBODY, &["", "h", "${last-saved#head}", ""]],
                pyxform: None,
                ours: &[],
            },
            Case {
                file: "no_list_name_last_saved_unknown.xlsx",
                choices: vec![HEADER, NOBODY, &["", "h", "${last-saved#heads}", ""]],
                pyxform: REFERENCE,
                ours: &[
                    "choices row 3, column label: ${last-saved#heads}: `heads` is not a field; did you mean `head`?",
                ],
            },
            Case {
                file: "no_list_name_caption_unknown.xlsx",
                choices: vec![
                    &["list_name", "name", "caption"],
                    &["people", "n", "Nobody"],
                    &["", "h", "${heads}"],
                ],
                pyxform: REFERENCE,
                ours: &[
                    "choices row 3, column caption: ${heads} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "no_name_known.xlsx",
                choices: vec![HEADER, NOBODY, &["people", "", "${head}", ""]],
                pyxform: Some("Choices must have a name"),
                ours: &["choices row 3, column name: choice in list `people` has no name"],
            },
            Case {
                file: "no_name_unknown.xlsx",
                choices: vec![HEADER, NOBODY, &["people", "", "${heads}", ""]],
                pyxform: Some("Choices must have a name"),
                ours: &[
                    "choices row 3, column name: choice in list `people` has no name",
                    "choices row 3, column label: ${heads} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "no_list_name_other_columns.xlsx",
                choices: vec![
                    &["list_name", "name", "label", "region", "image"],
                    &["people", "n", "Nobody", "north", "nobody.png"],
                    &["", "h", "Head", "${heads}", "${heads}.png"],
                ],
                pyxform: None,
                ours: &[],
            },
        ],
    );
}

/// pyxform refuses a `${` that is not closed or holds no field name
/// (PYREF_001), on every choice row, and so does Fieldform, at the cell.
#[test]
fn malformed_references_in_choice_labels_are_refused_as_pyxform_does() {
    let shape: Option<&str> =
        Some("Reference variables must start with '${', then a question name");
    assert_both_agree(
        "malformed-choice-labels",
        &[
            Case {
                file: "unclosed.xlsx",
                choices: vec![HEADER, NOBODY, &["people", "h", "${head} (${hea", "chef"]],
                pyxform: shape,
                ours: &[
                    "choices row 3, column label: `${hea` is not closed; a reference is `${`, a field name, then `}`\n    ${head} (${hea\n             ^",
                ],
            },
            Case {
                file: "not_a_name.xlsx",
                choices: vec![HEADER, NOBODY, &["people", "h", "head", "${ head } (chef)"]],
                pyxform: shape,
                ours: &[
                    "choices row 3, column label::French (fr): `${ head }` is not a reference: ` head ` is not a field name",
                ],
            },
            Case {
                file: "no_list_name_unclosed.xlsx",
                choices: vec![HEADER, NOBODY, &["", "h", "${head", ""]],
                pyxform: shape,
                ours: &["choices row 3, column label: `${head` is not closed"],
            },
            Case {
                file: "no_list_name_not_a_name.xlsx",
                choices: vec![HEADER, NOBODY, &["", "", "${a b}", ""]],
                pyxform: shape,
                ours: &[
                    "choices row 3, column label: `${a b}` is not a reference: `a b` is not a field name",
                ],
            },
        ],
    );
}

/// Choice media are ignored, but pyxform fills `${name}` in the media columns
/// of the rows it keeps, and refuses a name that no field or several fields
/// have (its error names no cell; Fieldform's does). It leaves a malformed
/// reference there as text, and does not look at a dropped row's media.
#[test]
fn names_in_choice_media_are_refused_as_pyxform_does() {
    let header: &[&str] = &[
        "list_name",
        "name",
        "label",
        "image",
        "media::audio::French (fr)",
    ];
    let filling = Some("There has been a problem trying to replace");
    assert_both_agree(
        "choice-media",
        &[
            Case {
                file: "known.xlsx",
                choices: vec![
                    header,
                    &[
                        "people",
                        "h",
                        "Head",
                        "${head}.png",
                        "${last-saved#head}.mp3",
                    ],
                ],
                pyxform: None,
                ours: &[],
            },
            Case {
                file: "unknown.xlsx",
                choices: vec![header, &["people", "h", "Head", "${heads}.png", ""]],
                pyxform: filling,
                ours: &[
                    "choices row 2, column image: ${heads} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "ambiguous_in_a_language.xlsx",
                choices: vec![header, &["people", "h", "Head", "", "${age}.mp3"]],
                pyxform: filling,
                ours: &["choices row 2, column media::audio::French (fr): ${age} is ambiguous"],
            },
            Case {
                file: "unknown_in_an_unused_list.xlsx",
                choices: vec![
                    header,
                    &["people", "n", "Nobody"],
                    &["others", "h", "Head", "${heads}.png", ""],
                ],
                pyxform: filling,
                ours: &[
                    "choices row 3, column image: ${heads} is not a field; did you mean ${head}?",
                ],
            },
            Case {
                file: "malformed.xlsx",
                choices: vec![
                    header,
                    &["people", "h", "Head", "${hea.png", "${ heads }.mp3"],
                    &["people", "e", "E", "${}.png", "${a b}.mp3"],
                ],
                pyxform: None,
                ours: &[],
            },
            Case {
                file: "no_list_name_unknown.xlsx",
                choices: vec![
                    header,
                    &["people", "n", "Nobody"],
                    &["", "h", "Head", "${heads}.png", "${age}.mp3"],
                ],
                pyxform: None,
                ours: &[],
            },
        ],
    );
}
