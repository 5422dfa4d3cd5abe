//! `${name}` in a choice's label (the choices sheet's `label` and
//! `label::Language` columns): pyxform refuses a name that is no field's or
//! that several fields have ("Reference variables must contain a name from
//! the 'survey' sheet"), and so does Fieldform, at the cell, with a
//! did-you-mean. Each workbook also goes through the pinned pyxform
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
            for (x, cell) in row.iter().enumerate() {
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

/// A workbook's file name, its choices sheet and the start of each error
/// Fieldform reports (none: both accept it).
type Case<'a> = (&'a str, Vec<&'a [&'a str]>, &'a [&'a str]);

#[test]
fn unknown_and_ambiguous_names_in_choice_labels_are_refused_as_pyxform_does() {
    let dir = std::env::temp_dir().join(format!("fieldform-choice-labels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let header: &[&str] = &["list_name", "name", "label", "label::French (fr)"];
    let cases: [Case; 4] = [
        (
            "known.xlsx",
            vec![
                header,
                &["people", "h", "${head} (head)", "${head} (chef)"],
                &["people", "n", "Nobody", "Personne"],
            ],
            &[],
        ),
        (
            "unknown.xlsx",
            vec![
                header,
                &["people", "h", "${heads} (head)", "${head} (chef)"],
                &["people", "n", "Nobody", "Personne"],
            ],
            &["choices row 2, column label: ${heads} is not a field; did you mean ${head}?"],
        ),
        (
            "unknown_in_a_language.xlsx",
            vec![
                header,
                &["people", "n", "Nobody", "Personne"],
                &["people", "h", "${head} (head)", "${hed} (chef)"],
            ],
            &[
                "choices row 3, column label::French (fr): ${hed} is not a field; did you mean ${head}?",
            ],
        ),
        (
            "ambiguous.xlsx",
            vec![header, &["people", "a", "${age}", "${age}"]],
            &[
                "choices row 2, column label: ${age} is ambiguous",
                "choices row 2, column label::French (fr): ${age} is ambiguous",
            ],
        ),
    ];
    let files: Vec<PathBuf> = cases
        .iter()
        .map(|(file, choices, _)| {
            let path = dir.join(file);
            write(&path, SURVEY, choices);
            path
        })
        .collect();
    let verdicts = pyxform(&files);
    for ((file, _, expected), (path, verdict)) in cases.iter().zip(files.iter().zip(verdicts)) {
        let ours = import_path(path);
        match (verdict, ours) {
            (Ok(()), Ok(_)) => assert!(expected.is_empty(), "{file}: both accept it"),
            (Err(theirs), Err(e)) => {
                assert!(
                    theirs.contains("Reference variables"),
                    "{file}: pyxform refuses it for another reason: {theirs}"
                );
                let errors: Vec<String> = e.errors.iter().map(ToString::to_string).collect();
                assert_eq!(errors.len(), expected.len(), "{file}: {errors:?}");
                for (error, want) in errors.iter().zip(expected.iter()) {
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
