//! Geotraces and geoshapes export as ODK Central does: one text column
//! holding the answer as stored (`lat lon alt acc` points joined by `;`),
//! while a geopoint keeps its four columns.

use std::io::{Cursor, Read};

use fieldform_engine::compile::compile;
use fieldform_engine::model::Form;
use fieldform_export::{CsvZipExport, Options, Record, RecordSink};
use serde_json::json;

fn form() -> Form {
    let q = |name: &str, kind: &str| json!({ "kind": "question", "name": name, "type": kind });
    let doc = json!({
        "format": 1, "id": "geo", "version": "1",
        "title": { "en": "Geo" },
        "languages": [{ "code": "en", "name": "English" }],
        "default_language": "en",
        "items": [q("where", "geopoint"), q("path", "geotrace"), q("plot", "geoshape")],
    });
    Form::from_json(&doc.to_string()).expect("form")
}

#[test]
fn geotrace_and_geoshape_are_one_text_column() {
    let form = compile(&form()).expect("compiles");
    let path = "47.01 28.86 80 5;47.02 28.87 81 4";
    let plot = "0 0 0 0;0 1 0 0;1 1 0 0;0 0 0 0";
    let record: Record = serde_json::from_value(json!({
        "instance_id": "0190a000-0000-7000-8000-000000000001",
        "revision": 1,
        "superseded": false,
        "form_version": "1",
        "submitted_by": "user:ana",
        "received_at": 0,
        "answers": { "where": "47.01 28.86 80 5", "path": path, "plot": plot },
    }))
    .expect("record");
    let mut export = CsvZipExport::new(&form, Options::default(), Vec::new()).expect("start");
    assert!(export.write(&record).expect("write"));
    let bytes = export.finish().expect("finish");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut main = String::new();
    zip.by_name("geo.csv")
        .expect("main table")
        .read_to_string(&mut main)
        .expect("utf-8");
    let mut lines = main.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("row").split(',').collect();
    let at = |column: &str| {
        let i = header.iter().position(|h| *h == column).expect(column);
        row[i]
    };
    assert_eq!(at("path"), path);
    assert_eq!(at("plot"), plot);
    assert_eq!(at("where-Latitude"), "47.01");
    assert!(!header.iter().any(|h| h.starts_with("path-")), "{header:?}");
}
