//! `label::English` in a choice filter: the choice's label in a language,
//! a Fieldform extension (see the engine's `ExprKind::ChoiceColumn`).
//! Checked here so that a language or column that does not exist is an
//! error at its cell, and every use warns that ODK Collect refuses it.

use fieldform_engine::expr::{ExprKind, parse_choice_filter};
use fieldform_engine::model::find_language;

use crate::errors::{Diagnostics, Location};
use crate::expressions::{CellKind, ExprCell};
use crate::languages::Languages;

/// Checks the `column::Language` terms of every choice filter among `cells`
/// (syntax errors are reported by `expressions::check`).
pub fn check(cells: &[ExprCell], langs: &Languages, diag: &mut Diagnostics) {
    for cell in cells.iter().filter(|c| c.kind == CellKind::ChoiceFilter) {
        let Ok(expr) = parse_choice_filter(&cell.text) else {
            continue;
        };
        let mut found = Vec::new();
        expr.visit(&mut |e| {
            if let ExprKind::ChoiceColumn(c) = &e.kind {
                found.push((c.column.clone(), c.lang.clone(), e.span.start));
            }
        });
        for (column, lang, position) in found {
            check_one(&cell.location, &column, &lang, position, langs, diag);
        }
    }
}

fn check_one(
    location: &Location,
    column: &str,
    lang: &str,
    position: usize,
    langs: &Languages,
    diag: &mut Diagnostics,
) {
    let written = format!("{column}::{lang}");
    if column != "label" {
        diag.error_at(
            location.clone(),
            format!(
                "`{written}`: only `label` has a text per language on the choices sheet; \
                 write another column without a language (`{column}`)"
            ),
            position,
        );
        return;
    }
    if find_language(&langs.list, lang).is_none() {
        let names: Vec<&str> = langs.list.iter().map(|l| l.name.as_str()).collect();
        let suggestion = fieldform_engine::expr::suggest(lang, names.iter().copied())
            .map_or_else(String::new, |s| format!("; did you mean `{column}::{s}`?"));
        diag.error_at(
            location.clone(),
            format!(
                "`{written}`: the form has no language `{lang}` (its languages: {}){suggestion}",
                names.join(", ")
            ),
            position,
        );
        return;
    }
    diag.warn(
        location.clone(),
        format!(
            "`{written}` at position {position} (a choice's label in a language) is a Fieldform \
             extension: pyxform copies this choice_filter into the XForm unread and ODK Collect \
             refuses the form when it loads"
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(filter: &str) -> Diagnostics {
        let mut langs = Languages::default();
        langs.code_for("English");
        langs.code_for("Français (fr)");
        langs.settle(Some("English"), false);
        let cells = [ExprCell::new(
            Location::cell("survey", 5, "choice_filter"),
            filter,
            CellKind::ChoiceFilter,
        )];
        let mut diag = Diagnostics::default();
        check(&cells, &langs, &mut diag);
        diag
    }

    #[test]
    fn a_known_language_warns_that_odk_refuses_it() {
        let diag = run("label::English != '' and label::fr != 'x'");
        assert!(diag.errors.is_empty(), "{:?}", diag.errors);
        assert_eq!(diag.warnings.len(), 2);
        assert_eq!(
            diag.warnings[0].to_string(),
            "survey row 5, column choice_filter: `label::English` at position 0 (a choice's label \
             in a language) is a Fieldform extension: pyxform copies this choice_filter into the \
             XForm unread and ODK Collect refuses the form when it loads"
        );
        assert!(
            diag.warnings[1]
                .message
                .contains("`label::fr` at position 25")
        );
    }

    #[test]
    fn an_unknown_language_or_column_is_an_error_at_its_position() {
        let diag = run("name = 'a' or label::Englsh != ''");
        assert_eq!(
            diag.errors[0].to_string(),
            "survey row 5, column choice_filter: `label::Englsh`: the form has no language \
             `Englsh` (its languages: English, Français); did you mean `label::English`?"
        );
        assert_eq!(diag.errors[0].position, Some(14));
        let diag = run("region::English = 'north'");
        assert_eq!(diag.errors[0].position, Some(0));
        assert!(
            diag.errors[0]
                .message
                .contains("only `label` has a text per language")
        );
        assert!(diag.warnings.is_empty());
    }
}

#[cfg(test)]
mod import_tests {
    use crate::tests::{import, strings};

    const CHOICES: &[&[&str]] = &[
        &[
            "list_name",
            "name",
            "label::English (en)",
            "label::Français (fr)",
        ],
        &["c", "a", "A ${n}", "A"],
    ];

    #[test]
    fn errors_point_at_the_term_in_its_cell() {
        let errors = import(&[
            (
                "survey",
                &[
                    &[
                        "type",
                        "name",
                        "label::English (en)",
                        "relevant",
                        "choice_filter",
                    ],
                    &["text", "n", "N", "", ""],
                    &["select_one c", "s", "S", "", "label::Francais != ''"],
                    &["text", "t", "T", "label::English != ''", ""],
                ],
            ),
            ("choices", CHOICES),
        ])
        .expect_err("refused");
        assert_eq!(
            strings(&errors.errors),
            [
                "survey row 3, column choice_filter: `label::Francais`: the form has no language \
                 `Francais` (its languages: English, Français); did you mean `label::Français`?\n    \
                 label::Francais != ''\n    ^",
                "survey row 4, column relevant: `label::English` at position 0: a choice column \
                 in a language (`column::Language`) is only understood in a choice_filter\n    \
                 label::English != ''\n    ^",
            ]
        );
    }

    #[test]
    fn a_known_language_imports_with_a_warning() {
        let imported = import(&[
            (
                "survey",
                &[
                    &["type", "name", "label::English (en)", "choice_filter"],
                    &["text", "n", "N", ""],
                    &["select_one c", "s", "S", "label::English (en) != 'A '"],
                ],
            ),
            ("choices", CHOICES),
        ])
        .unwrap_or_else(|e| panic!("imports: {e}"));
        assert!(
            imported
                .warnings
                .iter()
                .any(|w| w.message.contains("`label::English (en)` at position 0")),
            "{:?}",
            imported.warnings
        );
    }
}
