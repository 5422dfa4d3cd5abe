//! pyxform's `flat` setting ("for the benefit of ODK Tables", its
//! `add_flat_annotations`): the questions of every group sit directly in
//! the group's parent, so the data has no group elements, and each
//! question carries the relevance of the groups it was in. Repeats stay
//! repeats (lifting a roster's questions out of it would lose its
//! instances); groups inside them are flattened into the repeat.

use fieldform_engine::model::Item;

/// `items` with every group replaced by its (flattened) items, each
/// question's and repeat's relevance joined with its groups'.
pub fn flatten(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::new();
    lift(items, None, &mut out);
    out
}

fn lift(items: Vec<Item>, inherited: Option<&str>, out: &mut Vec<Item>) {
    for item in items {
        match item {
            Item::Group(g) => {
                let relevant = both(inherited, g.relevant.as_deref());
                lift(g.items, relevant.as_deref(), out);
            }
            Item::Repeat(mut r) => {
                r.relevant = both(inherited, r.relevant.as_deref());
                r.items = flatten(r.items);
                out.push(Item::Repeat(r));
            }
            Item::Question(mut q) => {
                q.relevant = both(inherited, q.relevant.as_deref());
                out.push(Item::Question(q));
            }
        }
    }
}

/// Both conditions (pyxform writes `a and (b)`; `a` is bracketed too here,
/// so that `x or y` from a group keeps its meaning).
fn both(outer: Option<&str>, own: Option<&str>) -> Option<String> {
    match (outer, own) {
        (Some(a), Some(b)) => Some(format!("({a}) and ({b})")),
        (Some(a), None) => Some(a.to_owned()),
        (None, b) => b.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use fieldform_engine::model::{Group, Item, Question, QuestionType, Text};

    use super::flatten;

    fn q(name: &str, relevant: Option<&str>) -> Item {
        let mut q = Question::new(name, QuestionType::Text);
        q.relevant = relevant.map(str::to_owned);
        Item::Question(q)
    }

    fn group(name: &str, relevant: Option<&str>, items: Vec<Item>) -> Item {
        Item::Group(Group {
            name: name.into(),
            label: Text::default(),
            relevant: relevant.map(str::to_owned),
            appearance: Some("field-list".into()),
            items,
        })
    }

    #[test]
    fn groups_are_lifted_with_their_relevance() {
        let items = vec![
            q("a", None),
            group(
                "outer",
                Some("${a} = 'x' or ${a} = 'y'"),
                vec![
                    q("b", None),
                    group("inner", None, vec![q("c", Some("${b} != ''"))]),
                ],
            ),
        ];
        let flat = flatten(items);
        let names: Vec<&str> = flat.iter().map(Item::name).collect();
        assert_eq!(names, ["a", "b", "c"]);
        let relevant = |i: usize| match &flat[i] {
            Item::Question(q) => q.relevant.clone(),
            _ => None,
        };
        assert_eq!(relevant(0), None);
        assert_eq!(relevant(1).as_deref(), Some("${a} = 'x' or ${a} = 'y'"));
        assert_eq!(
            relevant(2).as_deref(),
            Some("(${a} = 'x' or ${a} = 'y') and (${b} != '')")
        );
    }
}
