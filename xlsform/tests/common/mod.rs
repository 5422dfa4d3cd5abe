//! What the tests comparing Fieldform with the pinned pyxform on small
//! workbooks share: writing a workbook, running pyxform
//! (`target/pyxform-venv`, as in `pyxform_parity.rs`) on a batch of them in
//! one process, and asserting that both say the same of each.

use std::path::{Path, PathBuf};
use std::process::Command;

use fieldform_xlsform::{ImportErrors, import_path};
use rust_xlsxwriter::Workbook;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A sheet's rows as owned strings (`""` is an empty cell).
/// A survey with a name used once (`head`) and one used twice (`age`, in
/// groups `g1` and `g2`): what the reference checks tell apart.
#[allow(dead_code)] // not every test file that shares this module uses it
pub const HEAD_AND_TWO_AGES: &[&[&str]] = &[
    &["type", "name", "label"],
    &["text", "head", "Head"],
    &["begin group", "g1", "G1"],
    &["integer", "age", "Age"],
    &["end group"],
    &["begin group", "g2", "G2"],
    &["integer", "age", "Age"],
    &["end group"],
];

pub fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| row.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

/// Writes a workbook with the given sheets, in order.
pub fn write(path: &Path, sheets: &[(&str, Vec<Vec<String>>)]) {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap_or_else(|e| panic!("{e}"));
        for (y, row) in rows.iter().enumerate() {
            // An empty string is no cell at all, as a designer's blank.
            for (x, cell) in row.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
                let (y, x) = (
                    u32::try_from(y).unwrap_or_else(|e| panic!("{e}")),
                    u16::try_from(x).unwrap_or_else(|e| panic!("{e}")),
                );
                ws.write_string(y, x, cell)
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

/// A workbook: its file name, its sheets, the words pyxform's error
/// contains (none: pyxform accepts it) and the start of each error
/// Fieldform reports (none: Fieldform accepts it). pyxform accepting what
/// Fieldform refuses is a difference on purpose, asserted as such so that
/// the test says when either side changes.
pub struct Case {
    pub file: String,
    pub sheets: Vec<(&'static str, Vec<Vec<String>>)>,
    pub pyxform: Option<&'static str>,
    pub ours: Vec<String>,
}

/// Fieldform's errors are the expected ones, in order.
fn assert_errors(file: &str, e: &ImportErrors, ours: &[String]) {
    let errors: Vec<String> = e.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), ours.len(), "{file}: {errors:?}");
    for (error, want) in errors.iter().zip(ours) {
        assert!(error.starts_with(want), "{file}: {error}\nwanted: {want}");
    }
}

/// Writes every case's workbook into a fresh folder, asks pyxform and
/// Fieldform about each, and asserts they agree and say what is expected
/// (every disagreement is listed before the test fails).
pub fn assert_both_agree(folder: &str, cases: &[Case]) {
    let dir = std::env::temp_dir().join(format!("fieldform-{folder}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<PathBuf> = cases
        .iter()
        .map(|case| {
            let path = dir.join(&case.file);
            write(&path, &case.sheets);
            path
        })
        .collect();
    let verdicts = pyxform(&files);
    let mut disagreements = Vec::new();
    for (case, (path, verdict)) in cases.iter().zip(files.iter().zip(verdicts)) {
        let file = &case.file;
        let ours = import_path(path);
        match (verdict, ours) {
            (Ok(()), Ok(_)) => assert!(
                case.pyxform.is_none() && case.ours.is_empty(),
                "{file}: both accept it"
            ),
            (Err(theirs), Err(e)) => {
                let want = case
                    .pyxform
                    .unwrap_or_else(|| panic!("{file}: both refuse it: {theirs}\n{e}"));
                assert!(
                    theirs.contains(want),
                    "{file}: pyxform refuses it for another reason: {theirs}"
                );
                assert_errors(file, &e, &case.ours);
            }
            (Ok(()), Err(e)) if case.pyxform.is_none() && !case.ours.is_empty() => {
                assert_errors(file, &e, &case.ours);
            }
            (theirs, ours) => disagreements.push(format!(
                "{file}: pyxform says {theirs:?}, Fieldform {:?}",
                ours.map(|_| ()).map_err(|e| e.to_string())
            )),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
