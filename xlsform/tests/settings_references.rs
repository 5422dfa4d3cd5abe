//! `${…}` on the settings sheet: pyxform 4.5.0 checks every column of every
//! row of it, those it ignores included, and refuses a badly written
//! reference (`${hea`, `${ head }`, `${a b}`: PYREF_001) and a name that no
//! field or several fields have. So does Fieldform, at the cell. Each
//! workbook also goes through the pinned pyxform (`target/pyxform-venv`) so
//! the test fails if the two stop agreeing.

mod common;

use common::{Case, assert_both_agree};

const SURVEY: &[&[&str]] = common::HEAD_AND_TWO_AGES;

/// pyxform's error for a malformed reference (PYREF_001).
const SHAPE: Option<&str> = Some("Reference variables must start with '${', then a question name");

/// pyxform's error for a `${name}` that no field or several fields have.
const REFERENCE: Option<&str> = Some("Reference variables");

/// A workbook of `SURVEY` and the given settings sheet.
fn case(file: &str, settings: &[&[&str]], pyxform: Option<&'static str>, ours: &[&str]) -> Case {
    Case {
        file: file.to_owned(),
        sheets: vec![
            ("survey", common::rows(SURVEY)),
            ("settings", common::rows(settings)),
        ],
        pyxform,
        ours: ours.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn malformed_references_in_every_settings_column_are_refused_as_pyxform_does() {
    let mut cases = Vec::new();
    for (i, (column, text, why)) in [
        ("form_title", "T ${hea", "`${hea` is not closed"),
        (
            "form_title::French (fr)",
            "${ head }",
            "`${ head }` is not a reference: ` head ` is not a field name",
        ),
        ("style", "pages ${a b}", "`${a b}` is not a reference"),
        ("form_id", "f${1a}", "`${1a}` is not a reference"),
        ("version", "1${a:b}", "`${a:b}` is not a reference"),
        ("submission_url", "http://x/${hea", "`${hea` is not closed"),
        ("instance_name", "concat(${hea", "`${hea` is not closed"),
        (
            "instance_name",
            "concat(${head}, ${a${head}})",
            "`${a${head}` is not a reference",
        ),
        // Columns Fieldform ignores, and ones pyxform does not know.
        ("auto_send", "${hea", "`${hea` is not closed"),
        ("notes", "see ${ hea}", "`${ hea}` is not a reference"),
    ]
    .into_iter()
    .enumerate()
    {
        let ours = format!("settings row 2, column {column}: {why}");
        cases.push(case(
            &format!("malformed_{i}.xlsx"),
            &[&[column], &[text]],
            SHAPE,
            &[&ours],
        ));
    }
    // The rows after the first are ignored, but checked all the same.
    cases.push(case(
        "second_row.xlsx",
        &[&["form_title", "style"], &["T", "pages"], &["", "${hea"]],
        SHAPE,
        &["settings row 3, column style: `${hea` is not closed"],
    ));
    assert_both_agree("settings-malformed", &cases);
}

#[test]
fn unknown_and_ambiguous_names_in_settings_are_refused_as_pyxform_does() {
    assert_both_agree(
        "settings-names",
        &[
            case(
                "unknown_title.xlsx",
                &[&["form_title"], &["T ${heads}"]],
                REFERENCE,
                &[
                    "settings row 2, column form_title: ${heads} is not a field; did you mean ${head}?",
                ],
            ),
            case(
                "ambiguous_style.xlsx",
                &[&["form_title", "style"], &["T", "${age}"]],
                REFERENCE,
                &["settings row 2, column style: ${age} is ambiguous"],
            ),
            case(
                "unknown_on_second_row.xlsx",
                &[&["form_title", "notes"], &["T", ""], &["", "${heads}"]],
                REFERENCE,
                &["settings row 3, column notes: ${heads} is not a field; did you mean ${head}?"],
            ),
            case(
                "unknown_instance_name.xlsx",
                &[&["instance_name"], &["concat('a', ${heads})"]],
                REFERENCE,
                &[
                    "settings row 2, column instance_name: ${heads} is not a field; did you mean ${head}?",
                ],
            ),
            case(
                "unknown_last_saved.xlsx",
                &[&["form_title"], &["T ${last-saved#heads}"]],
                REFERENCE,
                &[
                    "settings row 2, column form_title: ${last-saved#heads}: `heads` is not a field; did you mean `head`?",
                ],
            ),
        ],
    );
}

/// Well-formed references to one field, and what pyxform leaves alone: `${}`,
/// a lone `${`, `$ {`, a cell under no header. (A translated `form_title`
/// is not tried: pyxform 4.5.0 fails on it with an `AttributeError` once the
/// references are checked.)
#[test]
fn well_formed_references_and_what_pyxform_leaves_alone_are_accepted_by_both() {
    let mut cases = Vec::new();
    for (i, (column, text)) in [
        ("form_title", "T ${head}"),
        ("form_title", "${last-saved#head}"),
        ("notes", "${head} ${last-saved#head}"),
        ("style", "pages ${}"),
        ("notes", "${"),
        ("notes", "$ {head"),
        ("notes", "}${head}"),
        ("instance_name", "concat('a', ${head}, ${last-saved#head})"),
    ]
    .into_iter()
    .enumerate()
    {
        cases.push(case(
            &format!("accepted_{i}.xlsx"),
            &[&[column], &[text]],
            None,
            &[],
        ));
    }
    cases.push(case(
        "no_header.xlsx",
        &[&["form_title", ""], &["T", "${hea"]],
        None,
        &[],
    ));
    assert_both_agree("settings-well-formed", &cases);
}
