//! Every supported column and type, in each file format.

use std::collections::BTreeMap;

use fieldform_engine::model::{Condition, Item, QuestionType, Text};

use super::{import, strings};
use crate::import_bytes;

fn text(pairs: &[(&str, &str)]) -> Text {
    Text(
        pairs
            .iter()
            .map(|(l, t)| ((*l).to_owned(), (*t).to_owned()))
            .collect(),
    )
}

const SURVEY: &[&[&str]] = &[
    &[
        "Type",
        "Name",
        "Label::English (en)",
        "label::Français (fr)",
        "hint::English (en)",
        "Guidance_Hint",
        "required",
        "required_message::English (en)",
        "relevant",
        "constraint",
        "constraint_message::Français (fr)",
        "calculation",
        "default",
        "read_only",
        "appearance",
        "parameters",
        "choice_filter",
        "repeat_count",
        "trigger",
        "media::image::English (en)",
        "relevent",
    ],
    &["start", "started"],
    &["deviceid", "device"],
    &["today", "day"],
    &["username", "user"],
    &["end", "ended"],
    &[
        "integer",
        "hh_size",
        "Household size",
        "Taille du ménage",
        "Everyone who sleeps here",
        "Count children too",
        "yes",
        "Please answer",
        "",
        ". > 0 and . < 50",
        "Entre 1 et 49",
        "",
        "1",
        "",
        "",
        "",
        "",
        "",
        "",
        "house.png",
        "oops",
    ],
    // No type, name or label: a designer's note, skipped (a label
    // without a type is refused, as pyxform does).
    &["", "", "", "", "A note for the designer only"],
    &[
        "select_one region or_other",
        "region",
        "Region",
        "Région",
        "",
        "",
        "true()",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "minimal",
        "randomize=true;seed=${hh_size}",
    ],
    &[
        "select_multiple district",
        "district",
        "District",
        "",
        "",
        "",
        "${hh_size} > 2",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "region = ${region}",
    ],
    &["rank region", "priorities", "Rank them"],
    &[
        "begin_group",
        "details",
        "Details",
        "Détails",
        "",
        "",
        "",
        "",
        "${hh_size} > 1",
        "",
        "",
        "",
        "",
        "",
        "field-list",
    ],
    &["decimal", "income", "Income"],
    &["date", "dob"],
    &["time", "woke"],
    &["datetime", "visit"],
    &["geopoint", "where"],
    &[
        "range",
        "score",
        "Score",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "start=0 end=10 step=1",
    ],
    &["note", "info", "You said ${hh_size}"],
    &["acknowledge", "consent", "I agree"],
    &[
        "calculate",
        "double",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "${hh_size} * 2",
        "",
        "",
        "",
        "",
        "",
        "",
        "${hh_size}",
    ],
    &[
        "text",
        "comment",
        "Comment",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "${hh_size} > 10",
    ],
    &["end_group"],
    &[
        "begin repeat",
        "members",
        "Members",
        "Membres",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "${hh_size}",
    ],
    &["text", "member_name", "Name"],
    &["barcode", "card", "Scan the card"],
    &["image", "photo", "Photo"],
    &["select_one_from_file villages.csv", "village", "Village"],
    &["end repeat"],
    &["xml-external", "lookup"],
    &["geotrace", "path"],
    &["hidden", "secret"],
];

const CHOICES: &[&[&str]] = &[
    &[
        "list name",
        "value",
        "label::English (en)",
        "label::Français (fr)",
        "region_id",
        "image",
    ],
    &["region", "1", "North", "Nord", "", "north.png"],
    &["region", "2", "South", "Sud"],
    &["district", "n1", "Upper", "", "1"],
    &["district", "s1", "Lower", "", "2"],
];

const SETTINGS: &[&[&str]] = &[
    &[
        "form_title",
        "form_id",
        "version",
        "default_language",
        "instance_name",
        "public_key",
        "submission_url",
        "style",
        "namespaces",
    ],
    &[
        "Census",
        "census",
        "2024091201",
        "English (en)",
        "concat('HH ', ${hh_size})",
        "KEY",
        "https://example.org/s",
        "pages",
        "x=y",
    ],
];

