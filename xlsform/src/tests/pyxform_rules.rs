//! Rules matched to pyxform 4.5.0 so that a workbook it converts imports,
//! and one it refuses is refused with a located error.

use fieldform_engine::model::{Item, QuestionType};
use rust_xlsxwriter::Workbook;

use super::import;
use crate::import_bytes;

fn names(form: &fieldform_engine::model::Form) -> Vec<String> {
    form.walk().map(|i| i.name().to_owned()).collect()
}

fn errors(sheets: &[(&str, &[&[&str]])]) -> Vec<String> {
    import(sheets)
        .expect_err("refused")
        .errors
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// An Excel boolean reads as Excel shows it, `TRUE`/`FALSE` (a field named
/// `FALSE` in pyxform), and still works as a `required` value.
#[test]
fn excel_booleans_read_as_true_and_false() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("survey").expect("name");
    for (x, h) in ["type", "name", "label", "required"].iter().enumerate() {
        ws.write_string(0, u16::try_from(x).expect("col"), *h)
            .expect("write");
    }
    ws.write_string(1, 0, "text").expect("write");
    ws.write_boolean(1, 1, false).expect("write");
    ws.write_string(1, 2, "Anything").expect("write");
    ws.write_boolean(1, 3, true).expect("write");
    ws.write_string(2, 0, "integer").expect("write");
    ws.write_string(2, 1, "age").expect("write");
    ws.write_string(2, 2, "Age").expect("write");
    ws.write_boolean(2, 3, false).expect("write");
    let bytes = book.save_to_buffer().expect("xlsx");
    let form = import_bytes("booleans.xlsx", &bytes).expect("imports").form;
    assert_eq!(names(&form), ["FALSE", "age"]);
    let required: Vec<_> = form
        .walk()
        .filter_map(|i| match i {
            Item::Question(q) => Some(q.required.clone()),
            _ => None,
        })
        .collect();
    use fieldform_engine::model::Condition::Const;
    assert_eq!(required, [Some(Const(true)), Some(Const(false))]);
}

/// `photo` (pyxform's alias of `image`) and `osm <list>` import as the
/// canonical types do: hidden fields, with a warning.
#[test]
fn photo_and_osm_with_a_list_import_as_hidden_fields() {
    let imported = import(&[(
        "survey",
        &[
            &["type", "name", "label"],
            &["photo", "picture", "Take a picture"],
            &["add photo prompt", "old_picture", "Another"],
            &["osm building_tags", "building", "Trace it"],
        ],
    )])
    .expect("imports");
    assert_eq!(
        names(&imported.form),
        ["picture", "old_picture", "building"]
    );
    for item in imported.form.walk() {
        let Item::Question(q) = item else {
            panic!("a question")
        };
        assert_eq!(q.kind, QuestionType::Calculate);
    }
    let type_warnings = imported
        .warnings
        .iter()
        .filter(|w| w.location.column.as_deref() == Some("type"))
        .count();
    assert_eq!(type_warnings, 3, "{:?}", imported.warnings);
}

/// pyxform groups choices by list name: a row without one is dropped.
#[test]
fn a_choice_row_without_a_list_name_is_skipped() {
    let imported = import(&[
        (
            "survey",
            &[&["type", "name", "label"], &["select_one yn", "ok", "OK?"]],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label"],
                &["yn", "yes", "Yes"],
                &["", "", "a note to translators"],
                &["yn", "no", "No"],
            ],
        ),
    ])
    .expect("imports");
    assert_eq!(imported.form.choices["yn"].len(), 2);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.to_string().contains("choices row 3")
                && w.to_string().contains("without a list name")),
        "{:?}",
        imported.warnings
    );
    // A list name without a choice name is still an error, as in pyxform.
    let errs = errors(&[
        (
            "survey",
            &[&["type", "name", "label"], &["select_one yn", "ok", "OK?"]],
        ),
        (
            "choices",
            &[&["list_name", "name", "label"], &["yn", "", "Yes"]],
        ),
    ]);
    assert!(
        errs.iter()
            .any(|e| e == "choices row 2, column name: choice in list `yn` has no name"),
        "{errs:?}"
    );
}

/// Type words are case-sensitive in pyxform: refused, at the row, with
/// the lowercase spelling suggested.
#[test]
fn a_type_in_capitals_is_refused_with_a_suggestion() {
    let errs = errors(&[
        (
            "survey",
            &[
                &["type", "name", "label"],
                &["Select one from source", "src", "Source?"],
            ],
        ),
        (
            "choices",
            &[&["list_name", "name", "label"], &["source", "a", "A"]],
        ),
    ]);
    assert_eq!(
        errs,
        [
            "survey row 2, column type: unknown type `Select one from source`; did you mean `select one from source`? (type names are case-sensitive)"
        ]
    );
}

