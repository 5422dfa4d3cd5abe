//! Errors a designer can act on: all of them in one pass, with sheet, row,
//! column and a suggestion.

use super::{import, strings};
use crate::{ImportError, import_bytes};

#[test]
fn every_error_in_one_pass() {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label",
            "relevant",
            "constraint",
            "parameters",
            "min_instances",
        ],
        &["integer", "hh_size", "Size"],
        &["selct_one yes_no", "q1"],
        &["text", "q2", "", "${hh_sise} > 2"],
        &["integer", "q3", "", "", ". > )"],
        &["select_one yes_noo", "q4"],
        &["select_multiple", "q5"],
        &["text", "", "No name"],
        &["text", "hh_size"],
        &["text", "2nd"],
        &["range", "r", "", "", "", "start=0 end"],
        &["end group"],
        &["begin group", "g"],
        &["begin repeat", "rep", "", "", "", "", "many"],
        &["end group"],
        &["note", "n", "Size is ${hh_sise}"],
        &["", "orphan"],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["yes_no", "yes", "Yes"],
        &["yes_no", "yes", "Yes again"],
        &["yes_no", "", "Nameless"],
    ];
    let settings: &[&[&str]] = &[&["instance_name"], &["concat(${hh_size}, ${q22})"]];
    let err = import(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ])
    .expect_err("errors");
    assert_eq!(
        strings(&err.errors),
        vec![
            "choices row 3, column name: duplicate choice `yes` in list `yes_no` (also on row 2)",
            "choices row 4, column name: choice in list `yes_no` has no name",
            "survey row 3, column type: unknown type `selct_one`; did you mean `select_one`?",
            "survey row 6, column type: choice list `yes_noo` does not exist; did you mean `yes_no`?",
            "survey row 7, column type: `select_multiple` needs the name of a choice list, e.g. `select_multiple yes_no`",
            "survey row 8, column name: `text` needs a name",
            "survey row 9, column name: duplicate name `hh_size` (also on row 2)",
            "survey row 10, column name: `2nd` is not a valid name: start with a letter or `_`, then use letters, digits, `_`, `-` or `.`",
            "survey row 11, column parameters: expected `name=value` pairs (e.g. `start=0 end=10 step=1`), found `end`",
            "survey row 12: `end group` without a matching `begin group`",
            "survey row 14, column min_instances: `many` is not a whole number",
            "survey row 15: `end group` without a matching `begin group` (the `begin repeat` on row 14 is still open)",
            "survey row 17, column type: `orphan` has no type",
            "survey row 14: `begin repeat` without a matching `end repeat`",
            "survey row 13: `begin group` without a matching `end group`",
            "survey row 4, column relevant: ${hh_sise} is not a field; did you mean ${hh_size}?",
            "survey row 5, column constraint: unexpected `)` at position 4",
            "survey row 16, column label: ${hh_sise} is not a field; did you mean ${hh_size}?",
            "settings row 2, column instance_name: ${q22} is not a field; did you mean ${q2}?",
        ]
    );
    let relevant = &err.errors[15];
    assert_eq!(relevant.position, Some(0));
    assert_eq!(relevant.location.row, Some(4));
    assert_eq!(relevant.location.column.as_deref(), Some("relevant"));
}

#[test]
fn missing_survey_sheet_and_unreadable_files() {
    let err =
        import(&[("choices", &[&["list_name", "name"], &["l", "a"]])]).expect_err("no survey");
    assert_eq!(err.to_string(), "no `survey` sheet (sheets found: choices)");

    let err = import_bytes("form.xlsx", b"PK\x03\x04 not really").expect_err("garbage");
    assert!(
        err.to_string().starts_with("cannot read the spreadsheet"),
        "{err}"
    );

    let err = import_bytes("form.docx", b"").expect_err("extension");
    assert_eq!(
        err.to_string(),
        "`form.docx` is not an XLSForm file: expected .xlsx, .xls, .ods, .csv or .md"
    );
    let e: &ImportError = &err.errors[0];
    assert_eq!(e.location.sheet, None);
}

#[test]
fn missing_columns() {
    // Sheet names are case-insensitive too.
    let err = import(&[("SURVEY", &[&["name", "label"], &["a", "A"]])]).expect_err("no type");
    assert_eq!(strings(&err.errors), vec!["survey: no `type` column"]);
}

#[test]
fn check_path_reads_form_json_and_xlsforms() {
    use crate::{check_path, export_xlsx};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = dir.join("../forms/ggs_household.form.json");
    let report = check_path(&shipped);
    assert!(report.is_ok(), "{:?}", report.errors);
    assert_eq!(report.form.map(|f| f.id), Some("ggs_household".into()));

    let tmp = std::env::temp_dir().join(format!("fieldform-xlsform-check-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut form = super::round_trip::synthetic();
    let xlsx = tmp.join("synthetic.xlsx");
    std::fs::write(&xlsx, export_xlsx(&form).expect("exports")).expect("write");
    let report = check_path(&xlsx);
    assert!(report.is_ok(), "{:?}", report.errors);
    assert_eq!(report.form.as_ref(), Some(&form));

    if let Some(fieldform_engine::model::Item::Question(q)) = form.items.first_mut() {
        q.relevant = Some("${nme} != ''".into());
    }
    let json = tmp.join("broken.form.json");
    std::fs::write(&json, form.to_json()).expect("write");
    let report = check_path(&json);
    assert_eq!(
        strings(&report.errors),
        vec!["field `q0`, relevant: ${nme} at position 0 is not a field; did you mean ${name}?"],
        "the engine's compiler checks form files"
    );
    std::fs::write(&json, "{").expect("write");
    let report = check_path(&json);
    assert!(
        report.errors[0]
            .to_string()
            .starts_with("not a valid form file"),
        "{:?}",
        report.errors
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn a_reference_to_a_reused_name_is_ambiguous() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["text", "name", "Your name"],
        &["begin group", "g"],
        &["text", "name", "Their name"],
        &["end group"],
        &["note", "n", "Hello ${name}"],
    ];
    let err = import(&[("survey", survey)]).expect_err("ambiguous");
    assert_eq!(
        strings(&err.errors),
        vec!["survey row 6, column label: ${name} is ambiguous: `name` is the name on rows 2, 4"]
    );
    assert_eq!(
        strings(&err.warnings)[0],
        "survey row 4, column name: name `name` is also used on row 2; renamed `g_name` here because Fieldform needs unique names"
    );
}