#[test]
fn every_column_and_type() {
    let imported = import(&[
        ("survey", SURVEY),
        ("choices", CHOICES),
        ("settings", SETTINGS),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let form = &imported.form;
    assert_eq!(form.id, "census");
    assert_eq!(form.version, "2024091201", "numbers lose the `.0`");
    assert_eq!(form.title, text(&[("en", "Census")]));
    assert_eq!(form.default_language, "en");
    assert_eq!(
        form.languages
            .iter()
            .map(|l| (l.code.as_str(), l.name.as_str()))
            .collect::<Vec<_>>(),
        vec![("en", "English"), ("fr", "Français")]
    );
    assert_eq!(
        form.settings.instance_name.as_deref(),
        Some("concat('HH ', ${hh_size})")
    );
    assert_eq!(form.settings.public_key.as_deref(), Some("KEY"));
    assert_eq!(
        form.settings.submission_url.as_deref(),
        Some("https://example.org/s")
    );
    assert_eq!(form.settings.style.as_deref(), Some("pages"));

    let names: Vec<&str> = form.walk().map(|i| i.name()).collect();
    assert_eq!(
        names,
        vec![
            "started",
            "device",
            "day",
            "user",
            "ended",
            "hh_size",
            "region",
            "district",
            "priorities",
            "details",
            "income",
            "dob",
            "woke",
            "visit",
            "where",
            "score",
            "info",
            "consent",
            "double",
            "comment",
            "members",
            "member_name",
            "card",
            "photo",
            "village",
            "path",
            "secret",
        ]
    );
    let question = |name: &str| {
        form.walk()
            .find_map(|i| match i {
                Item::Question(q) if q.name == name => Some(q.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{name}"))
    };
    let kinds: Vec<QuestionType> = [
        "started", "device", "day", "user", "ended", "income", "dob", "woke", "visit", "where",
        "score", "info", "consent", "double", "comment", "card", "photo", "village", "path",
        "secret",
    ]
    .iter()
    .map(|n| question(n).kind)
    .collect();
    use QuestionType::*;
    assert_eq!(
        kinds,
        vec![
            Start,
            DeviceId,
            Today,
            Username,
            End,
            Decimal,
            Date,
            Time,
            DateTime,
            Geopoint,
            Range,
            Note,
            Acknowledge,
            Calculate,
            Text,
            Text,
            Calculate,
            SelectOne,
            Geotrace,
            Calculate
        ]
    );
    assert_eq!(
        question("village").choices_file.as_deref(),
        Some("villages.csv")
    );
    assert_eq!(
        form.external_instances,
        ["lookup.xml".to_owned()].into_iter().collect()
    );

    let hh = question("hh_size");
    assert_eq!(hh.kind, Integer);
    assert_eq!(
        hh.label,
        text(&[("en", "Household size"), ("fr", "Taille du ménage")])
    );
    assert_eq!(hh.hint, text(&[("en", "Everyone who sleeps here")]));
    assert_eq!(
        hh.guidance_hint,
        text(&[("en", "Count children too")]),
        "unsuffixed → default language"
    );
    assert_eq!(hh.required, Some(Condition::Const(true)));
    assert_eq!(hh.required_message, text(&[("en", "Please answer")]));
    assert_eq!(hh.constraint.as_deref(), Some(". > 0 and . < 50"));
    assert_eq!(hh.constraint_message, text(&[("fr", "Entre 1 et 49")]));
    assert_eq!(hh.default.as_deref(), Some("1"));

    let region = question("region");
    assert_eq!(
        (region.kind, region.choices.as_deref(), region.or_other),
        (SelectOne, Some("region"), true)
    );
    assert_eq!(region.required, Some(Condition::Const(true)));
    assert_eq!(region.appearance.as_deref(), Some("minimal"));
    assert_eq!(
        region.parameters,
        BTreeMap::from([
            ("randomize".into(), "true".into()),
            ("seed".into(), "${hh_size}".into())
        ])
    );
    let district = question("district");
    assert_eq!(
        (district.kind, district.choices.as_deref()),
        (SelectMultiple, Some("district"))
    );
    assert_eq!(
        district.required,
        Some(Condition::Expr("${hh_size} > 2".into()))
    );
    assert_eq!(
        district.choice_filter.as_deref(),
        Some("region = ${region}")
    );
    assert_eq!(question("priorities").kind, Rank);
    assert_eq!(
        question("score").parameters.get("step").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        question("double").calculation.as_deref(),
        Some("${hh_size} * 2")
    );
    assert_eq!(question("double").trigger.as_deref(), Some("${hh_size}"));
    assert_eq!(
        question("comment").read_only,
        Some(Condition::Expr("${hh_size} > 10".into()))
    );

    let Some(Item::Group(details)) = form.items.iter().find(|i| i.name() == "details") else {
        panic!("group");
    };
    assert_eq!(details.relevant.as_deref(), Some("${hh_size} > 1"));
    assert_eq!(details.appearance.as_deref(), Some("field-list"));
    assert_eq!(details.label, text(&[("en", "Details"), ("fr", "Détails")]));
    assert_eq!(details.items.len(), 10);
    let Some(Item::Repeat(members)) = form.items.iter().find(|i| i.name() == "members") else {
        panic!("repeat");
    };
    assert_eq!(members.repeat_count.as_deref(), Some("${hh_size}"));
    assert_eq!(members.items.len(), 4);

    let regions = &form.choices["region"];
    assert_eq!(regions[0].name, "1");
    assert_eq!(regions[0].label, text(&[("en", "North"), ("fr", "Nord")]));
    assert_eq!(
        form.choices["district"][1].properties,
        BTreeMap::from([("region_id".into(), "2".into())])
    );

    assert_eq!(
        strings(&imported.warnings),
        vec![
            "survey, column media::image::English (en): images, audio and video are not supported yet; ignored",
            "survey, column relevent: unknown column `relevent`; ignored (did you mean `relevant`?)",
            "survey row 26, column Type: type `barcode` is not supported; `card` is asked as a text question",
            "survey row 27, column Type: type `image` is not supported; `photo` is kept as an empty hidden field so expressions naming it still work",
            // Warnings come in workbook order too.
            "choices, column image: choice images and sounds are not supported yet; ignored",
            "settings row 2, column namespaces: setting `namespaces` does not apply to Fieldform; ignored",
        ]
    );
}

#[test]
fn language_header_spellings_and_the_default_language() {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label",
            "label::English",
            "label:French",
            "label::Kiswahili (sw)",
            "hint::fr",
        ],
        &[
            "text",
            "a",
            "Plain",
            "English",
            "Français",
            "Kiswahili",
            "Indice",
        ],
    ];
    // Without settings, unsuffixed text is pyxform's `default` language.
    let form = import(&[("survey", survey)])
        .unwrap_or_else(|e| panic!("{e}"))
        .form;
    assert_eq!(form.default_language, "default");
    let codes: Vec<&str> = form.languages.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, vec!["default", "en", "fr", "sw"]);
    let Item::Question(q) = &form.items[0] else {
        panic!("question")
    };
    assert_eq!(q.label.0.get("default").map(String::as_str), Some("Plain"));
    assert_eq!(
        q.hint,
        text(&[("fr", "Indice")]),
        "`fr` and `French` are one language"
    );

    // With a default language, unsuffixed text belongs to it (suffixed text wins).
    let settings: &[&[&str]] = &[&["default_language"], &["English"]];
    let form = import(&[("survey", survey), ("settings", settings)])
        .unwrap_or_else(|e| panic!("{e}"))
        .form;
    assert_eq!(form.default_language, "en");
    let codes: Vec<&str> = form.languages.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, vec!["en", "fr", "sw"]);
    let Item::Question(q) = &form.items[0] else {
        panic!("question")
    };
    assert_eq!(q.label.0.get("en").map(String::as_str), Some("English"));
    assert_eq!(
        form.title,
        text(&[("en", "test_form")]),
        "title defaults to the id, from the file name"
    );
    assert_eq!(form.version, "1");
}

#[test]
fn csv_variant() {
    let csv = "survey,,,,\n\
               ,type,name,label::English (en),relevant\n\
               ,select_one yn,ok,Is it OK?,\n\
               ,text,why,Why?,${ok} = 'no'\n\
               ,,,,\n\
               choices,,,,\n\
               ,list_name,name,label::English (en),\n\
               ,yn,yes,Yes,\n\
               ,yn,no,No,\n\
               settings,,,,\n\
               ,form_id,version,,\n\
               ,from_csv,3,,\n";
    let imported = import_bytes("my form.csv", csv.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let form = imported.form;
    assert_eq!((form.id.as_str(), form.version.as_str()), ("from_csv", "3"));
    assert_eq!(form.choices["yn"].len(), 2);
    assert_eq!(form.items.len(), 2);
    assert_eq!(imported.warnings, vec![]);

    let err =
        import_bytes("broken.csv", b"survey,,\n,type,name\n,selct_one yn,q\n").expect_err("typo");
    assert_eq!(
        err.to_string(),
        "survey row 3, column type: unknown type `selct_one`; did you mean `select_one`?"
    );

    let md = "| survey |\n| | type | name | label |\n| | integer | n | N |\n";
    let form = import_bytes("t.md", md.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"))
        .form;
    assert_eq!(form.items.len(), 1);
}

#[test]
fn spreadsheet_repairs_are_warnings() {
    let survey: &[&[&str]] = &[
        &["type", "name", "relevant", "calculation"],
        &["select_one l", "a"],
        &["text", "b", "${a} = ‘x’"],
        &["text", "c", "false"],
        &[
            "calculate",
            "d",
            "",
            "jr:itext(instance('l')/root/item[name = ${a}]/itextId)",
        ],
        &[
            "calculate",
            "e",
            "",
            "count(instance('l')/root/item[name = ${a}])",
        ],
    ];
    let choices: &[&[&str]] = &[&["list_name", "name"], &["l", "x"]];
    let imported =
        import(&[("survey", survey), ("choices", choices)]).unwrap_or_else(|e| panic!("{e}"));
    let calc = |name: &str| {
        imported.form.walk().find_map(|i| match i {
            Item::Question(q) if q.name == name => {
                Some((q.relevant.clone(), q.calculation.clone()))
            }
            _ => None,
        })
    };
    assert_eq!(calc("b"), Some((Some("${a} = 'x'".into()), None)));
    assert_eq!(calc("c"), Some((Some("false()".into()), None)));
    assert_eq!(
        calc("d"),
        Some((None, Some("jr:choice-name(${a}, '${a}')".into())))
    );
    // Secondary instances are expressions like any other.
    assert_eq!(
        calc("e"),
        Some((
            None,
            Some("count(instance('l')/root/item[name = ${a}])".into())
        ))
    );
    assert_eq!(
        strings(&imported.warnings),
        vec![
            "survey row 3, column relevant: typographic quotes replaced by straight quotes",
            "survey row 4, column relevant: `false` read as `false()`",
            "survey row 5, column calculation: `jr:itext(instance('l')/root/item[name = ${a}]/itextId)` rewritten as `jr:choice-name(${a}, '${a}')` (secondary instances are not supported)",
            "settings: no `version`; using `1`",
        ]
    );
}

#[test]
fn names_repeated_in_different_groups_are_kept() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["text", "name", "Respondent"],
        &["begin group", "household", "Household"],
        &["text", "name", "Head"],
        &["end group"],
        &["begin repeat", "children", "Children"],
        &["text", "name", "Child"],
        &["integer", "age", "Age"],
        &["end repeat"],
        &["text", "children_name", "Other"],
    ];
    let imported = import(&[("survey", survey)]).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = imported.form.walk().map(|i| i.name()).collect();
    assert_eq!(
        names,
        vec![
            "name",
            "household",
            "name",
            "children",
            "name",
            "age",
            "children_name"
        ]
    );
    assert!(
        imported
            .warnings
            .iter()
            .all(|w| !w.to_string().contains("renamed"))
    );
    let compiled =
        fieldform_engine::compile::compile(&imported.form).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(compiled.lookup("name"), None, "ambiguous");
    let paths: Vec<String> = compiled
        .named("name")
        .into_iter()
        .map(|f| compiled.path_of(f))
        .collect();
    assert_eq!(paths, vec!["name", "household/name", "children/name"]);
}

#[test]
fn notes_without_a_name_are_named_after_their_row() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["text", "a", "A"],
        &["note", "", "Thank you"],
    ];
    let imported = import(&[("survey", survey)]).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = imported.form.walk().map(|i| i.name()).collect();
    assert_eq!(names, vec!["a", "generated_note_name_3"]);
}

