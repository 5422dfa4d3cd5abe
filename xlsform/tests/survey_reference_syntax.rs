//! Badly written `${…}` references on the survey sheet (an unclosed `${hea`,
//! `${ head }`, `${a b}`, `${1a}`, `${a:b}`, `${a${head}}`): pyxform 4.5.0
//! refuses them in every column but `type` and `name` (PYREF_001), on every
//! row: texts and media in any language, expressions, columns Fieldform does
//! not read (a designer's notes, `bind::…`) and rows it skips. It leaves
//! `${}`, a text of two characters or fewer and a cell without a header
//! alone. So does Fieldform, at the cell. Each workbook also goes through
//! the pinned pyxform (`target/pyxform-venv`, as in `pyxform_parity.rs`) so
//! the test fails if the two stop agreeing.

mod common;

use common::{Case, assert_both_agree};

const CHOICES: &[&[&str]] = &[
    &["list_name", "name", "label", "region"],
    &["yn", "y", "Yes", "north"],
    &["yn", "n", "No", "south"],
];

/// pyxform's error for a malformed reference (PYREF_001).
const SHAPE: &str = "Reference variables must start with '${', then a question name";

/// A survey of two fields (`head`, `age`) and, on row 4, `row` under the
/// headers `type`, `name`, `label`, then `extra`.
fn survey(extra: &[&str], row: &[&str]) -> Vec<Vec<String>> {
    let mut header = vec!["type", "name", "label"];
    header.extend_from_slice(extra);
    common::rows(&[
        header.as_slice(),
        &["text", "head", "Head"],
        &["integer", "age", "Age"],
        row,
    ])
}

/// A workbook of the given survey sheet and `CHOICES`: what pyxform's error
/// contains (none: it accepts it) and how each of Fieldform's starts.
fn case(
    file: &str,
    survey: Vec<Vec<String>>,
    pyxform: Option<&'static str>,
    ours: Vec<String>,
) -> Case {
    Case {
        file: file.to_owned(),
        sheets: vec![("survey", survey), ("choices", common::rows(CHOICES))],
        pyxform,
        ours,
    }
}

/// A workbook both accept.
fn accepted(file: &str, survey: Vec<Vec<String>>) -> Case {
    case(file, survey, None, Vec::new())
}

/// A workbook both refuse for the malformed reference `text` in `column`
/// on row 4 (one error from Fieldform, saying `why`).
fn refused(file: &str, survey: Vec<Vec<String>>, column: &str, why: &str) -> Case {
    case(
        file,
        survey,
        Some(SHAPE),
        vec![format!("survey row 4, column {column}: {why}")],
    )
}

/// Each malformed shape, with the start of Fieldform's message for it.
const MALFORMED: &[(&str, &str)] = &[
    ("Hi ${hea", "`${hea` is not closed"),
    (
        "${ head }",
        "`${ head }` is not a reference: ` head ` is not a field name",
    ),
    ("${a b}", "`${a b}` is not a reference"),
    ("${1a}", "`${1a}` is not a reference"),
    ("${a:b}", "`${a:b}` is not a reference"),
    ("${a${head}}", "`${a${head}` is not a reference"),
];

/// A file name for a case: the column and the shape's number.
fn file_name(column: &str, shape: usize) -> String {
    let column: String = column
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{column}_{shape}.xlsx")
}

#[test]
fn malformed_references_in_survey_texts_and_media_are_refused_as_pyxform_does() {
    let mut cases = Vec::new();
    for column in [
        "label::French (fr)",
        "hint",
        "hint::French (fr)",
        "guidance_hint",
        "constraint_message",
        "jr:constraintMsg",
        "required_message",
        "image",
        "media::audio::French (fr)",
    ] {
        for (shape, (text, why)) in MALFORMED.iter().enumerate() {
            cases.push(refused(
                &file_name(column, shape),
                survey(&[column], &["text", "q", "Q", text]),
                column,
                why,
            ));
        }
    }
    for (shape, (text, why)) in MALFORMED.iter().enumerate() {
        cases.push(refused(
            &file_name("label", shape),
            survey(&[], &["text", "q", text]),
            "label",
            why,
        ));
    }
    assert_both_agree("survey-texts", &cases);
}

#[test]
fn malformed_references_in_survey_expressions_are_refused_as_pyxform_does() {
    let mut cases = Vec::new();
    for (column, ty, before) in [
        ("relevant", "text", "${age} > 1 and "),
        ("constraint", "integer", ". > 1 and "),
        ("calculation", "calculate", "1 + "),
        ("choice_filter", "select_one yn", "region = "),
        ("default", "text", ""),
        ("required", "text", "${age} > 1 and "),
        ("read_only", "text", "${age} > 1 and "),
        ("trigger", "text", "${head}, "),
        ("appearance", "text", "minimal "),
    ] {
        for (shape, (text, why)) in MALFORMED.iter().enumerate() {
            let text = format!("{before}{text}");
            cases.push(refused(
                &file_name(column, shape),
                survey(&[column], &[ty, "q", "Q", &text]),
                column,
                why,
            ));
        }
    }
    // A repeat's count, on the `begin repeat` row.
    for (shape, (text, why)) in MALFORMED.iter().enumerate() {
        let mut rows = survey(&["repeat_count"], &["begin repeat", "r", "R", text]);
        rows.push(vec!["text".into(), "x".into(), "X".into()]);
        rows.push(vec!["end repeat".into()]);
        cases.push(refused(
            &file_name("repeat_count", shape),
            rows,
            "repeat_count",
            why,
        ));
    }
    assert_both_agree("survey-expressions", &cases);
}

