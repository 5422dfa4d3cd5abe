//! External data through the importer: types, sheets, and `check_path`
//! reading the data files beside the workbook.

use std::path::{Path, PathBuf};

use fieldform_engine::model::{Item, QuestionType};

use super::{import, strings, xlsx};
use crate::check_path;

const SURVEY: &[&[&str]] = &[
    &[
        "type",
        "name",
        "label",
        "choice_filter",
        "calculation",
        "parameters",
    ],
    &["csv-external", "people"],
    &["text", "district", "District"],
    &[
        "select_one_from_file villages.csv",
        "village",
        "Village",
        "district = ${district}",
    ],
    &[
        "select_multiple_from_file shops.geojson",
        "shops",
        "Shops",
        "",
        "",
        "value=code label=title",
    ],
    &[
        "select_one_external city",
        "city",
        "City",
        "district = ${district}",
    ],
    &[
        "calculate",
        "pop",
        "",
        "",
        "instance('villages')/root/item[name = ${village}]/pop",
    ],
    &[
        "calculate",
        "phone",
        "",
        "",
        "pulldata('people', 'phone', 'name', ${village})",
    ],
];
const EXTERNAL: &[&[&str]] = &[
    &["list_name", "name", "label", "district"],
    &["city", "a", "A", "d1"],
    &["city", "a", "A again", "d2"],
];

#[test]
fn types_and_the_external_choices_sheet_are_read() {
    let imported = import(&[("survey", SURVEY), ("external_choices", EXTERNAL)])
        .unwrap_or_else(|e| panic!("{e}"));
    let form = &imported.form;
    let q = |name: &str| {
        form.walk()
            .find_map(|i| match i {
                Item::Question(q) if q.name == name => Some(q.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{name}"))
    };
    let village = q("village");
    assert_eq!(
        (
            village.kind,
            village.choices_file.as_deref(),
            village.choices
        ),
        (QuestionType::SelectOne, Some("villages.csv"), None)
    );
    let shops = q("shops");
    assert_eq!(shops.kind, QuestionType::SelectMultiple);
    assert_eq!(
        shops.parameters.get("value").map(String::as_str),
        Some("code")
    );
    let city = q("city");
    assert!(city.external);
    assert_eq!(city.choices.as_deref(), Some("city"));
    // Duplicates are allowed there: pyxform copies the sheet unchecked.
    assert_eq!(form.external_choices["city"].len(), 2);
    assert_eq!(
        form.external_instances,
        ["people.csv".to_owned()].into_iter().collect()
    );
    // `people` names a file, not a field.
    assert!(!form.walk().any(|i| i.name() == "people"));
    assert_eq!(
        strings(&imported.warnings),
        ["settings: no `version`; using `1`"]
    );
    assert_eq!(
        form.attachment_names().into_iter().collect::<Vec<_>>(),
        ["people.csv", "shops.geojson", "villages.csv"]
    );
}

#[test]
fn mistakes_are_located() {
    let survey: &[&[&str]] = &[
        &["type", "name"],
        &["select_one_external town", "t"],
        &["select_one_from_file v.txt", "v"],
        &["csv-external", ""],
        &["select_one_from_file v.csv or_other", "w"],
    ];
    let err = import(&[("survey", survey), ("external_choices", EXTERNAL)]).expect_err("errors");
    assert_eq!(
        strings(&err.errors),
        [
            "survey row 2, column type: choice list `town` is not on the external_choices sheet",
            "survey row 3, column type: the file of `select_one_from_file v.txt` must end with .csv, .xml or .geojson",
            "survey row 4, column name: `csv-external` needs the file name without `.csv` in the name column",
            "survey row 5, column type: `or_other` cannot follow `select_one_from_file`: its \"Other\" choice must be on the choices sheet (use select_one)",
        ]
    );
}

/// A directory of its own under the system's temporary directory, removed
/// when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("fieldform-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn check_reads_the_data_files_beside_the_workbook() {
    let dir = TempDir::new("check-external");
    let workbook = dir.write(
        "villages_form.xlsx",
        &xlsx(&[("survey", SURVEY), ("external_choices", EXTERNAL)]),
    );
    // None of the files: the form is fine, the files are to be published.
    let report = check_path(&workbook);
    assert!(report.is_ok(), "{:?}", report.errors);
    let missing: Vec<String> = strings(&report.warnings)
        .into_iter()
        .filter(|w| w.contains("is not beside"))
        .collect();
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(
        missing[0].starts_with("attachment `people.csv` is not beside the form file"),
        "{missing:?}"
    );

    // The files are checked when they are there.
    dir.write("people.csv", b"name,phone\nv1,555\n");
    dir.write(
        "shops.geojson",
        br#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {"code": "s1", "title": "Shop"}}]}"#,
    );
    dir.write("villages.csv", b"name,label,region\nv1,V1,r1\n");
    let report = check_path(&workbook);
    assert_eq!(
        strings(&report.errors),
        [
            "field `pop`, calculation: instance `villages` at position 0: it has no column `pop` (its columns: name, label, region)",
        ]
    );
    // A filter's bare name that is no column reads as empty, as in ODK.
    dir.write("villages.csv", b"name,label,region,pop\nv1,V1,r1,10\n");
    let report = check_path(&workbook);
    assert!(report.is_ok(), "{:?}", report.errors);
    assert!(
        strings(&report.warnings).contains(
            &"survey row 4, column choice_filter: `district` at position 0 is not a column of choice list `villages.csv`, so it evaluates as empty, as in ODK".to_owned()
        ),
        "{:?}",
        report.warnings
    );
    dir.write("villages.csv", b"name,label,district,pop\nv1,V1,d1,10\n");
    let report = check_path(&workbook);
    assert!(report.is_ok(), "{:?}", report.errors);
    assert!(
        !strings(&report.warnings)
            .iter()
            .any(|w| w.contains("attachment"))
    );
    dir.write("villages.csv", b"name,label\n\"v1,V1\n");
    let report = check_path(&workbook);
    assert_eq!(
        strings(&report.errors),
        ["attachment `villages.csv` is malformed: line 2: a quoted field is not closed"]
    );
    assert!(dir.path().exists());
}

#[test]
fn an_unused_external_choices_sheet_with_problems_is_ignored() {
    let survey: &[&[&str]] = &[&["type", "name"], &["text", "t"]];
    let external: &[&[&str]] = &[&["name", "label"], &["a", "A"]];
    let imported = import(&[("survey", survey), ("external_choices", external)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(imported.form.external_choices.is_empty());
    assert_eq!(
        strings(&imported.warnings),
        [
            "settings: no `version`; using `1`",
            "external_choices: no select_one_external uses this sheet, and it cannot be read; ignored",
        ]
    );
    // Used, its problems are errors.
    let survey: &[&[&str]] = &[&["type", "name"], &["select_one_external l", "t"]];
    let err = import(&[("survey", survey), ("external_choices", external)]).expect_err("errors");
    assert!(
        strings(&err.errors).contains(&"external_choices: no `list_name` column".to_owned()),
        "{:?}",
        strings(&err.errors)
    );
}
