//! `label::English` in a choice filter ([`ExprKind::ChoiceColumn`], a
//! Fieldform extension): its language resolved to the form's code, and the
//! fields shown by the labels it reads added to what the filter reads, so
//! an edit of one of them filters the list again.

use super::names::Names;
use super::{Compiled, LoadError};
use crate::expr::{Expr, ExprKind, suggest};
use crate::model::{Choice, Form, find_language, insertions};

/// The only column of a choice row with a text per language.
const TRANSLATED: &str = "label";

/// `list`/`choices`: the select's list (`("", &[])` when it has none).
pub(super) fn resolve(
    c: &mut Compiled,
    form: &Form,
    (list, choices): (&str, &[Choice]),
    names: &Names,
    field: &str,
    errors: &mut Vec<LoadError>,
) {
    let mut langs: Vec<String> = Vec::new();
    each_column(&mut c.expr, &mut |column, lang, position| {
        let error = |problem: String, suggestion: Option<String>| LoadError::ColumnLanguage {
            field: field.to_owned(),
            written: format!("{column}::{lang}"),
            position,
            problem,
            suggestion,
        };
        if column != TRANSLATED {
            let plain = matches!(column, "name")
                || choices.iter().any(|c| c.properties.contains_key(column));
            let suggestion = if plain {
                Some(column.to_owned())
            } else {
                suggest(column, [TRANSLATED]).map(|s| format!("{s}::{lang}"))
            };
            errors.push(error(
                format!("only `{TRANSLATED}` has a text per language in choice list `{list}`"),
                suggestion,
            ));
            return;
        }
        match find_language(&form.languages, lang) {
            Some(l) => {
                if !langs.contains(&l.code) {
                    langs.push(l.code.clone());
                }
                *lang = l.code.clone();
            }
            None => {
                let known: Vec<&str> = form.languages.iter().map(|l| l.name.as_str()).collect();
                let suggestion =
                    suggest(lang, known.iter().copied()).map(|s| format!("{column}::{s}"));
                errors.push(error(
                    format!(
                        "the form has no language `{lang}` (its languages: {})",
                        known.join(", ")
                    ),
                    suggestion,
                ));
            }
        }
    });
    // A bare `label` is the label in the language shown, which can change:
    // it reads them all.
    let bare_label = c
        .expr
        .analyze()
        .references
        .iter()
        .any(|r| r.bare && r.name == TRANSLATED);
    if !bare_label && langs.is_empty() {
        return;
    }
    // What the labels show, in the languages read.
    for choice in choices {
        let texts: Vec<&str> = if bare_label {
            choice.label.0.values().map(String::as_str).collect()
        } else {
            langs
                .iter()
                .filter_map(|lang| choice.label.get(lang, &form.default_language))
                .collect()
        };
        for text in texts.into_iter().filter(|t| t.contains("${")) {
            for insertion in insertions(text) {
                if let Some(id) = names.unique(&insertion.name)
                    && !c.refs.iter().any(|(n, _)| *n == insertion.name)
                {
                    c.refs.push((insertion.name, id));
                }
            }
        }
    }
}