#[test]
fn a_bare_name_that_is_no_field_is_empty_with_a_warning() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "calculation"],
        &["integer", "a", "A", ""],
        &["integer", "x", "X", ""],
        &["calculate", "c", "", "if(${a} > 1, ${x} * 30, null)"],
    ];
    let imported = import(&[("survey", survey)]).unwrap_or_else(|e| panic!("{e}"));
    let warnings = strings(&imported.warnings);
    assert!(
        warnings.contains(&"survey row 4, column calculation: `null` at position 24 names no field; it evaluates as empty, as in ODK".to_owned()),
        "{warnings:?}"
    );
    let compiled =
        fieldform_engine::compile::compile(&imported.form).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        compiled
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            "field `c`, calculation: `null` at position 24 names no field; it evaluates as empty, as in ODK"
        ]
    );
}

/// A minimal OpenDocument spreadsheet: what calamine needs and nothing more.
fn ods(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    use std::io::Write;
    use zip::write::{SimpleFileOptions, ZipWriter};
    let mut tables = String::new();
    for (name, rows) in sheets {
        tables.push_str(&format!("<table:table table:name=\"{name}\">"));
        for row in *rows {
            tables.push_str("<table:table-row>");
            for cell in *row {
                match cell.parse::<f64>() {
                    Ok(n) => tables.push_str(&format!(
                        "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{cell}</text:p></table:table-cell>"
                    )),
                    Err(_) => tables.push_str(&format!(
                        "<table:table-cell office:value-type=\"string\"><text:p>{cell}</text:p></table:table-cell>"
                    )),
                }
            }
            tables.push_str("</table:table-row>");
        }
        tables.push_str("</table:table>");
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
         <office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
        </manifest:manifest>";
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(name, stored).expect("zip entry");
        zip.write_all(data.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

#[test]
fn ods_workbooks() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label::Español (es)"],
        &["select_one yn", "ok", "¿Está bien?"],
        &["integer", "n", "Número"],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label::Español (es)"],
        &["yn", "1", "Sí"],
    ];
    let bytes = ods(&[("survey", survey), ("choices", choices)]);
    let form = import_bytes("encuesta.ods", &bytes)
        .unwrap_or_else(|e| panic!("{e}"))
        .form;
    assert_eq!(form.id, "encuesta");
    assert_eq!(form.default_language, "es");
    assert_eq!(form.choices["yn"][0].name, "1");
    assert_eq!(form.choices["yn"][0].label, text(&[("es", "Sí")]));
    assert_eq!(form.items.len(), 2);
}

#[test]
fn the_other_answer_of_an_or_other_select_can_be_referenced() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "relevant"],
        &["select_one yn or_other", "sex", "Sex"],
        &["note", "n", "You said ${sex_other}", "${sex_other} != ''"],
    ];
    let choices: &[&[&str]] = &[&["list_name", "name", "label"], &["yn", "y", "Yes"]];
    let imported = import(&[("survey", survey), ("choices", choices)]).expect("imports");
    // The form keeps only the flag; the engine adds the question.
    assert_eq!(imported.form.items.len(), 2);
    let compiled = fieldform_engine::compile::compile(&imported.form).expect("compiles");
    assert!(compiled.lookup("sex_other").is_some());
}
