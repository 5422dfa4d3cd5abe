//! `select_one list or_other`: the "Other" choice comes with a text question
//! for what the other answer is, named `<select>_other` and asked only
//! when `other` is selected, as pyxform builds it. The compiler adds that
//! question right after the select unless the form already has a field of
//! that name, so form files (and their round trip through XLSForm) keep
//! only the `or_other` flag, and the app, the server and the exports all
//! see the same field.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::model::{Form, Item, Question, QuestionType, Text, primary_subtag};

/// The name of the text question that goes with an `or_other` select.
pub fn specify_name(select: &str) -> String {
    format!("{select}_other")
}

/// `form` with the missing companion questions added.
pub(super) fn expand(form: &Form) -> Cow<'_, Form> {
    let names: HashSet<&str> = form.walk().map(Item::name).collect();
    let needs = form.walk().any(|item| match item {
        Item::Question(q) => q.or_other && !names.contains(specify_name(&q.name).as_str()),
        _ => false,
    });
    if !needs {
        return Cow::Borrowed(form);
    }
    let names: HashSet<String> = names.into_iter().map(str::to_owned).collect();
    let mut expanded = form.clone();
    let label = specify_label(form);
    expanded.items = with_companions(&form.items, &names, &label);
    Cow::Owned(expanded)
}

fn with_companions(items: &[Item], names: &HashSet<String>, label: &Text) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::Question(q) => {
                out.push(item.clone());
                let name = specify_name(&q.name);
                if q.or_other && !names.contains(&name) {
                    let mut other = Question::new(&name, QuestionType::Text);
                    other.label = label.clone();
                    other.relevant = Some(format!("selected(${{{}}}, 'other')", q.name));
                    out.push(Item::Question(other));
                }
            }
            Item::Group(g) => {
                let mut g = g.clone();
                g.items = with_companions(&g.items, names, label);
                out.push(Item::Group(g));
            }
            Item::Repeat(r) => {
                let mut r = r.clone();
                r.items = with_companions(&r.items, names, label);
                out.push(Item::Repeat(r));
            }
        }
    }
    out
}

/// "Specify other." in each of the form's languages (English where there
/// is no translation).
fn specify_label(form: &Form) -> Text {
    let mut text = Text::default();
    for lang in &form.languages {
        let words = match primary_subtag(&lang.code).as_str() {
            "fr" => "Précisez « autre ».",
            "es" => "Especifique «otro».",
            "ar" => "حدد «أخرى».",
            "ro" => "Precizați „altele”.",
            "ru" => "Уточните «другое».",
            _ => "Specify other.",
        };
        text.0.insert(lang.code.clone(), words.to_owned());
    }
    text
}
