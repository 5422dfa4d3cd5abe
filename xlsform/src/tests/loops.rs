//! pyxform's `begin loop over <list>`: one group per choice, as pyxform's
//! XForm has them (fixture `loop.xlsx` of pyxform's tests).

use fieldform_engine::model::{Item, Question, Text};

use super::import;

/// Every item's path, groups included, in form order.
fn paths(items: &[Item], prefix: &str, out: &mut Vec<String>) {
    for item in items {
        let (name, children) = match item {
            Item::Question(q) => (q.name.as_str(), None),
            Item::Group(g) => (g.name.as_str(), Some(&g.items)),
            Item::Repeat(r) => (r.name.as_str(), Some(&r.items)),
        };
        let path = format!("{prefix}{name}");
        out.push(path.clone());
        if let Some(children) = children {
            paths(children, &format!("{path}/"), out);
        }
    }
}

fn all_paths(items: &[Item]) -> Vec<String> {
    let mut out = Vec::new();
    paths(items, "", &mut out);
    out
}

fn find<'a>(items: &'a [Item], path: &str) -> Option<&'a Item> {
    let (head, rest) = path
        .split_once('/')
        .map_or((path, None), |(h, r)| (h, Some(r)));
    let item = items.iter().find(|i| match i {
        Item::Question(q) => q.name == head,
        Item::Group(g) => g.name == head,
        Item::Repeat(r) => r.name == head,
    })?;
    match (rest, item) {
        (None, _) => Some(item),
        (Some(rest), Item::Group(g)) => find(&g.items, rest),
        (Some(rest), Item::Repeat(r)) => find(&r.items, rest),
        (Some(_), Item::Question(_)) => None,
    }
}

fn question<'a>(items: &'a [Item], path: &str) -> &'a Question {
    match find(items, path) {
        Some(Item::Question(q)) => q,
        other => panic!("{path}: {other:?}"),
    }
}

fn label(items: &[Item], path: &str) -> Text {
    match find(items, path) {
        Some(Item::Question(q)) => q.label.clone(),
        Some(Item::Group(g)) => g.label.clone(),
        other => panic!("{path}: {other:?}"),
    }
}

const CHOICES: &[&[&str]] = &[
    &[
        "list_name",
        "name",
        "label::English (en)",
        "label::Français (fr)",
    ],
    &["toilet", "pit", "Pit latrine", "Latrine"],
    &["toilet", "flush", "Flush toilet", "Chasse d'eau"],
    &["toilet", "none", "None", "Aucune"],
];

#[test]
fn a_loop_is_a_group_per_choice_with_name_and_label_substituted() {
    let imported = import(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::English (en)",
                    "label::Français (fr)",
                    "relevant",
                ],
                &["text", "intro", "Intro", "Intro"],
                &[
                    "begin loop over toilet",
                    "toilets",
                    "Toilets",
                    "Toilettes",
                    "${intro} != ''",
                ],
                &[
                    "integer",
                    "number",
                    "How many %(label)s?",
                    "Combien de %(label)s ?",
                ],
                &[
                    "text",
                    "why_%(name)s",
                    "Why %(name)s?",
                    "Pourquoi ?",
                    "${intro} != 'x'",
                ],
                &["begin group", "details", "Details %(label)s", "Détails"],
                &["note", "kept", "Stays %(label)s", "Reste"],
                &["end group"],
                &["end loop"],
                &["integer", "after", "After", "Après"],
            ],
        ),
        ("choices", CHOICES),
    ])
    .expect("imports");
    let items = &imported.form.items;
    assert_eq!(
        all_paths(items),
        [
            "intro",
            "toilets",
            "toilets/pit",
            "toilets/pit/number",
            "toilets/pit/why_pit",
            "toilets/pit/details",
            "toilets/pit/details/kept",
            "toilets/flush",
            "toilets/flush/number",
            "toilets/flush/why_flush",
            "toilets/flush/details",
            "toilets/flush/details/kept",
            "after",
        ]
    );
    let text = |en: &str, fr: &str| {
        Text(
            [
                ("en".to_owned(), en.to_owned()),
                ("fr".to_owned(), fr.to_owned()),
            ]
            .into_iter()
            .collect(),
        )
    };
    assert_eq!(label(items, "toilets"), text("Toilets", "Toilettes"));
    assert_eq!(
        label(items, "toilets/flush"),
        text("Flush toilet", "Chasse d'eau")
    );
    assert_eq!(
        label(items, "toilets/flush/number"),
        text("How many Flush toilet?", "Combien de Chasse d'eau ?")
    );
    assert_eq!(
        label(items, "toilets/pit/details"),
        text("Details Pit latrine", "Détails")
    );
    // As in pyxform, rows nested deeper than the loop's own are copied unchanged.
    assert_eq!(
        label(items, "toilets/pit/details/kept"),
        text("Stays %(label)s", "Reste")
    );
    let Some(Item::Group(loop_group)) = find(items, "toilets") else {
        panic!("toilets is no group");
    };
    assert!(loop_group.relevant.is_some(), "the loop's own columns stay");
    assert!(question(items, "toilets/pit/why_pit").relevant.is_some());
}

