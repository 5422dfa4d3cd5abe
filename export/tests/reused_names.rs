//! A name used in several groups (as pyxform allows: names are unique
//! among siblings only) keeps ODK's name in every column: `name` at the
//! top, `household-name` in the group, `name` in the repeat's table.

use std::io::{Cursor, Read};

use fieldform_engine::compile::compile;
use fieldform_engine::model::Form;
use fieldform_export::{CsvZipExport, Options, Record, RecordSink};
use serde_json::json;

fn form() -> Form {
    let q = |name: &str| json!({ "kind": "question", "name": name, "type": "text" });
    let doc = json!({
        "format": 1, "id": "reuse", "version": "1",
        "title": { "en": "Reuse" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "items": [
            q("name"),
            { "kind": "group", "name": "household", "items": [q("name")] },
            { "kind": "repeat", "name": "member", "items": [q("name")] },
        ],
    });
    Form::from_json(&doc.to_string()).expect("form")
}

#[test]
fn reused_names_keep_odk_column_names_and_values() {
    let form = compile(&form()).expect("compiles");
    let record: Record = serde_json::from_value(json!({
        "instance_id": "0190a000-0000-7000-8000-000000000001",
        "revision": 1,
        "superseded": false,
        "form_version": "1",
        "submitted_by": "user:ana",
        "received_at": 0,
        "answers": {
            "name": "Ana",
            "household": { "name": "Popescu" },
            "member": [{ "name": "Ion" }, { "name": "Maria" }],
        },
    }))
    .expect("record");
    let mut export = CsvZipExport::new(&form, Options::default(), Vec::new()).expect("start");
    assert!(export.write(&record).expect("write"));
    let bytes = export.finish().expect("finish");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut file = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .expect(name)
            .read_to_string(&mut text)
            .expect("utf-8");
        text
    };
    let main = file("reuse.csv");
    let mut lines = main.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("row").split(',').collect();
    let at = |column: &str| {
        let i = header.iter().position(|h| *h == column).expect(column);
        row[i]
    };
    assert_eq!(at("name"), "Ana");
    assert_eq!(at("household-name"), "Popescu");
    let member = file("reuse-member.csv");
    let mut lines = member.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header[0], "name");
    let names: Vec<&str> = lines
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(names, vec!["Ion", "Maria"]);
}
