//! The survey's `disabled` column and pyxform's per-sheet header aliases
//! (`command` for `type`, `tag`/`value` for `name`; `value` for `name` on
//! the choices sheet), read as the pinned pyxform 4.5.0 reads them: each
//! workbook also goes through pyxform (`target/pyxform-venv`), and the
//! accepted ones are checked for the fields pyxform keeps.

mod common;

use common::{Case, assert_both_agree};
use fieldform_engine::model::{Form, Item};
use fieldform_xlsform::import_path;

type Sheets = Vec<(&'static str, Vec<Vec<String>>)>;

fn survey(rows: &[&[&str]]) -> Sheets {
    vec![("survey", common::rows(rows))]
}

fn case(file: &str, sheets: Sheets, pyxform: Option<&'static str>, ours: &[&str]) -> Case {
    Case {
        file: file.to_owned(),
        sheets,
        pyxform,
        ours: ours.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// The names of the form's questions, groups and repeats, in order.
fn names(sheets: &Sheets) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("fieldform-disabled-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("form.xlsx");
    common::write(&path, sheets);
    let form: Form = import_path(&path).unwrap_or_else(|e| panic!("{e}")).form;
    std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    form.walk()
        .map(|item| match item {
            Item::Question(q) => q.name.clone(),
            Item::Group(g) => g.name.clone(),
            Item::Repeat(r) => r.name.clone(),
        })
        .collect()
}

fn disabled(value: &str) -> Sheets {
    survey(&[
        &["type", "name", "label", "disabled"],
        &["text", "a", "A"],
        &["text", "b", "B", value],
    ])
}

#[test]
fn rows_disabled_with_a_pyxform_yes_are_skipped() {
    let mut cases = Vec::new();
    for (i, value) in [
        "yes", "Yes", "YES", "true", "True", "TRUE", "true()", "y", "1", "no", "yEs",
    ]
    .into_iter()
    .enumerate()
    {
        cases.push(case(&format!("value_{i}.xlsx"), disabled(value), None, &[]));
    }
    // A skipped row's type and name are not read.
    cases.push(case(
        "bad_type.xlsx",
        survey(&[
            &["type", "name", "label", "disabled"],
            &["text", "a", "A"],
            &["nonsense", "a", "B", "yes"],
        ]),
        None,
        &[],
    ));
    // pyxform still checks its references, against the rows kept.
    cases.push(case(
        "skipped_reference.xlsx",
        survey(&[
            &["type", "name", "label", "disabled", "relevant"],
            &["text", "a", "A"],
            &["text", "b", "B", "yes", "${nowhere}"],
            &["text", "c", "C", "yes", "${a} = ${c}"],
        ]),
        Some("Could not find the name 'nowhere'"),
        &[
            "survey row 3, column relevant: ${nowhere} is not a field",
            "survey row 4, column relevant: ${c} is not a field",
        ],
    ));
    cases.push(case(
        "skipped_malformed.xlsx",
        survey(&[
            &["type", "name", "label", "disabled"],
            &["text", "a", "A"],
            &["text", "b", "B ${a", "yes"],
        ]),
        Some("Reference variables must start with '${', then a question name"),
        &["survey row 3, column label: `${a` is not closed"],
    ));
    cases.push(case(
        "referenced.xlsx",
        survey(&[
            &["type", "name", "label", "disabled", "relevant"],
            &["text", "a", "A", "", "${b} = 'x'"],
            &["text", "b", "B", "yes"],
        ]),
        Some("Reference variables must contain a name from the 'survey' sheet"),
        &["survey row 2, column relevant: ${b} is not a field"],
    ));
    // pyxform matches the header as written.
    cases.push(case(
        "capitalised.xlsx",
        survey(&[
            &["type", "name", "label", "Disabled"],
            &["text", "a", "A"],
            &["nonsense", "b", "B", "yes"],
        ]),
        Some("Unknown question type 'nonsense'"),
        &["survey row 3, column type: unknown type `nonsense`"],
    ));
    assert_both_agree("disabled", &cases);
    for value in ["yes", "true()", "TRUE"] {
        assert_eq!(names(&disabled(value)), ["a"], "{value}");
    }
    for value in ["y", "no", "yEs"] {
        assert_eq!(names(&disabled(value)), ["a", "b"], "{value}");
    }
}

#[test]
fn survey_and_choices_header_aliases_are_read_as_pyxform_reads_them() {
    let command_value = survey(&[&["command", "value", "label"], &["text", "a", "A"]]);
    let tag = survey(&[&["Command", "tag", "label"], &["text", "a", "A"]]);
    let alias_first = survey(&[
        &["type", "value", "name", "label"],
        &["text", "b", "a", "A"],
    ]);
    let choices = |header: &[&str]| -> Sheets {
        vec![
            (
                "survey",
                common::rows(&[&["type", "name", "label"], &["select_one l", "a", "A"]]),
            ),
            ("choices", common::rows(&[header, &["l", "x", "X", "y"]])),
        ]
    };
    assert_both_agree(
        "aliases",
        &[
            case("command_value.xlsx", command_value.clone(), None, &[]),
            case("tag.xlsx", tag.clone(), None, &[]),
            case("alias_first.xlsx", alias_first.clone(), None, &[]),
            case(
                "name_value.xlsx",
                survey(&[
                    &["type", "name", "value", "label"],
                    &["text", "a", "b", "A"],
                ]),
                Some(
                    "Headers that are different names for the same column were found: 'name', 'value'",
                ),
                &["survey, column value: `name` and `value` are names for the same column (name)"],
            ),
            case(
                "type_command.xlsx",
                survey(&[
                    &["type", "command", "name", "label"],
                    &["text", "integer", "a", "A"],
                ]),
                Some("different names for the same column were found: 'type', 'command'"),
                &["survey, column command: `type` and `command` are names for the same column"],
            ),
            case(
                "tag_value.xlsx",
                survey(&[&["type", "tag", "value", "label"], &["text", "a", "b", "A"]]),
                Some("different names for the same column were found: 'tag', 'value'"),
                &["survey, column value: `tag` and `value` are names for the same column"],
            ),
            case(
                "choices_value.xlsx",
                choices(&["list_name", "value", "label", "other"]),
                None,
                &[],
            ),
            case(
                "choices_name_value.xlsx",
                choices(&["list_name", "name", "label", "value"]),
                Some("different names for the same column were found: 'name', 'value'"),
                &["choices, column value: `name` and `value` are names for the same column"],
            ),
        ],
    );
    assert_eq!(names(&command_value), ["a"]);
    assert_eq!(names(&tag), ["a"]);
    // Written before `name`, the alias is not read (pyxform: the later column wins).
    assert_eq!(names(&alias_first), ["a"]);
}
