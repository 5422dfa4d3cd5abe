//! `import(export(form)) == form`.

use std::collections::BTreeMap;
use std::path::Path;

use fieldform_engine::model::{
    Choice, Condition, FORMAT_VERSION, Form, Group, Item, Language, Question, QuestionType, Repeat,
    Settings, Text,
};

use crate::{export_xlsx, import_bytes};

fn round_trip(form: &Form) {
    let bytes = export_xlsx(form).expect("exports");
    let back = match import_bytes("exported.xlsx", &bytes) {
        Ok(imported) => {
            assert_eq!(imported.warnings, vec![], "no warnings for our own export");
            imported.form
        }
        Err(e) => panic!("re-import of `{}` failed:\n{e}", form.id),
    };
    if back != *form {
        // Compare as JSON: a readable diff of the first difference.
        let (a, b) = (form.to_json(), back.to_json());
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        let context = |s: &str| {
            s.lines()
                .skip(line.saturating_sub(5))
                .take(10)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "`{}` changed in the round trip near line {line}:\n--- exported\n{}\n--- imported\n{}",
            form.id,
            context(&a),
            context(&b)
        );
    }
}

#[test]
fn shipped_forms_survive_export_and_import() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../forms");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("forms/ exists") {
        let path = entry.expect("entry").path();
        if !path.to_string_lossy().ends_with(".form.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let form = Form::from_json(&text).expect("a valid shipped form");
        round_trip(&form);
        count += 1;
    }
    assert!(
        count >= 2,
        "expected the shipped forms in {}",
        dir.display()
    );
}

fn text(pairs: &[(&str, &str)]) -> Text {
    Text(
        pairs
            .iter()
            .map(|(l, t)| ((*l).to_owned(), (*t).to_owned()))
            .collect(),
    )
}

/// Every model feature XLSForm can carry.
pub fn synthetic() -> Form {
    let mut age = Question::new("age", QuestionType::Integer);
    age.label = text(&[("en", "Age"), ("ar", "العمر"), ("sw", "Umri")]);
    age.hint = text(&[("en", "In years")]);
    age.guidance_hint = text(&[("en", "Ask for an ID card"), ("sw", "Omba kitambulisho")]);
    age.required = Some(Condition::Const(true));
    age.required_message = text(&[("en", "Needed"), ("ar", "مطلوب")]);
    age.constraint = Some(". >= 0 and . < 130".into());
    age.constraint_message = text(&[("en", "0 to 129")]);
    age.default = Some("30".into());
    let mut color = Question::new("color", QuestionType::SelectOne);
    color.choices = Some("colors".into());
    color.or_other = true;
    color.label = text(&[("en", "Colour of ${name}")]);
    color.parameters = BTreeMap::from([("randomize".into(), "true".into())]);
    color.appearance = Some("minimal".into());
    color.read_only = Some(Condition::Expr("${age} > 100".into()));
    let mut shades = Question::new("shades", QuestionType::SelectMultiple);
    shades.choices = Some("shades".into());
    shades.choice_filter = Some("family = ${color}".into());
    shades.required = Some(Condition::Expr("${age} < 18".into()));
    let mut ranked = Question::new("ranked", QuestionType::Rank);
    ranked.choices = Some("colors".into());
    let mut slider = Question::new("slider", QuestionType::Range);
    slider.parameters = BTreeMap::from([
        ("start".into(), "0".into()),
        ("end".into(), "10".into()),
        ("step".into(), "0.5".into()),
    ]);
    slider.read_only = Some(Condition::Const(false));
    let mut double = Question::new("double", QuestionType::Calculate);
    double.calculation = Some("${age} * 2".into());
    double.trigger = Some("${age}, ${name}".into());
    let mut name = Question::new("name", QuestionType::Text);
    name.relevant = Some("${age} > 0".into());
    let mut ok = Question::new("ok", QuestionType::Acknowledge);
    ok.label = text(&[("en", "Done")]);
    let simple = [
        QuestionType::Decimal,
        QuestionType::Date,
        QuestionType::Time,
        QuestionType::DateTime,
        QuestionType::Geopoint,
        QuestionType::Note,
        QuestionType::Start,
        QuestionType::End,
        QuestionType::Today,
        QuestionType::DeviceId,
        QuestionType::Username,
        QuestionType::InstanceId,
    ];
    let mut items: Vec<Item> = simple
        .iter()
        .enumerate()
        .map(|(i, k)| Item::Question(Question::new(&format!("q{i}"), *k)))
        .collect();
    items.push(Item::Question(age));
    items.push(Item::Group(Group {
        name: "household".into(),
        label: text(&[("en", "Household"), ("sw", "Kaya")]),
        relevant: Some("${age} >= 18".into()),
        appearance: Some("field-list".into()),
        items: vec![
            Item::Question(name),
            Item::Question(color),
            Item::Question(shades),
        ],
    }));
    items.push(Item::Repeat(Repeat {
        name: "members".into(),
        label: text(&[("en", "Members")]),
        relevant: None,
        appearance: Some("compact".into()),
        repeat_count: Some("${age} div 10".into()),
        min_instances: Some(1),
        max_instances: Some(12),
        items: vec![
            Item::Question(ranked),
            Item::Repeat(Repeat {
                name: "visits".into(),
                label: Text::default(),
                relevant: Some("position(..) > 1".into()),
                appearance: None,
                repeat_count: None,
                min_instances: None,
                max_instances: None,
                items: vec![Item::Question(slider), Item::Question(double)],
            }),
        ],
    }));
    items.push(Item::Question(ok));
    let choice = |name: &str, label: Text, props: &[(&str, &str)]| Choice {
        name: name.into(),
        label,
        properties: props
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect(),
    };
    Form {
        format: FORMAT_VERSION,
        id: "synthetic".into(),
        version: "2026.11.22".into(),
        title: text(&[("en", "Synthetic"), ("ar", "اصطناعي"), ("sw", "Bandia")]),
        languages: vec![
            Language {
                code: "en".into(),
                name: "English".into(),
                rtl: false,
            },
            Language {
                code: "ar".into(),
                name: "العربية".into(),
                rtl: true,
            },
            Language {
                code: "sw".into(),
                name: "Kiswahili".into(),
                rtl: false,
            },
        ],
        default_language: "sw".into(),
        settings: Settings {
            instance_name: Some("concat(${name}, ' ', ${age})".into()),
            public_key: Some("MIIBIjANBgkq".into()),
            submission_url: Some("https://example.org/submission".into()),
            style: Some("pages".into()),
        },
        choices: BTreeMap::from([
            (
                "colors".into(),
                vec![
                    choice("1", text(&[("en", "Red"), ("sw", "Nyekundu")]), &[]),
                    choice("2", text(&[("en", "Blue"), ("ar", "أزرق")]), &[]),
                ],
            ),
            (
                "shades".into(),
                vec![
                    choice(
                        "crimson",
                        text(&[("en", "Crimson")]),
                        &[("family", "1"), ("Hex", "dc143c")],
                    ),
                    choice("navy", text(&[("en", "Navy")]), &[("family", "2")]),
                ],
            ),
        ]),
        external_choices: BTreeMap::new(),
        external_instances: Default::default(),
        items,
    }
}

