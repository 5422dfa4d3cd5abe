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
            "survey row 3, column type: unknown type `selct_one`; did you mean `select_one`?",
            "survey row 4, column relevant: ${hh_sise} is not a field; did you mean ${hh_size}?\n    ${hh_sise} > 2\n    ^",
            "survey row 5, column constraint: unexpected `)` at position 4\n    . > )\n        ^",
            "survey row 6, column type: choice list `yes_noo` does not exist; did you mean `yes_no`?",
            "survey row 7, column type: `select_multiple` needs the name of a choice list, e.g. `select_multiple yes_no`",
            "survey row 8, column name: `text` needs a name",
            "survey row 9, column name: duplicate name `hh_size` (also on row 2)",
            "survey row 10, column name: `2nd` is not a valid name: start with a letter or `_`, then use letters, digits, `_`, `-` or `.`",
            "survey row 11, column parameters: expected `name=value` pairs (e.g. `start=0 end=10 step=1`), found `end`",
            "survey row 12: `end group` without a matching `begin group`",
            "survey row 13: `begin group` without a matching `end group`",
            "survey row 14, column min_instances: `many` is not a whole number",
            "survey row 14: `begin repeat` without a matching `end repeat`",
            "survey row 15: `end group` without a matching `begin group` (the `begin repeat` on row 14 is still open)",
            "survey row 16, column label: ${hh_sise} is not a field; did you mean ${hh_size}?\n    Size is ${hh_sise}\n            ^",
            "survey row 17, column type: `orphan` has no type",
            "choices row 3, column name: duplicate choice `yes` in list `yes_no` (also on row 2): choice names must be unique in a list; if this is intentional (choices told apart by a choice_filter), set `allow_choice_duplicates` to `yes` on the settings sheet",
            "choices row 4, column name: choice in list `yes_no` has no name",
            "settings row 2, column instance_name: ${q22} is not a field; did you mean ${q2}?\n    concat(${hh_size}, ${q22})\n                       ^",
        ]
    );
    let relevant = &err.errors[1];
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
        vec![
            "survey row 6, column label: ${name} is ambiguous: `name` is the name on rows 2, 4; \
             a name used in ${} must be unique in the form (as in pyxform), so rename one or \
             write its path (`/data/group/name`)\n    Hello ${name}\n          ^"
        ]
    );
    assert_eq!(err.errors[0].position, Some(6));
}

#[test]
fn duplicate_names_among_siblings_and_repeats_are_errors() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["begin group", "g", "G"],
        &["text", "name", "A"],
        &["text", "name", "B"],
        &["end group"],
        &["begin repeat", "r", "R1"],
        &["text", "x", "X"],
        &["end repeat"],
        &["begin group", "h", "H"],
        &["begin repeat", "r", "R2"],
        &["text", "x", "X"],
        &["end repeat"],
        &["end group"],
    ];
    let err = import(&[("survey", survey)]).expect_err("duplicates");
    assert_eq!(
        strings(&err.errors),
        vec![
            "survey row 4, column name: duplicate name `name` (also on row 3)",
            "survey row 10, column name: duplicate repeat name `r` (also on row 6); a repeat's name must be unique in the form",
        ]
    );
}

#[test]
fn a_repeat_named_like_the_root_element_is_an_error() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["begin repeat", "data", "Data"],
        &["text", "x", "X"],
        &["end repeat"],
    ];
    let err = import(&[("survey", survey)]).expect_err("root name");
    assert_eq!(
        strings(&err.errors),
        vec![
            "survey row 2, column name: a repeat may not be called `data`: that is the name of the form's root element (the settings' `name`, `data` by default)"
        ]
    );
}

#[test]
fn a_failed_row_causes_no_errors_elsewhere() {
    // The misspelled type is the error; the rows naming `q1`, and the
    // question without a type, add nothing of their own.
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "relevant"],
        &["selct_one yes_no", "q1", "Q1"],
        &["text", "q2", "Q2", "${q1} = 'yes'"],
        &["", "q3", "Q3"],
        &["select_one", "q4", "Q4"],
        &[
            "note",
            "n",
            "You said ${q1}, ${q3} and ${q4}",
            "${q4} != ''",
        ],
        &["text", "q5", "Q5", "${q6} = 1"],
    ];
    let choices: &[&[&str]] = &[&["list_name", "name", "label"], &["yes_no", "yes", "Yes"]];
    let err = import(&[("survey", survey), ("choices", choices)]).expect_err("errors");
    assert_eq!(
        strings(&err.errors),
        vec![
            "survey row 2, column type: unknown type `selct_one`; did you mean `select_one`?",
            "survey row 4, column type: `q3` has no type",
            "survey row 5, column type: `select_one` needs the name of a choice list, e.g. `select_one yes_no`",
            // A name no row writes is still an error.
            "survey row 7, column relevant: ${q6} is not a field; did you mean ${q1}?\n    ${q6} = 1\n    ^",
        ]
    );
}

