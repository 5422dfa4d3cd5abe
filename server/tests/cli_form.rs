//! `fieldform form import | export-xlsform | check` on real files.

use std::path::PathBuf;

mod common;

fn fieldform(args: &[&str]) -> (bool, String, String) {
    let run = common::fieldform(args);
    (run.ok, run.stdout, run.stderr)
}

fn forms() -> PathBuf {
    common::forms("")
}

#[test]
fn import_of_the_exported_workbook_gives_back_the_form_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().display().to_string();
    let workbook = forms().join("ggs_household.xlsx").display().to_string();
    let (ok, stdout, stderr) = fieldform(&["form", "import", &workbook, "--output", &out]);
    assert!(ok, "{stderr}");
    let written = dir.path().join("ggs_household.form.json");
    assert_eq!(stdout, format!("Wrote {}.\n", written.display()));
    let original =
        std::fs::read_to_string(forms().join("ggs_household.form.json")).expect("shipped");
    assert_eq!(
        std::fs::read_to_string(&written).expect("written"),
        original
    );

    let (ok, _, stderr) = fieldform(&["form", "export-xlsform", &written.display().to_string()]);
    assert!(ok, "{stderr}");
    let exported = std::fs::read(dir.path().join("ggs_household.xlsx")).expect("exported");
    assert_eq!(
        exported,
        std::fs::read(forms().join("ggs_household.xlsx")).expect("shipped")
    );
}

#[test]
fn check_passes_on_the_shipped_forms_and_fails_on_a_broken_one() {
    let (ok, stdout, stderr) = fieldform(&["form", "check", &forms().display().to_string()]);
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(stdout.matches(": ok\n").count(), 4, "{stdout}");

    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.csv");
    std::fs::write(
        &broken,
        "survey,type,name,label,relevant\n,integer,hh_size,Household size,\n,text,note1,Note,${hh_sise} > 1\n,selct_one yn,q2,Q2,\n",
    )
    .expect("write");
    let (ok, stdout, stderr) = fieldform(&["form", "check", &broken.display().to_string()]);
    assert!(!ok);
    assert!(
        stdout.contains("${hh_sise} is not a field; did you mean ${hh_size}?"),
        "{stdout}"
    );
    assert!(
        stdout.contains("unknown type `selct_one`; did you mean `select_one`?"),
        "{stdout}"
    );
    assert!(stderr.contains("1 of 1 form files have errors"), "{stderr}");
}

/// A workbook's `form_id` names the file written; `../` in it must not
/// take the file out of the chosen folder (issue 12, item 9).
#[test]
fn import_refuses_a_form_id_that_leaves_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("a").join("b");
    std::fs::create_dir_all(&out).expect("mkdir");
    let workbook = out.join("evil.csv");
    std::fs::write(
        &workbook,
        "survey,,,\n,type,name,label\n,text,q1,Q1\nsettings,,,\n,form_id,version,\n,../../escaped,1,\n",
    )
    .expect("write");
    let (ok, _, stderr) = fieldform(&[
        "form",
        "import",
        &workbook.display().to_string(),
        "--output",
        &out.display().to_string(),
    ]);
    assert!(!ok, "the import must fail");
    assert!(stderr.contains("form id `../../escaped`"), "{stderr}");
    assert!(!dir.path().join("escaped.form.json").exists());
    let written: Vec<_> = std::fs::read_dir(&out)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(written, vec![std::ffi::OsString::from("evil.csv")]);
}

#[test]
fn export_refuses_a_form_id_that_leaves_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inner = dir.path().join("inner");
    std::fs::create_dir_all(&inner).expect("mkdir");
    let text = std::fs::read_to_string(forms().join("ggs_household.form.json")).expect("shipped");
    let mut form: serde_json::Value = serde_json::from_str(&text).expect("json");
    form["id"] = serde_json::json!("../escaped");
    let file = inner.join("evil.form.json");
    std::fs::write(&file, form.to_string()).expect("write");
    let (ok, _, stderr) = fieldform(&["form", "export-xlsform", &file.display().to_string()]);
    assert!(!ok, "the export must fail");
    assert!(stderr.contains("form id `../escaped`"), "{stderr}");
    assert!(!dir.path().join("escaped.xlsx").exists());
}

/// `form import` reads workbooks through the same bounded reader as
/// uploads: each bomb (generated here) fails fast with its located error,
/// and nothing is written.
#[test]
fn import_refuses_spreadsheet_bombs_quickly() {
    use fieldform_xlsform::bombs;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    let oversized = usize::try_from(fieldform_xlsform::limits::MAX_FILE_BYTES).expect("fits") + 1;
    let cases = [
        (
            "far.xlsx",
            bombs::xlsx_far_cells(),
            "sheet `survey`: the used range A1:XFD1048576 is too large",
        ),
        (
            "inflates.xlsx",
            bombs::zip_bomb("xl/sharedStrings.xml", 1024, 1 << 30),
            "the workbook inflates to more than 67,108,864 bytes",
        ),
        (
            "columns.ods",
            bombs::ods_repeated(100_000_000, 1),
            "sheet `survey`: the used range A1:HJUNYV1 is too large",
        ),
        (
            "rows.ods",
            bombs::ods_repeated(1, 100_000_000),
            "sheet `survey`: the used range A1:A100000000 is too large",
        ),
        (
            "far.xls",
            bombs::xls_far_cells(),
            "sheet `survey`: the used range A1:IV65536 is too large",
        ),
        (
            "loop.xls",
            bombs::xls_chain_loop(),
            "the .xls file is damaged: a sector chain loops",
        ),
        (
            "huge.xlsx",
            vec![b'P'; oversized],
            "the file has 20,971,521 bytes; an XLSForm may have at most 20,971,520 bytes",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let started = std::time::Instant::now();
        let (ok, _, stderr) = fieldform(&[
            "form",
            "import",
            &path.display().to_string(),
            "--output",
            &out.display().to_string(),
        ]);
        let took = started.elapsed();
        assert!(!ok, "{name} imported");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(took.as_secs() < 10, "{name} took {took:?}");
    }
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 0);
}