#[test]
fn a_form_using_every_feature_survives_export_and_import() {
    round_trip(&synthetic());
}

/// Selects from files, `select_one_external` with its sheet, and files
/// attached for `instance()` lookups.
#[test]
fn external_data_survives_export_and_import() {
    let mut form = synthetic();
    let mut village = Question::new("village", QuestionType::SelectOne);
    village.choices_file = Some("villages.csv".into());
    village.choice_filter = Some("district = ${color}".into());
    village.parameters = BTreeMap::from([
        ("value".into(), "code".into()),
        ("label".into(), "title".into()),
    ]);
    let mut museums = Question::new("museums", QuestionType::SelectMultiple);
    museums.choices_file = Some("museums.geojson".into());
    let mut city = Question::new("city", QuestionType::SelectOne);
    city.choices = Some("cities".into());
    city.external = true;
    city.choice_filter = Some("state = ${color}".into());
    let mut pop = Question::new("pop", QuestionType::Calculate);
    pop.calculation =
        Some("instance('people')/root/item[name = ${village}]/population + pulldata('places', 'n', 'name', ${city})".into());
    form.items
        .extend([village, museums, city, pop].map(Item::Question));
    form.external_choices = BTreeMap::from([(
        "cities".into(),
        vec![
            Choice {
                name: "austin".into(),
                label: text(&[("en", "Austin"), ("sw", "Austin")]),
                properties: BTreeMap::from([("state".into(), "1".into())]),
            },
            Choice {
                name: "austin".into(),
                label: text(&[("en", "Austin (MN)")]),
                properties: BTreeMap::from([("state".into(), "2".into())]),
            },
        ],
    )]);
    form.external_instances = ["people.csv".to_owned(), "places.xml".to_owned()].into();
    round_trip(&form);
    assert_eq!(
        form.attachment_names().into_iter().collect::<Vec<_>>(),
        [
            "museums.geojson",
            "people.csv",
            "places.csv",
            "places.xml",
            "villages.csv"
        ]
    );
}

/// A trigger the engine reads as bare names is exported as `${name}`s, the
/// only spelling XLSForm reads.
#[test]
fn a_trigger_written_as_bare_names_is_exported_as_references() {
    fn bare(items: &mut [Item]) -> bool {
        items.iter_mut().any(|item| match item {
            Item::Question(q) if q.trigger.as_deref() == Some("${age}, ${name}") => {
                q.trigger = Some("age,name".into());
                true
            }
            Item::Question(_) => false,
            Item::Group(g) => bare(&mut g.items),
            Item::Repeat(r) => bare(&mut r.items),
        })
    }
    let mut form = synthetic();
    let found = bare(&mut form.items);
    assert!(found, "the synthetic form has a trigger");
    let bytes = export_xlsx(&form).expect("exports");
    let back = import_bytes("exported.xlsx", &bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.form, synthetic());
}
