//! `${name}` in a choice's label (the choices sheet's `label` and
//! `label::Language` columns): pyxform refuses a name that is no field's or
//! that several fields have ("Reference variables must contain a name from
//! the 'survey' sheet"), on every row, those it drops included, and a
//! malformed `${`; in a choice's media, an unknown or ambiguous name on the
//! rows it keeps. So does Fieldform, at the cell, with a did-you-mean.
//! Each workbook also goes through the pinned pyxform
//! (`target/pyxform-venv`, as in `pyxform_parity.rs`) so the test fails if
//! the two stop agreeing.

mod common;

/// `HEAD_AND_TWO_AGES` and a select of the `people` list.
fn survey() -> Vec<Vec<String>> {
    let mut rows = common::rows(common::HEAD_AND_TWO_AGES);
    rows.extend(common::rows(&[&["select_one people", "pick", "Pick"]]));
    rows
}

/// A workbook: its file name, its choices sheet, the words pyxform's error
/// contains (none: pyxform accepts it) and the start of each error
/// Fieldform reports (none: Fieldform accepts it).
struct Case<'a> {
    file: &'a str,
    choices: Vec<&'a [&'a str]>,
    pyxform: Option<&'static str>,
    ours: &'a [&'a str],
}

/// pyxform's error for a `${name}` that no field or several fields have.
const REFERENCE: Option<&str> = Some("Reference variables");

/// Asks pyxform and Fieldform about each case's workbook (`survey()` and its
/// choices sheet) and asserts they agree and say what is expected.
fn assert_both_agree(folder: &str, cases: &[Case<'_>]) {
    let cases: Vec<common::Case> = cases
        .iter()
        .map(|case| common::Case {
            file: case.file.to_owned(),
            sheets: vec![
                ("survey", survey()),
                ("choices", common::rows(&case.choices)),
            ],
            pyxform: case.pyxform,
            ours: case.ours.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect();
    common::assert_both_agree(folder, &cases);
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
