//! The `trigger` column: pyxform 4.5.0 wants a `${`, splits the cell at
//! commas, takes at most one `${name}` from each part (ignoring text around
//! it and parts without one) and looks the names up among the questions.
//! Fieldform reads it the same way and stores each field named once
//! (`${a}, ${b}`); the engine recalculates the field when any of them
//! changes, and reads a name several fields share as each of them, as
//! pyxform (which puts a `setvalue` on each). Each workbook also goes
//! through the pinned pyxform (`target/pyxform-venv`) so the test fails if
//! the two stop agreeing.

mod common;

use common::{Case, assert_both_agree};
use fieldform_xlsform::import_path;

/// Row 12 is the calculate with the trigger.
fn survey(trigger: &str) -> Vec<Vec<String>> {
    common::rows(&[
        &["type", "name", "label", "calculation", "trigger"],
        &["text", "head", "Head"],
        &["integer", "age1", "A1"],
        &["begin group", "g1", "G1"],
        &["integer", "age", "Age"],
        &["end group"],
        &["begin group", "g2", "G2"],
        &["integer", "age", "Age"],
        &["end group"],
        // Calculated: shown with its label, not without one.
        &["integer", "shown", "Shown", "1 + 1"],
        &["integer", "unseen", "", "1 + 1"],
        &["calculate", "t", "", "concat('x', ${head})", trigger],
    ])
}

fn case(file: &str, trigger: &str, pyxform: Option<&'static str>, ours: &[&str]) -> Case {
    Case {
        file: file.to_owned(),
        sheets: vec![("survey", survey(trigger))],
        pyxform,
        ours: ours.iter().map(|s| (*s).to_owned()).collect(),
    }
}

const SHAPE: Option<&str> = Some("Reference variables must start with '${', then a question name");
const NOT_FOUND: Option<&str> =
    Some("Reference variables must contain a name from the 'survey' sheet");

#[test]
fn triggers_naming_one_question_are_read_as_pyxform_reads_them() {
    let mut cases = Vec::new();
    for (i, trigger) in [
        "${head}",
        "${head},",
        "x ${head} y",
        "age, ${head}",
        "${}, ${head}",
        "${head}, ${head}",
        "${last-saved#head}",
        "${head},${",
        "${shown}",
    ]
    .into_iter()
    .enumerate()
    {
        cases.push(case(&format!("one_{i}.xlsx"), trigger, None, &[]));
    }
    assert_both_agree("triggers-one", &cases);
    // The form file holds each field named once, as `${name}`.
    let dir = std::env::temp_dir().join(format!("fieldform-trigger-stored-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("stored.xlsx");
    common::write(
        &path,
        &[("survey", survey("x ${head} y, age, ${age1}, ${head}"))],
    );
    let form = import_path(&path).unwrap_or_else(|e| panic!("{e}")).form;
    std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let t = form
        .walk()
        .find_map(|item| match item {
            fieldform_engine::model::Item::Question(q) if q.name == "t" => Some(q),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no field t"));
    assert_eq!(t.trigger.as_deref(), Some("${head}, ${age1}"));
}

#[test]
fn triggers_pyxform_refuses_are_refused_at_the_cell() {
    let at = "survey row 12, column trigger:";
    assert_both_agree(
        "triggers-refused",
        &[
            case(
                "bare_name.xlsx",
                "head",
                SHAPE,
                &[&format!(
                    "{at} `head` is not a reference; a trigger is `${{name}}`"
                )],
            ),
            case(
                "path.xlsx",
                "/data/head",
                SHAPE,
                &[&format!("{at} `/data/head` is not a reference")],
            ),
            case(
                "malformed_part.xlsx",
                "${head}, ${hea",
                SHAPE,
                &[&format!("{at} `${{hea` is not closed")],
            ),
            case(
                "no_comma.xlsx",
                "${head} ${age1}",
                Some("Reference variable lists must have a comma between each variable"),
                &[&format!(
                    "{at} `${{age1}}` follows `${{head}}` without a comma"
                )],
            ),
            case(
                "unknown.xlsx",
                "${heads}",
                NOT_FOUND,
                &[&format!(
                    "{at} ${{heads}} is not a field; did you mean ${{head}}?"
                )],
            ),
            case(
                "itself.xlsx",
                "${t}",
                Some("is not user-visible"),
                &[&format!("{at} `t` is not shown")],
            ),
            case(
                "unseen.xlsx",
                "${unseen}",
                Some("is not user-visible"),
                &[&format!("{at} `unseen` is not shown")],
            ),
            case(
                "group.xlsx",
                "${g1}",
                NOT_FOUND,
                &[&format!(
                    "{at} `g1` is a group or a repeat; a trigger names a question"
                )],
            ),
        ],
    );
}

/// pyxform reads the trigger of any row with a type, before the type.
#[test]
fn a_trigger_on_a_group_row_is_read_too() {
    let sheets = |trigger: &str| {
        vec![(
            "survey",
            common::rows(&[
                &["type", "name", "label", "trigger"],
                &["text", "head", "Head"],
                &["begin group", "g", "G", trigger],
                &["text", "x", "X"],
                &["end group"],
            ]),
        )]
    };
    assert_both_agree(
        "triggers-group-row",
        &[
            Case {
                file: "bare.xlsx".into(),
                sheets: sheets("head"),
                pyxform: SHAPE,
                ours: vec!["survey row 3, column trigger: `head` is not a reference".into()],
            },
            Case {
                file: "well_formed.xlsx".into(),
                sheets: sheets("${head}"),
                pyxform: None,
                ours: Vec::new(),
            },
        ],
    );
}

/// pyxform recalculates on each field named, and on each field of a name
/// several fields share; so does Fieldform.
#[test]
fn triggers_naming_several_fields_are_accepted_as_pyxform_accepts_them() {
    assert_both_agree(
        "triggers-several",
        &[
            case("list.xlsx", "${head}, ${age1}", None, &[]),
            case("list_no_space.xlsx", "${head},${age1},${shown}", None, &[]),
            case("ambiguous.xlsx", "${age}", None, &[]),
            case("ambiguous_in_list.xlsx", "${head}, ${age}", None, &[]),
        ],
    );
}
