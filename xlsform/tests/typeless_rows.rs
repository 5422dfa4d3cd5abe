//! Survey rows without a type: pyxform 4.5.0 refuses one that has a name or
//! a label, in any language ("Question with no type"), and skips any other
//! (a hint, a relevance, a designer's notes), with a warning. So does
//! Fieldform, at the row's type cell. Each workbook also goes through the
//! pinned pyxform (`target/pyxform-venv`) so the test fails if the two stop
//! agreeing.

mod common;

use common::{Case, assert_both_agree};

const HEADER: &[&str] = &[
    "type",
    "name",
    "label",
    "label::French (fr)",
    "hint",
    "relevant",
    "image",
    "notes",
];

const CHOICES: &[&[&str]] = &[
    &["list_name", "name", "label"],
    &["yn", "y", "Yes"],
    &["yn", "n", "No"],
];

/// pyxform's error for a row with no type but a name or a label.
const NO_TYPE: Option<&str> = Some("Question with no type");

/// A workbook whose survey has the fields `head` and `age` around `rows`
/// (from row 3), under `header`.
fn case(
    file: &str,
    header: &[&str],
    rows: &[&[&str]],
    pyxform: Option<&'static str>,
    ours: &[&str],
) -> Case {
    let mut survey = vec![header, &["text", "head", "Head"][..]];
    survey.extend_from_slice(rows);
    survey.push(&["integer", "age", "Age"]);
    Case {
        file: file.to_owned(),
        sheets: vec![
            ("survey", common::rows(&survey)),
            ("choices", common::rows(CHOICES)),
        ],
        pyxform,
        ours: ours.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn a_row_without_a_type_but_with_a_name_or_a_label_is_refused_as_pyxform_does() {
    assert_both_agree(
        "typeless-refused",
        &[
            case(
                "label.xlsx",
                HEADER,
                &[&["", "", "Hello"]],
                NO_TYPE,
                &["survey row 3, column type: a question with no type: column label has `Hello`"],
            ),
            case(
                "label_in_a_language.xlsx",
                HEADER,
                &[&["", "", "", "Bonjour", "a hint"]],
                NO_TYPE,
                &[
                    "survey row 3, column type: a question with no type: column label::French (fr) has `Bonjour`",
                ],
            ),
            case(
                "caption.xlsx",
                &["type", "name", "caption"],
                &[&["", "", "Hello"]],
                NO_TYPE,
                &["survey row 3, column type: a question with no type: column caption has `Hello`"],
            ),
            case(
                "name.xlsx",
                HEADER,
                &[&["", "x"]],
                NO_TYPE,
                &["survey row 3, column type: `x` has no type"],
            ),
            case(
                "name_and_label.xlsx",
                HEADER,
                &[&["", "x", "Hello"]],
                NO_TYPE,
                &["survey row 3, column type: `x` has no type"],
            ),
            case(
                "headers_as_written.xlsx",
                &["Type", "Name", "label:French"],
                &[&["", "", "Bonjour"]],
                NO_TYPE,
                &[
                    "survey row 3, column Type: a question with no type: column label:French has `Bonjour`",
                ],
            ),
            // Refused once, as written, not once per choice of the loop.
            case(
                "in_a_loop.xlsx",
                HEADER,
                &[
                    &["begin loop over yn", "l", "L"],
                    &["", "", "Hello %(label)s"],
                    &["text", "x", "X"],
                    &["end loop"],
                ],
                NO_TYPE,
                &[
                    "survey row 4, column type: a question with no type: column label has `Hello %(label)s`",
                ],
            ),
            case(
                "in_a_group.xlsx",
                HEADER,
                &[
                    &["begin group", "g", "G"],
                    &["", "", "Hello", "", "", "${head} = 'a'"],
                    &["text", "x", "X"],
                    &["end group"],
                ],
                NO_TYPE,
                &["survey row 4, column type: a question with no type: column label has `Hello`"],
            ),
        ],
    );
}

#[test]
fn a_row_without_a_type_name_or_label_is_skipped_as_pyxform_does() {
    let mut cases = Vec::new();
    for (i, row) in [
        &["", "", "", "", "a hint"][..],
        &["", "", "", "", "", "${head} = 'a'"],
        &["", "", "", "", "", "", "a.png"],
        &["", "", "", "", "", "", "", "a designer's note"],
        &["", "", " "],
        &[],
    ]
    .into_iter()
    .enumerate()
    {
        cases.push(case(
            &format!("skipped_{i}.xlsx"),
            HEADER,
            &[row],
            None,
            &[],
        ));
    }
    assert_both_agree("typeless-skipped", &cases);
}