#[test]
fn nested_loops_substitute_their_own_choice() {
    let imported = import(&[
        (
            "survey",
            &[
                &["type", "name", "label"],
                &["begin loop over floor", "floors", "Floors"],
                &[
                    "begin loop over room",
                    "rooms_%(name)s",
                    "Rooms of %(label)s",
                ],
                &["integer", "size_%(name)s", "Size of %(label)s"],
                &["end loop"],
                &["end loop"],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label"],
                &["floor", "up", "Upstairs"],
                &["floor", "down", "Downstairs"],
                &["room", "kitchen", "Kitchen"],
            ],
        ),
    ])
    .expect("imports");
    let items = &imported.form.items;
    assert_eq!(
        all_paths(items),
        [
            "floors",
            "floors/up",
            "floors/up/rooms_up",
            "floors/up/rooms_up/kitchen",
            "floors/up/rooms_up/kitchen/size_kitchen",
            "floors/down",
            "floors/down/rooms_down",
            "floors/down/rooms_down/kitchen",
            "floors/down/rooms_down/kitchen/size_kitchen",
        ]
    );
    assert_eq!(
        label(items, "floors/down/rooms_down"),
        Text::new("default", "Rooms of Downstairs")
    );
}

#[test]
fn loop_errors_are_located_and_said_once() {
    let errors = import(&[
        (
            "survey",
            &[
                &["type", "name", "label", "constraint"],
                &["end loop"],
                &["begin loop over toilets", "t", "T"],
                &["integer", "n", "N", ". >"],
                &["end loop"],
                &["begin loop", "u", "U"],
                &["end loop"],
            ],
        ),
        ("choices", CHOICES),
    ])
    .expect_err("refused");
    let messages: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
    let has = |row: usize, text: &str| {
        errors
            .errors
            .iter()
            .filter(|e| e.location.row == Some(row) && e.message.contains(text))
            .count()
    };
    assert_eq!(
        has(3, "choice list `toilets` does not exist"),
        1,
        "{messages:#?}"
    );
    assert!(
        messages[1].contains("did you mean `toilet`"),
        "{messages:#?}"
    );
    assert_eq!(
        has(6, "needs the name of a choice list"),
        1,
        "{messages:#?}"
    );
    assert_eq!(
        has(2, "`end loop` without a matching `begin loop`"),
        1,
        "{messages:#?}"
    );

    // A row copied once per choice reports its problem once.
    let errors = import(&[
        (
            "survey",
            &[
                &["type", "name", "label", "constraint"],
                &["begin loop over toilet", "t", "T"],
                &["integer", "n", "N", ". >"],
                &["end loop"],
            ],
        ),
        ("choices", CHOICES),
    ])
    .expect_err("refused");
    assert_eq!(errors.errors.len(), 1, "{:#?}", errors.errors);
    assert_eq!(errors.errors[0].location.row, Some(3));
}

#[test]
fn an_unclosed_loop_is_an_error_on_its_row() {
    let errors = import(&[
        (
            "survey",
            &[
                &["type", "name", "label"],
                &["begin loop over toilet", "t", "T"],
                &["integer", "n", "N"],
            ],
        ),
        ("choices", CHOICES),
    ])
    .expect_err("refused");
    assert_eq!(errors.errors.len(), 1, "{:#?}", errors.errors);
    assert_eq!(errors.errors[0].location.row, Some(2));
    assert!(
        errors.errors[0]
            .message
            .contains("without a matching `end loop`")
    );
}

#[test]
fn a_select_with_or_other_adds_other_to_a_loop_over_its_list() {
    // pyxform appends `other` to the list itself, wherever the select is.
    let imported = import(&[
        (
            "survey",
            &[
                &["type", "name", "label::English (en)"],
                &["begin loop over toilet", "toilets", "Toilets"],
                &["integer", "number", "How many %(label)s?"],
                &["end loop"],
                &["select_one toilet or_other", "main", "Main toilet"],
            ],
        ),
        ("choices", CHOICES),
    ])
    .expect("imports");
    let items = &imported.form.items;
    let paths = all_paths(items);
    assert_eq!(
        paths[..7],
        [
            "toilets",
            "toilets/pit",
            "toilets/pit/number",
            "toilets/flush",
            "toilets/flush/number",
            "toilets/other",
            "toilets/other/number",
        ]
    );
    assert_eq!(
        label(items, "toilets/other/number").get("en", "en"),
        Some("How many Other?")
    );
}