/// Two columns with the same header are refused, naming both.
#[test]
fn a_duplicate_column_header_is_refused() {
    let errs = errors(&[(
        "survey",
        &[
            &["type", "name", "label", "label"],
            &["text", "a", "A", "B"],
        ],
    )]);
    assert_eq!(
        errs,
        [
            "survey, column label: duplicate column header `label`: columns C and D have the same header; remove or rename one"
        ]
    );
    let errs = errors(&[
        (
            "survey",
            &[&["type", "name", "label"], &["select_one yn", "ok", "OK?"]],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "name", "label"],
                &["yn", "yes", "y", "Yes"],
            ],
        ),
    ]);
    assert!(
        errs[0].starts_with("choices, column name: duplicate column header"),
        "{errs:?}"
    );
    // The settings sheet too (pyxform: "Duplicate column header: form_id").
    let errs = errors(&[
        ("survey", &[&["type", "name", "label"], &["text", "a", "A"]]),
        (
            "settings",
            &[&["form_id", "version", "form_id"], &["f", "1", "g"]],
        ),
    ]);
    assert_eq!(
        errs,
        [
            "settings, column form_id: duplicate column header `form_id`: columns A and C have the same header; remove or rename one"
        ]
    );
    // Different case is a different header to pyxform (read as aliases later).
    import(&[(
        "survey",
        &[&["type", "name", "label", "Label"], &["text", "a", "A", ""]],
    )])
    .expect("imports");
}

/// A calculate needs a calculation, unless a computed default sets it.
#[test]
fn a_calculate_without_a_calculation_is_refused() {
    let errs = errors(&[(
        "survey",
        &[
            &["type", "name", "label", "calculation", "default"],
            &["calculate", "total", "", "", ""],
            &["calculate", "fixed", "", "", "5"],
        ],
    )]);
    assert_eq!(
        errs,
        [
            "survey row 2, column calculation: calculate `total` has no calculation: write the expression it computes in the calculation column",
            "survey row 3, column calculation: calculate `fixed` has no calculation: write the expression it computes in the calculation column",
        ]
    );
    import(&[(
        "survey",
        &[
            &["type", "name", "label", "calculation", "default"],
            &["calculate", "started", "", "", "now()"],
            &["calculate", "twice", "", "${started} + ${started}", ""],
        ],
    )])
    .expect("a computed default or a calculation is enough");
}

/// pyxform's rules for `randomize` and `seed` on a select, each error on
/// its parameters cell; a seed's `${name}` is checked like any reference.
#[test]
fn randomize_and_seed_are_checked_as_pyxform_checks_them() {
    let choices: &[&[&str]] = &[&["list_name", "name", "label"], &["yn", "yes", "Yes"]];
    let errs = errors(&[
        (
            "survey",
            &[
                &["type", "name", "label", "parameters"],
                &["integer", "n", "N", ""],
                &["select_one yn", "a", "A", "randomize=maybe"],
                &["select_one yn", "b", "B", "randomize=true seed=abc"],
                &["select_multiple yn", "c", "C", "seed=3"],
                &["rank yn", "d", "D", "randomize=true seed=${nn}"],
            ],
        ),
        ("choices", choices),
    ]);
    assert_eq!(
        errs,
        [
            "survey row 3, column parameters: `randomize` must be `true` or `false`, not `maybe`",
            "survey row 4, column parameters: `seed` must be a number or a reference to a field (`${name}`), not `abc`",
            "survey row 5, column parameters: `seed` needs `randomize=true` in the same parameters",
            "survey row 6, column parameters: ${nn} is not a field; did you mean ${n}?\n    ${nn}\n    ^",
        ]
    );
    let imported = import(&[
        (
            "survey",
            &[
                &["type", "name", "label", "parameters"],
                &["integer", "n", "N", ""],
                &["select_one yn", "a", "A", "randomize=TRUE seed=${n}"],
                &["select_one yn", "b", "B", "randomize=true seed=12.5"],
            ],
        ),
        ("choices", choices),
    ])
    .expect("imports");
    let params: Vec<String> = imported
        .form
        .walk()
        .filter_map(|i| match i {
            Item::Question(q) => q.parameters.get("seed").cloned(),
            _ => None,
        })
        .collect();
    assert_eq!(params, ["${n}", "12.5"]);
}
