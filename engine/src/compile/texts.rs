//! `${name}` insertions in labels, hints and messages: checked against the
//! form's fields, and indexed by the field they show so that a UI redraws
//! only the texts a changed value appears in.

use super::names::{Names, display_name, path_of};
use super::{Field, FieldId, LoadError};
use crate::expr::suggest;
use crate::model::{Item, Text, insertions};

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
/// show it.
pub(super) fn check(
    fields: &[Field],
    names: &Names,
    errors: &mut Vec<LoadError>,
) -> Vec<Vec<FieldId>> {
    let mut readers: Vec<Vec<FieldId>> = vec![Vec::new(); fields.len()];
    for field in fields {
        for (column, text) in texts(&field.item) {
            for (lang, s) in &text.0 {
                for insertion in insertions(s) {
                    match names.unique(&insertion.name) {
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