#[test]
fn a_misspelled_begin_makes_no_error_of_its_end() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["begin grup", "g", "G"],
        &["text", "a", "A"],
        &["end group"],
        &["begin_repet", "r", "R"],
        &["text", "b", "B"],
        &["end_repeat"],
        // Still an error: no begin at all.
        &["end group"],
    ];
    let err = import(&[("survey", survey)]).expect_err("errors");
    let rows: Vec<Option<usize>> = err.errors.iter().map(|e| e.location.row).collect();
    assert_eq!(rows, vec![Some(2), Some(5), Some(8)], "{err}");
    assert_eq!(
        err.errors[2].to_string(),
        "survey row 8: `end group` without a matching `begin group`"
    );
}

#[test]
fn errors_come_in_workbook_order() {
    // Found in another order (settings first, the unclosed group last),
    // reported by sheet and row.
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["begin group", "g", "G"],
        &["select_one nope", "s", "S"],
    ];
    let choices: &[&[&str]] = &[&["list_name", "name", "label"], &["l", "", "Nameless"]];
    let settings: &[&[&str]] = &[&["instance_name"], &["concat(${zz}"]];
    let err = import(&[
        ("settings", settings),
        ("choices", choices),
        ("survey", survey),
    ])
    .expect_err("errors");
    let places: Vec<(Option<String>, Option<usize>)> = err
        .errors
        .iter()
        .map(|e| (e.location.sheet.clone(), e.location.row))
        .collect();
    let at = |s: &str, r| (Some(s.to_owned()), Some(r));
    assert_eq!(
        places,
        vec![
            at("survey", 2),
            at("survey", 3),
            at("choices", 2),
            at("settings", 2),
        ],
        "{err}"
    );
}

#[test]
fn expression_errors_show_the_expression_with_a_caret() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "relevant", "constraint"],
        &["integer", "age", "Age"],
        &["text", "why", "Why", "${age} == 3", ""],
        // The caret is under the right line of a cell with several lines.
        &["integer", "n", "N", "", ". > 0 and\n. < ${age} +"],
        &["text", "é", "É", "'été' = concat(${age}, 'x'", ""],
    ];
    let err = import(&[("survey", survey)]).expect_err("errors");
    assert_eq!(
        strings(&err.errors),
        vec![
            "survey row 3, column relevant: `==` at position 7 is not an XPath operator; use `=`\n    ${age} == 3\n           ^",
            "survey row 4, column constraint: unexpected end of expression at position 22; expected an expression\n    . < ${age} +\n                ^",
            "survey row 5, column relevant: unexpected end of expression at position 26; expected `,` or `)`\n    'été' = concat(${age}, 'x'\n                              ^",
        ]
    );
    assert_eq!(err.errors[0].position, Some(7));
    assert_eq!(err.errors[0].expression.as_deref(), Some("${age} == 3"));
}

#[test]
fn duplicate_choice_names_need_the_setting() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "choice_filter"],
        &["select_one region", "region", "Region", ""],
        &[
            "select_one district",
            "district",
            "District",
            "region = ${region}",
        ],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label", "region"],
        &["region", "north", "North", ""],
        &["region", "south", "South", ""],
        &["district", "central", "Central (north)", "north"],
        &["district", "central", "Central (south)", "south"],
        &["district", "coast", "Coast", "south"],
    ];
    let err = import(&[("survey", survey), ("choices", choices)]).expect_err("refused");
    assert_eq!(
        strings(&err.errors),
        vec![
            "choices row 5, column name: duplicate choice `central` in list `district` (also on row 4): choice names must be unique in a list; if this is intentional (choices told apart by a choice_filter), set `allow_choice_duplicates` to `yes` on the settings sheet"
        ]
    );

    // With pyxform's setting, both choices are kept and the form works:
    // the engine accepts the list and a select stores the name.
    let settings: &[&[&str]] = &[&["allow_choice_duplicates"], &["Yes"]];
    let imported = import(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ])
    .expect("allowed");
    let district = &imported.form.choices["district"];
    assert_eq!(district.len(), 3);
    assert_eq!(district[1].label.0["default"], "Central (south)");
    let compiled =
        std::sync::Arc::new(fieldform_engine::compile::compile(&imported.form).expect("compiles"));
    let env = fieldform_engine::env::FixedEnvironment::default();
    let mut state = fieldform_engine::state::FormState::new(compiled, &env);
    state.set("region", "south", &env).expect("sets");
    state.set("district", "central", &env).expect("sets");
    assert_eq!(
        state.value(state.node("district").expect("node")),
        "central"
    );
    assert!(fieldform_engine::validate::validate(&state, "default").is_empty());
    // And the exported workbook carries the setting.
    let again = crate::import_bytes(
        "again.xlsx",
        &crate::export_xlsx(&imported.form).expect("exports"),
    )
    .expect("imports");
    assert_eq!(again.form, imported.form);

    // A value pyxform does not read as yes leaves them refused, with a warning.
    let settings: &[&[&str]] = &[&["allow_choice_duplicates"], &["y"]];
    let err = import(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ])
    .expect_err("refused");
    assert_eq!(err.errors.len(), 1);
    assert!(
        strings(&err.warnings).contains(
            &"settings row 2, column allow_choice_duplicates: `allow_choice_duplicates` is `y`; expected `yes` or `no`, so duplicate choice names stay refused".to_owned()
        ),
        "{:?}",
        err.warnings
    );
}

