//! External data end to end: files attached, compiled, filled in.

use std::sync::Arc;

use serde_json::{Value as Json, json};
use wasm_bindgen_test::wasm_bindgen_test;

use super::{AttachmentError, Attachments, compile_with};
use crate::compile::{CompiledForm, NodeKind};
use crate::env::FixedEnvironment;
use crate::model::Form;
use crate::state::FormState;
use crate::testing::{form, q};

fn env() -> FixedEnvironment {
    FixedEnvironment::default()
}

fn files(list: &[(&str, &str)]) -> Attachments {
    let mut a = Attachments::new();
    for (name, text) in list {
        a.add(name, text.as_bytes()).expect("valid attachment");
    }
    a
}

fn compiled_with(f: &Form, a: &Attachments) -> Arc<CompiledForm> {
    match compile_with(f, a) {
        Ok(c) => Arc::new(c),
        Err(errors) => panic!(
            "should compile: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn errors_with(f: &Form, a: &Attachments) -> Vec<String> {
    match compile_with(f, a) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn state(items: Json, choices: Json, a: &Attachments) -> FormState {
    FormState::new(compiled_with(&form(items, choices), a), &env())
}

fn names(s: &FormState, path: &str) -> Vec<String> {
    s.choices(s.node(path).expect("node"))
        .iter()
        .map(|c| c.name.clone())
        .collect()
}

fn labels(s: &FormState, path: &str) -> Vec<String> {
    s.choices(s.node(path).expect("node"))
        .iter()
        .map(|c| c.label.get("en", "en").unwrap_or_default().to_owned())
        .collect()
}

fn value(s: &FormState, path: &str) -> String {
    s.value(s.node(path).expect("node")).to_owned()
}

const LGAS: &str =
    "name,label,state\naba_n,Aba North,abia\naba_s,Aba South,abia\nafikpo_n,Afikpo North,ebonyi\n";
const WARDS: &str =
    "name,label,lga\neziama,Eziama,aba_n\numuogor,Umuogor,aba_n\nezeke,Ezeke amasiri,afikpo_n\n";

/// The example of ODK's form-datasets page: one internal select, then two
/// selects from CSV files, each filtered by the one before.
#[wasm_bindgen_test(unsupported = test)]
fn selects_from_csv_files_cascade() {
    let a = files(&[("lgas.csv", LGAS), ("wards.csv", WARDS)]);
    let mut s = state(
        json!([
            q("state", "select_one", json!({ "choices": "states" })),
            q(
                "lga",
                "select_one",
                json!({ "choices_file": "lgas.csv", "choice_filter": "state=${state}" })
            ),
            q(
                "wards",
                "select_multiple",
                json!({ "choices_file": "wards.csv", "choice_filter": "lga=${lga}" })
            ),
        ]),
        json!({ "states": [{ "name": "abia" }, { "name": "ebonyi" }] }),
        &a,
    );
    assert!(names(&s, "lga").is_empty());
    s.set("state", "abia", &env()).expect("set");
    assert_eq!(names(&s, "lga"), ["aba_n", "aba_s"]);
    assert_eq!(labels(&s, "lga"), ["Aba North", "Aba South"]);
    s.set("lga", "aba_n", &env()).expect("set");
    assert_eq!(names(&s, "wards"), ["eziama", "umuogor"]);
    s.set("state", "ebonyi", &env()).expect("set");
    assert_eq!(names(&s, "lga"), ["afikpo_n"]);
    // The filters are conjunctions of equalities: answered from an index.
    let form = s.form();
    let lga = form.lookup("lga").expect("lga");
    let index = form
        .field(lga)
        .props
        .choice_index
        .as_ref()
        .expect("indexed");
    assert!(index.exact);
    assert!(form.node_of(lga, NodeKind::Choices).is_some());
}

#[wasm_bindgen_test(unsupported = test)]
fn parameters_choose_the_value_and_label_columns() {
    let a = files(&[(
        "hospitals.csv",
        "feature_id,human_name\nhospital_a,Hospital A\nhospital_b,Hospital B\n",
    )]);
    let s = state(
        json!([q(
            "hospital",
            "select_one",
            json!({
                "choices_file": "hospitals.csv",
                "parameters": { "value": "feature_id", "label": "human_name" }
            })
        )]),
        json!({}),
        &a,
    );
    assert_eq!(names(&s, "hospital"), ["hospital_a", "hospital_b"]);
    assert_eq!(labels(&s, "hospital"), ["Hospital A", "Hospital B"]);
    // A select_multiple stores its values separated by spaces.
    let spaced = files(&[("h.csv", "name,label\na,A\nb c,B\n")]);
    let f = form(
        json!([q(
            "h",
            "select_multiple",
            json!({ "choices_file": "h.csv" })
        )]),
        json!({}),
    );
    assert_eq!(
        errors_with(&f, &spaced),
        [
            "attachment `h.csv`: item 2: value `b c` contains a space, which the select_multiple `h` cannot store"
        ]
    );
    // Without parameters the columns must be `name` and `label`.
    let f = form(
        json!([q(
            "hospital",
            "select_one",
            json!({ "choices_file": "hospitals.csv" })
        )]),
        json!({}),
    );
    assert_eq!(
        errors_with(&f, &a),
        [
            "field `hospital`: `hospitals.csv` has no column `name` for the choice value (its columns: feature_id, human_name); name the column with parameters `value=...`",
            "field `hospital`: `hospitals.csv` has no column `label` for the choice label (its columns: feature_id, human_name); name the column with parameters `label=...`",
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_missing_or_unknown_file_is_a_load_error_naming_it() {
    let f = form(
        json!([
            q("lga", "select_one", json!({ "choices_file": "lgas.csv" })),
            q(
                "pop",
                "calculate",
                json!({ "calculation": "pulldata('people', 'pop', 'name', ${lga})" })
            ),
            q(
                "x",
                "calculate",
                json!({ "calculation": "instance('nowhere')/root/item[name = 'a']/label" })
            ),
            q("img", "select_one", json!({ "choices_file": "map.png" })),
        ]),
        json!({}),
    );
    assert_eq!(
        f.attachment_names().into_iter().collect::<Vec<_>>(),
        ["lgas.csv", "map.png", "people.csv"]
    );
    let a = files(&[("lgas.csv", LGAS)]);
    assert_eq!(
        errors_with(&f, &a),
        [
            "attachment `map.png`: only .csv, .xml and .geojson files can be used as form data",
            "attachment `people.csv`: the form needs this file, but it was not given with the form",
            "field `x`, calculation: instance `nowhere` at position 0 is neither a choice list nor an attached file (attach `nowhere.csv` with a `csv-external` row, or use it in `select_one_from_file`)",
        ]
    );
    // Paths are checked against the file they read.
    let f = form(
        json!([
            q("lga", "select_one", json!({ "choices_file": "lgas.csv" })),
            q(
                "x",
                "calculate",
                json!({ "calculation": "instance('lgas')/root/item[name = ${lga}]/population" })
            ),
            q(
                "y",
                "calculate",
                json!({ "calculation": "count(instance('lgas')/data/row)" })
            ),
            q(
                "z",
                "calculate",
                json!({ "calculation": "pulldata('lgas', 'pop', 'name', ${lga})" })
            ),
        ]),
        json!({}),
    );
    assert_eq!(
        errors_with(&f, &a),
        [
            "field `x`, calculation: instance `lgas` at position 0: it has no column `population` (its columns: name, label, state)",
            "field `y`, calculation: instance `lgas` at position 6: its items are `/root/item`, not `/data/row`",
            "field `z`, calculation: instance `lgas` at position 0: it has no column `pop` (its columns: name, label, state)",
        ]
    );
    // `compile` is `compile_with` no attachments.
    let plain = crate::compile::compile(&f).expect_err("needs files");
    assert!(
        plain
            .iter()
            .any(|e| e.to_string().starts_with("attachment `lgas.csv`"))
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn lookups_in_datasets_as_odk_documents_them() {
    let people = "name,label,place,visits\nda0e,Xue,c213,1\nc51c,Dia,c213,3\nf00d,Ana,f1ad,2\n";
    let places =
        "name,label,population,enumerator\nc213,Ifedore,270900,6234\nf1ad,Magama,311300,2742\n";
    let a = files(&[("people.csv", people), ("places.csv", places)]);
    let mut f = form(
        json!([
            q(
                "participant",
                "select_one",
                json!({ "choices_file": "people.csv" })
            ),
            q(
                "assigned_place",
                "calculate",
                json!({ "calculation": "instance(\"people\")/root/item[name=${participant}]/place" })
            ),
            q(
                "place_label",
                "calculate",
                json!({ "calculation": "instance('places')/root/item[name=${assigned_place}]/label" })
            ),
            q(
                "by_enumerator",
                "calculate",
                json!({ "calculation": "instance('places')/root/item[enumerator='6234']/label" })
            ),
            q("threshold", "integer", json!({})),
            q(
                "big",
                "calculate",
                json!({ "calculation": "count(instance('places')/root/item[population > ${threshold}])" })
            ),
            q(
                "total",
                "calculate",
                json!({ "calculation": "sum(instance('places')/root/item[population > ${threshold}]/population)" })
            ),
            q(
                "second",
                "calculate",
                json!({ "calculation": "instance('people')/root/item[place = 'c213'][2]/label" })
            ),
            q(
                "pulled",
                "calculate",
                json!({ "calculation": "pulldata('places', 'population', 'name', ${assigned_place})" })
            ),
            q(
                "yes_label",
                "calculate",
                json!({ "calculation": "instance('yes_no')/root/item[name = 'y']/label" })
            ),
            q(
                "both",
                "calculate",
                json!({ "calculation": "instance('people')/root/item[place = 'c213' and visits > 2]/label" })
            ),
            q(
                "last",
                "calculate",
                json!({ "calculation": "instance('people')/root/item[last()]/label" })
            ),
            q(
                "none",
                "calculate",
                json!({ "calculation": "count(instance('people')/root/item[visits > 9 and place = 'c213'])" })
            ),
        ]),
        json!({ "yes_no": [{ "name": "y", "label": { "en": "Yes", "ro": "Da" } }, { "name": "n", "label": { "en": "No" } }] }),
    );
    f.external_instances.insert("places.csv".into());
    let mut s = FormState::new(compiled_with(&f, &a), &env());
    assert_eq!(value(&s, "by_enumerator"), "Ifedore");
    assert_eq!(value(&s, "assigned_place"), "");
    assert_eq!(value(&s, "yes_label"), "Yes");
    assert_eq!(value(&s, "both"), "Dia");
    assert_eq!(value(&s, "last"), "Ana");
    assert_eq!(value(&s, "none"), "0");
    s.set("participant", "c51c", &env()).expect("set");
    assert_eq!(value(&s, "assigned_place"), "c213");
    assert_eq!(value(&s, "place_label"), "Ifedore");
    assert_eq!(value(&s, "pulled"), "270900");
    assert_eq!(value(&s, "second"), "Dia");
    s.set("threshold", "280000", &env()).expect("set");
    assert_eq!(value(&s, "big"), "1");
    assert_eq!(value(&s, "total"), "311300");
    s.set("threshold", "0", &env()).expect("set");
    assert_eq!(value(&s, "big"), "2");
    assert_eq!(value(&s, "total"), "582200");
    s.set_language("ro", &env()).expect("ro");
    assert_eq!(value(&s, "yes_label"), "Da");
    // Incremental results equal a recomputation from scratch.
    let before = s.snapshot();
    s.recompute_all(&env());
    assert_eq!(s.snapshot(), before);
}

#[wasm_bindgen_test(unsupported = test)]
fn geojson_and_xml_files() {
    let museums = r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.0801379, 46.5841618]},
         "properties": {"id": "fs87b", "title": "HR Giger Museum"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.5, 47.3]},
         "properties": {"id": "zh01", "title": "Landesmuseum"}}
    ]}"#;
    let cities = "<root><item><name>ch</name><label>Chișinău</label><country>md</country></item><item><name>ia</name><label>Iași</label><country>ro</country></item></root>";
    let a = files(&[("museums.geojson", museums), ("cities.xml", cities)]);
    let mut s = state(
        json!([
            q(
                "museum",
                "select_one",
                json!({ "choices_file": "museums.geojson" })
            ),
            q(
                "where",
                "calculate",
                json!({ "calculation": "instance('museums')/root/item[id=${museum}]/geometry" })
            ),
            q("country", "text", json!({})),
            q(
                "city",
                "select_one",
                json!({ "choices_file": "cities.xml", "choice_filter": "country = ${country}" })
            ),
        ]),
        json!({}),
        &a,
    );
    assert_eq!(names(&s, "museum"), ["fs87b", "zh01"]);
    assert_eq!(labels(&s, "museum"), ["HR Giger Museum", "Landesmuseum"]);
    s.set("museum", "fs87b", &env()).expect("set");
    assert_eq!(value(&s, "where"), "46.5841618 7.0801379 0 0");
    s.set("country", "ro", &env()).expect("set");
    assert_eq!(names(&s, "city"), ["ia"]);
    assert_eq!(labels(&s, "city"), ["Iași"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn select_one_external_uses_the_external_choices_sheet() {
    let mut f = form(
        json!([
            q("state", "select_one", json!({ "choices": "states" })),
            q(
                "city",
                "select_one",
                json!({ "choices": "cities", "external": true, "choice_filter": "state = ${state}" })
            ),
        ]),
        json!({ "states": [{ "name": "texas" }, { "name": "washington" }] }),
    );
    let external: Json = json!({ "cities": [
        { "name": "dumont", "label": { "en": "Dumont" }, "properties": { "state": "texas" } },
        { "name": "finney", "label": { "en": "Finney" }, "properties": { "state": "texas" } },
        { "name": "brewster", "label": { "en": "Brewster" }, "properties": { "state": "washington" } },
    ]});
    f.external_choices = serde_json::from_value(external).expect("lists");
    let mut s = FormState::new(compiled_with(&f, &Attachments::new()), &env());
    s.set("state", "texas", &env()).expect("set");
    assert_eq!(names(&s, "city"), ["dumont", "finney"]);
    // A list that is not on the external_choices sheet.
    f.external_choices.clear();
    assert_eq!(
        errors_with(&f, &Attachments::new()),
        ["field `city`: choice list `cities (external_choices)` does not exist"]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn attachments_are_bounded_and_checked_when_added() {
    let mut a = Attachments::new();
    assert_eq!(
        a.add("notes.txt", b"x"),
        Err(AttachmentError::UnsupportedType {
            file: "notes.txt".into()
        })
    );
    assert_eq!(
        a.add("x.csv", &[0xff, 0xfe]),
        Err(AttachmentError::NotText {
            file: "x.csv".into()
        })
    );
    let huge = vec![b'a'; super::limits::MAX_FILE_BYTES + 1];
    assert!(matches!(
        a.add("big.csv", &huge),
        Err(AttachmentError::TooLarge { .. })
    ));
    let many = format!("name\n{}", "a\n".repeat(super::limits::MAX_ROWS + 1));
    assert_eq!(
        a.add("many.csv", many.as_bytes())
            .map_err(|e| e.to_string()),
        Err(format!(
            "attachment `many.csv` is too large: more than {} rows",
            super::limits::MAX_ROWS
        ))
    );
    assert!(a.is_empty());
    a.add("ok.csv", b"name,label\na,A\n").expect("fine");
    assert_eq!(a.names().collect::<Vec<_>>(), ["ok.csv"]);
    // Shared between threads (the server caches them).
    fn shared<T: Send + Sync + Clone>(_: &T) {}
    shared(&a);
}

/// The case the index exists for: 40,000 villages filtered by two earlier
/// answers. After every edit the visible list equals a brute-force scan of
/// the file, and the incremental state equals a recomputation.
#[wasm_bindgen_test(unsupported = test)]
fn a_40000_row_list_filtered_by_two_answers_stays_right_after_edits() {
    let (csv, rows) = villages(20, 40, 50);
    assert_eq!(rows.len(), 40_000);
    let a = files(&[("villages.csv", &csv)]);
    let mut s = state(
        json!([
            q("state", "text", json!({})),
            q("district", "text", json!({})),
            q(
                "village",
                "select_one",
                json!({
                    "choices_file": "villages.csv",
                    "choice_filter": "state=${state} and district=${district}"
                })
            ),
            q(
                "big_only",
                "select_one",
                json!({
                    "choices_file": "villages.csv",
                    "choice_filter": "district = ${district} and population > 500 and state = ${state}"
                })
            ),
            // The same lookups through `instance()` (the file's own index).
            q(
                "big_count",
                "calculate",
                json!({ "calculation": "count(instance('villages')/root/item[state = ${state} and district = ${district} and population > 500])" })
            ),
            q(
                "first",
                "calculate",
                json!({ "calculation": "instance('villages')/root/item[district = ${district}][state = ${state}][1]/name" })
            ),
        ]),
        json!({}),
        &a,
    );
    let brute = |state: &str, district: &str, min_pop: Option<u32>| -> Vec<String> {
        rows.iter()
            .filter(|r| r.1 == state && r.2 == district && min_pop.is_none_or(|m| r.3 > m))
            .map(|r| r.0.clone())
            .collect()
    };
    let edits = [
        ("state", "s3"),
        ("district", "d3_7"),
        ("district", "d3_8"),
        ("state", "s4"),
        ("district", "d4_39"),
        ("state", ""),
        ("state", "s19"),
        ("district", "d19_0"),
        ("district", "nowhere"),
        ("state", "s4"),
        ("district", "d4_39"),
    ];
    for (field, text) in edits {
        s.set(field, text, &env()).expect("set");
        let (st, di) = (value(&s, "state"), value(&s, "district"));
        assert_eq!(
            names(&s, "village"),
            brute(&st, &di, None),
            "after {field}={text}"
        );
        assert_eq!(
            names(&s, "big_only"),
            brute(&st, &di, Some(500)),
            "after {field}={text}"
        );
        let big = brute(&st, &di, Some(500));
        assert_eq!(value(&s, "big_count"), big.len().to_string());
        let all = brute(&st, &di, None);
        assert_eq!(value(&s, "first"), all.first().cloned().unwrap_or_default());
    }
    assert_eq!(names(&s, "village").len(), 50);
    let before = s.snapshot();
    s.recompute_all(&env());
    assert_eq!(s.snapshot(), before);
    let form = s.form();
    let big = form.lookup("big_only").expect("field");
    assert!(
        !form
            .field(big)
            .props
            .choice_index
            .as_ref()
            .expect("indexed")
            .exact
    );
}

/// A CSV of `states × districts × villages` rows: (name, state, district,
/// population).
pub(crate) fn villages(
    states: usize,
    districts: usize,
    villages: usize,
) -> (String, Vec<(String, String, String, u32)>) {
    let mut csv = String::from("name,label,state,district,population\n");
    let mut rows = Vec::new();
    for s in 0..states {
        for d in 0..districts {
            for v in 0..villages {
                let name = format!("v{s}_{d}_{v}");
                let state = format!("s{s}");
                let district = format!("d{s}_{d}");
                let population = ((s * 7919 + d * 104_729 + v * 1_299_709) % 1000) as u32;
                csv.push_str(&format!(
                    "{name},Village {s}-{d}-{v},{state},{district},{population}\n"
                ));
                rows.push((name, state, district, population));
            }
        }
    }
    (csv, rows)
}

#[wasm_bindgen_test(unsupported = test)]
fn choice_lists_are_read_from_the_form_not_copied() {
    let mut f = form(
        json!([
            q("state", "select_one", json!({ "choices": "states" })),
            q(
                "city",
                "select_one",
                json!({ "choices": "cities", "external": true })
            ),
        ]),
        json!({ "states": [{ "name": "texas" }, { "name": "washington" }] }),
    );
    f.external_choices =
        serde_json::from_value(json!({ "cities": [{ "name": "dumont" }] })).expect("lists");
    let cf = compiled_with(&f, &Attachments::new());
    let field = |name| cf.lookup(name).expect("field");
    // The same rows as the compiled form's own copy of the form: no second copy.
    assert!(std::ptr::eq(
        cf.choices(field("state")),
        cf.form.choices["states"].as_slice()
    ));
    assert!(std::ptr::eq(
        cf.choices(field("city")),
        cf.form.external_choices["cities"].as_slice()
    ));
    assert_eq!(cf.choice_list(cf.choice_list_names.len()), &[]);
}