/// Calls `f` with the column, the language and the position of every
/// `column::Language` of `e`.
fn each_column(e: &mut Expr, f: &mut dyn FnMut(&str, &mut String, usize)) {
    let position = e.span.start;
    match &mut e.kind {
        ExprKind::ChoiceColumn(c) => f(&c.column, &mut c.lang, position),
        ExprKind::Neg(x) => each_column(x, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            each_column(lhs, f);
            each_column(rhs, f);
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|a| each_column(a, f)),
        ExprKind::Instance(p) => p.predicates.iter_mut().for_each(|a| each_column(a, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use serde_json::{Value as Json, json};
    use wasm_bindgen_test::wasm_bindgen_test;

    use crate::compile::{CompiledForm, Property};
    use crate::env::FixedEnvironment;
    use crate::state::{ChangeKind, FormState};
    use crate::testing::{compiled, errors, q};

    /// pyxform's `xl_date_ambiguous.xlsx`: a list of the names entered so
    /// far, each choice's label showing one of them.
    fn names_form(filter: &str) -> (Json, Json) {
        (
            json!([
                q("name1", "text", json!({})),
                q("name2", "text", json!({})),
                q("name3", "text", json!({ "relevant": "false()" })),
                q(
                    "names",
                    "select_one",
                    json!({ "choices": "names_list", "choice_filter": filter })
                ),
            ]),
            json!({
                "names_list": [
                    { "name": "name1", "label": { "en": "${name1}", "ro": "unu" } },
                    { "name": "name2", "label": { "en": "${name2}", "ro": "doi" } },
                    { "name": "name3", "label": { "en": "${name3}", "ro": "trei" } },
                ],
            }),
        )
    }

    fn shown(s: &FormState) -> Vec<String> {
        s.choices(s.node("names").unwrap())
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    /// The names form compiled with `filter`, checked to read every name
    /// field (the labels show them), so an edit of any filters again.
    fn reading_every_name(filter: &str) -> Arc<CompiledForm> {
        let (items, choices) = names_form(filter);
        let form = compiled(items, choices);
        let names = form.lookup("names").unwrap();
        let read: Vec<String> = form
            .field(names)
            .reads(Property::ChoiceFilter)
            .into_iter()
            .map(|id| form.field(id).name.clone())
            .collect();
        assert_eq!(read, ["name1", "name2", "name3"]);
        form
    }

    /// The names form filtered by `filter` (see [`reading_every_name`]),
    /// checked to show no choice until `name2` is typed, then its choice:
    /// the edit filters the list again.
    fn name2_typed(filter: &str, env: &FixedEnvironment) -> FormState {
        let mut s = FormState::new(reading_every_name(filter), env);
        assert!(shown(&s).is_empty());
        let c = s.set("name2", "Ana", env).unwrap();
        assert!(
            c.items
                .iter()
                .any(|i| i.kind == ChangeKind::Choices && s.path(i.node) == "names")
        );
        assert_eq!(shown(&s), ["name2"]);
        s
    }

    /// The incremental state equals a full recomputation.
    fn assert_same_as_recomputed(s: &FormState, env: &FixedEnvironment) {
        let mut fresh = s.clone();
        fresh.recompute_all(env);
        assert_eq!(fresh.snapshot(), s.snapshot());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn filters_by_a_languages_label_as_shown_and_again_after_each_edit() {
        let env = FixedEnvironment::default();
        let mut s = name2_typed("label::English != ''", &env);
        s.set("name1", "Ion", &env).unwrap();
        assert_eq!(shown(&s), ["name1", "name2"]);
        // name3 is never relevant, so its label stays empty.
        s.set("name3", "Eva", &env).unwrap();
        s.set("name2", "", &env).unwrap();
        assert_eq!(shown(&s), ["name1"]);
        // The filter reads English whatever language is shown.
        s.set_language("ro", &env).unwrap();
        assert_eq!(shown(&s), ["name1"]);
        assert_same_as_recomputed(&s, &env);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_bare_label_is_in_the_language_shown() {
        let env = FixedEnvironment::default();
        let (items, choices) = names_form("label = 'doi' or label = 'unu'");
        let mut s = FormState::new(compiled(items, choices), &env);
        assert!(shown(&s).is_empty());
        let c = s.set_language("ro", &env).unwrap();
        assert!(c.items.iter().any(|i| i.kind == ChangeKind::Choices));
        assert_eq!(shown(&s), ["name1", "name2"]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_bare_label_is_filled_and_filters_again_after_an_edit_it_shows() {
        let env = FixedEnvironment::default();
        let mut s = name2_typed("label != ''", &env);
        s.set_language("ro", &env).unwrap();
        assert_eq!(shown(&s), ["name1", "name2", "name3"]);
        assert_same_as_recomputed(&s, &env);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_language_by_code_name_or_both_and_its_own_labels() {
        let env = FixedEnvironment::default();
        for filter in [
            "label::ro = 'doi'",
            "label::română = 'doi'",
            "label::Română (ro) = 'doi'",
        ] {
            let (items, choices) = names_form(filter);
            let s = FormState::new(compiled(items, choices), &env);
            assert_eq!(shown(&s), ["name2"], "{filter}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn an_unknown_language_or_a_column_without_languages_is_an_error() {
        let (items, choices) = names_form("name != '' and label::Englsh != ''");
        assert_eq!(
            errors(items, choices),
            [
                "field `names`, choice_filter: `label::Englsh` at position 15: the form has no language `Englsh` (its languages: English, Română); did you mean `label::English`?"
            ]
        );
        let (items, choices) = names_form("name::English != ''");
        assert_eq!(
            errors(items, choices),
            [
                "field `names`, choice_filter: `name::English` at position 0: only `label` has a text per language in choice list `names_list`; did you mean `name`?"
            ]
        );
        let (items, choices) = names_form("labl::English != ''");
        assert!(errors(items, choices)[0].ends_with("did you mean `label::English`?"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn outside_a_choice_filter_it_is_a_parse_error_at_its_position() {
        let (_, choices) = names_form("true()");
        let items = json!([q(
            "n",
            "text",
            json!({ "relevant": "1 = 1 and label::English != ''" })
        )]);
        assert_eq!(
            errors(items, choices),
            [
                "field `n`, relevant: `label::English` at position 10: a choice column in a language (`column::Language`) is only understood in a choice_filter"
            ]
        );
    }
}