#[test]
fn last_saved_references_show_in_labels_hints_and_messages() {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label",
            "hint",
            "constraint",
            "constraint_message",
        ],
        &[
            "text",
            "street",
            "Street (last: ${last-saved#street})",
            "",
            "",
            "",
        ],
        &[
            "integer",
            "count",
            "Count",
            "Was ${last-saved#count}",
            ". > ${last-saved#count}",
            "More than ${last-saved#count}",
        ],
    ];
    let imported = import(&[("survey", survey)]).expect("imports");
    let compiled = fieldform_engine::compile::compile(&imported.form).expect("compiles");
    let env = fieldform_engine::env::FixedEnvironment::default();
    let last = fieldform_engine::state::LastSaved::from_answers(
        &serde_json::json!({ "street": "Abbey Road", "count": "7" }),
    );
    let mut state = fieldform_engine::state::FormState::new_with_last_saved(
        std::sync::Arc::new(compiled),
        &env,
        last,
    );
    let street = state.node("street").expect("node");
    assert_eq!(state.label(street), "Street (last: Abbey Road)");
    state.set("count", "5", &env).expect("sets");
    let count = state.node("count").expect("node");
    assert_eq!(state.hint(count), "Was 7");
    let issue = fieldform_engine::validate::validate_node(&state, count, "").expect("too few");
    assert_eq!(issue.message, "More than 7");

    // A name that is no field is located like any other reference.
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["text", "street", "Street (last: ${last-saved#stret})"],
    ];
    let err = import(&[("survey", survey)]).expect_err("refused");
    assert_eq!(
        strings(&err.errors),
        vec![
            "survey row 2, column label: ${last-saved#stret}: `stret` is not a field; did you mean `street`?\n    Street (last: ${last-saved#stret})\n                  ^"
        ]
    );
}

#[test]
fn last_saved_references_are_accepted() {
    // ODK's `${last-saved#name}` (once refused as an invalid name); the
    // engine's compiler checks that the name is a field.
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "default", "calculation"],
        &["text", "street", "Street", "${last-saved#street}"],
        &["integer", "count", "Count", "${last-saved#count} + 1"],
        &[
            "calculate",
            "moved",
            "",
            "",
            "${street} != ${last-saved#street}",
        ],
    ];
    let imported = import(&[("survey", survey)]).expect("imports");
    let compiled = fieldform_engine::compile::compile(&imported.form).expect("compiles");
    let env = fieldform_engine::env::FixedEnvironment::default();
    let last = fieldform_engine::state::LastSaved::from_answers(
        &serde_json::json!({ "street": "Abbey Road", "count": "7" }),
    );
    let state = fieldform_engine::state::FormState::new_with_last_saved(
        std::sync::Arc::new(compiled),
        &env,
        last,
    );
    assert_eq!(
        state.value(state.node("street").expect("node")),
        "Abbey Road"
    );
    assert_eq!(state.value(state.node("count").expect("node")), "8");
    assert_eq!(state.value(state.node("moved").expect("node")), "false");

    // A name that is no field is located like any other reference.
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "default"],
        &["text", "street", "Street", "${last-saved#stret}"],
    ];
    let err = import(&[("survey", survey)]).expect_err("refused");
    assert_eq!(
        strings(&err.errors),
        vec![
            "survey row 2, column default: ${last-saved#stret}: `stret` is not a field; did you mean `street`?\n    ${last-saved#stret}\n    ^"
        ]
    );
}