/// Columns Fieldform does not read and rows it skips are checked too: the
/// error is the reference's, at its cell.
#[test]
fn malformed_references_in_unread_columns_and_skipped_rows_are_refused_as_pyxform_does() {
    let unclosed = "`${hea` is not closed";
    let mut cases = Vec::new();
    for column in [
        "notes",
        "bind::jr:preload",
        "body::accuracyThreshold",
        "style",
    ] {
        cases.push(refused(
            &file_name(column, 0),
            survey(&[column], &["text", "q", "Q", "See ${hea"]),
            column,
            unclosed,
        ));
    }
    cases.extend([
        refused(
            "no_type_hint.xlsx",
            survey(&["hint"], &["", "", "", "${hea"]),
            "hint",
            unclosed,
        ),
        refused(
            "note_without_name.xlsx",
            survey(&[], &["note", "", "${hea"]),
            "label",
            unclosed,
        ),
        refused(
            "unsupported_type.xlsx",
            survey(&[], &["osm", "o", "${hea"]),
            "label",
            unclosed,
        ),
    ]);
    // On an `end group` row, and in a loop's row (checked once, as written).
    let mut rows = survey(&["notes"], &["begin group", "g", "G"]);
    rows.push(vec!["text".into(), "x".into(), "X".into()]);
    rows.push(vec![
        "end group".into(),
        String::new(),
        String::new(),
        "${a b}".into(),
    ]);
    cases.push(case(
        "end_group.xlsx",
        rows,
        Some(SHAPE),
        vec!["survey row 6, column notes: `${a b}` is not a reference".into()],
    ));
    let mut rows = survey(&[], &["begin loop over yn", "l", "L"]);
    rows.push(vec!["text".into(), "x".into(), "X %(label)s ${hea".into()]);
    rows.push(vec!["end loop".into()]);
    cases.push(case(
        "loop.xlsx",
        rows,
        Some(SHAPE),
        vec![format!("survey row 5, column label: {unclosed}")],
    ));
    assert_both_agree("survey-unread", &cases);
}

/// Well-formed references, and what pyxform leaves alone: `${}` (where
/// Fieldform does not read it), a lone `${`, `$ {`, a cell without a header.
#[test]
fn well_formed_references_and_what_pyxform_leaves_alone_are_accepted_by_both() {
    let mut cases = Vec::new();
    for (i, text) in [
        "${head} (${age})",
        "${last-saved#head}",
        "A ${} b",
        "${",
        "$ {head",
        "}${head}",
    ]
    .into_iter()
    .enumerate()
    {
        for column in ["label", "hint::French (fr)", "image", "notes"] {
            // pyxform shows `${}` in a text as written; Fieldform's engine
            // refuses it there ("${} is not a field"): tried only where
            // Fieldform does not read the text.
            if text.contains("${}") && matches!(column, "label" | "hint::French (fr)") {
                continue;
            }
            cases.push(accepted(
                &file_name(column, i),
                if column == "label" {
                    survey(&[], &["text", "q", text])
                } else {
                    survey(&[column], &["text", "q", "Q", text])
                },
            ));
        }
    }
    for (column, ty, text) in [
        ("relevant", "text", "${age} > 1 and ${head} != ''"),
        ("constraint", "integer", ". > ${last-saved#age}"),
        ("calculation", "calculate", "concat('${}', ${head})"),
        ("choice_filter", "select_one yn", "region = ${head}"),
        ("default", "text", "${head}"),
        ("trigger", "text", "${head}"),
        ("required_message", "text", "${head} must answer"),
    ] {
        cases.push(accepted(
            &file_name(column, 9),
            survey(&[column], &[ty, "q", "Q", text]),
        ));
    }
    let mut rows = survey(&["repeat_count"], &["begin repeat", "r", "R", "${age}"]);
    rows.push(vec!["text".into(), "x".into(), "X".into()]);
    rows.push(vec!["end repeat".into()]);
    cases.push(accepted("repeat_count.xlsx", rows));
    // A cell under no header is no column: neither reads it.
    cases.push(accepted(
        "no_header.xlsx",
        survey(&[""], &["text", "q", "Q", "${hea"]),
    ));
    assert_both_agree("survey-well-formed", &cases);
}
