//! `${name}` insertions in labels, hints and messages: checked against the
//! form's fields, and indexed by the field they show so that a UI redraws
//! only the texts a changed value appears in. `${last-saved#name}` shows
//! `name`'s answer in the last saved response, as in an expression: checked
//! the same way, and not indexed (it is fixed for the session).

use std::collections::BTreeMap;

use super::names::{Names, display_name, path_of};
use super::{Field, FieldId, LoadError};
use crate::expr::lex::last_saved_name;
use crate::expr::suggest;
use crate::model::{Choice, Item, Text, insertions};

/// The texts of an item that may show values, by XLSForm column.
fn texts(item: &Item) -> Vec<(&'static str, &Text)> {
    match item {
        Item::Question(q) => vec![
            ("label", &q.label),
            ("hint", &q.hint),
            ("guidance_hint", &q.guidance_hint),
            ("required_message", &q.required_message),
            ("constraint_message", &q.constraint_message),
        ],
        Item::Group(g) => vec![("label", &g.label)],
        Item::Repeat(r) => vec![("label", &r.label)],
    }
}

/// Reports insertions of names that are not fields, or that several fields
/// have (pyxform resolves `${name}` in labels as in expressions: the name
/// must be unique in the form); returns, per field, the fields whose texts
/// show it, a select counting as showing what its choices' labels show
/// (`lists[i]`: the rows of choice list `i`). The labels of the form's
/// own choice lists (`form_lists`) are checked the same way.
pub(super) fn check(
    fields: &[Field],
    names: &Names,
    lists: &[&[Choice]],
    form_lists: &BTreeMap<String, Vec<Choice>>,
    errors: &mut Vec<LoadError>,
) -> Vec<Vec<FieldId>> {
    let mut readers: Vec<Vec<FieldId>> = vec![Vec::new(); fields.len()];
    choice_readers(fields, names, lists, &mut readers);
    check_choice_labels(fields, names, form_lists, errors);
    for field in fields {
        for (column, text) in texts(&field.item) {
            for (lang, s) in &text.0 {
                for mut insertion in insertions(s) {
                    let last_saved = match last_saved_name(&insertion.name) {
                        Some(base) => {
                            insertion.name = base.trim().to_owned();
                            true
                        }
                        None => false,
                    };
                    match names.unique(&insertion.name) {
                        Some(_) if last_saved => {}
                        Some(shown) => {
                            let list = &mut readers[shown.index()];
                            if !list.contains(&field.id) {
                                list.push(field.id);
                            }
                        }
                        None if names.ambiguous(&insertion.name).is_some() => {
                            let ids = names.ambiguous(&insertion.name).unwrap_or_default();
                            errors.push(LoadError::AmbiguousInsertion {
                                field: display_name(fields, names, field.id),
                                column,
                                lang: lang.clone(),
                                paths: ids.iter().map(|&i| path_of(fields, i)).collect(),
                                name: insertion.name,
                            });
                        }
                        None => errors.push(LoadError::UnknownInsertion {
                            field: display_name(fields, names, field.id),
                            column,
                            lang: lang.clone(),
                            suggestion: suggest(
                                &insertion.name,
                                fields.iter().map(|f| f.name.as_str()),
                            )
                            .map(str::to_owned),
                            name: insertion.name,
                        }),
                    }
                }
            }
        }
    }
    readers
}

/// Reports each `${name}` in a choice label that names no field or
/// several, as pyxform does on the choices sheet. Only the form's own
/// lists: the rows of attached files and of the `external_choices` sheet
/// are data, which pyxform does not check either; and only the lists a
/// select shows (the importer checks every row of the sheet, as pyxform).
fn check_choice_labels(
    fields: &[Field],
    names: &Names,
    form_lists: &BTreeMap<String, Vec<Choice>>,
    errors: &mut Vec<LoadError>,
) {
    let used = |list: &str| {
        fields.iter().any(|f| {
            f.question()
                .is_some_and(|q| q.kind.has_choices() && q.choices.as_deref() == Some(list))
        })
    };
    for (list, choices) in form_lists.iter().filter(|(l, _)| used(l)) {
        for choice in choices {
            for (lang, s) in choice.label.0.iter().filter(|(_, s)| s.contains("${")) {
                for insertion in insertions(s) {
                    let name = match last_saved_name(&insertion.name) {
                        Some(base) => base.trim(),
                        None => insertion.name.as_str(),
                    };
                    if names.unique(name).is_some() {
                        continue;
                    }
                    let (list, choice, lang) = (list.clone(), choice.name.clone(), lang.clone());
                    errors.push(match names.ambiguous(name) {
                        Some(ids) => LoadError::AmbiguousChoiceInsertion {
                            list,
                            choice,
                            lang,
                            name: name.to_owned(),
                            paths: ids.iter().map(|&i| path_of(fields, i)).collect(),
                        },
                        None => LoadError::UnknownChoiceInsertion {
                            list,
                            choice,
                            lang,
                            name: name.to_owned(),
                            suggestion: suggest(name, fields.iter().map(|f| f.name.as_str()))
                                .map(str::to_owned),
                        },
                    });
                }
            }
        }
    }
}

/// Adds each select to the readers of the fields its choices' labels show
/// in any language, so that its list redraws when one of them changes.
/// A name that is not one field's is not reported here and shows as
/// empty (the form's own lists are checked by [`check_choice_labels`]).
/// Each list is read once, however many selects use it: a
/// cascade's list can have 40,000 rows.
fn choice_readers(
    fields: &[Field],
    names: &Names,
    lists: &[&[Choice]],
    readers: &mut [Vec<FieldId>],
) {
    let mut shown: Vec<Option<Vec<FieldId>>> = vec![None; lists.len()];
    for field in fields {
        let Some(i) = field.choice_list.filter(|&i| i < lists.len()) else {
            continue;
        };
        let ids = shown[i].get_or_insert_with(|| shown_by(lists[i], names));
        for id in ids.iter() {
            let list = &mut readers[id.index()];
            if !list.contains(&field.id) {
                list.push(field.id);
            }
        }
    }
}

/// The fields `choices`' labels show (`${last-saved#name}` is fixed for
/// the session).
pub(super) fn shown_by(choices: &[Choice], names: &Names) -> Vec<FieldId> {
    let mut ids = Vec::new();
    for choice in choices {
        for s in choice.label.0.values().filter(|s| s.contains("${")) {
            for insertion in insertions(s) {
                if last_saved_name(&insertion.name).is_none()
                    && let Some(id) = names.unique(&insertion.name)
                    && !ids.contains(&id)
                {
                    ids.push(id);
                }
            }
        }
    }
    ids
}
