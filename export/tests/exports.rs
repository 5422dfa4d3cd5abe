//! The exports of both shipped forms for a fixed set of responses
//! (`tests/fixtures/*.records.json`: repeats, select_multiple, the
//! `entity`/`entity_other` "other" pattern, answers left out because they
//! were not relevant, and a corrected response whose first revision is
//! superseded), compared with expected files in `tests/expected/`, which
//! were checked by hand against the fixtures and the forms.
//!
//! `FIELDFORM_BLESS=1 cargo test -p fieldform-export` rewrites the expected
//! files; check every changed line by hand before keeping them.

mod common;

use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use common::unzip;
use fieldform_engine::compile::{CompiledForm, compile};
use fieldform_engine::env::FixedEnvironment;
use fieldform_engine::model::Form;
use fieldform_engine::response::{Meta, Response, Status};
use fieldform_engine::state::FormState;
use fieldform_export::{
    CsvZipExport, ExportError, JsonExport, JsonFormat, Options, Record, RecordSink, SelectMultiple,
    Values, XlsxExport,
};

const FORMS: [&str; 2] = ["ggs_household", "ssc_annual_report"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn form(id: &str) -> CompiledForm {
    let path = root().join(format!("../forms/{id}.form.json"));
    let text = std::fs::read_to_string(&path).expect("shipped form");
    compile(&Form::from_json(&text).expect("form file")).expect("form compiles")
}

fn records(id: &str) -> Vec<Record> {
    let path = root().join(format!("tests/fixtures/{id}.records.json"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("records")
}

/// Compares `actual` with `tests/expected/<name>`, or writes it when
/// blessing.
fn expect(name: &str, actual: &str) {
    let path = root().join("tests/expected").join(name);
    if std::env::var_os("FIELDFORM_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, actual).expect("bless");
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        expected == actual,
        "{name} differs from the expected file:\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

fn export_all(sink: &mut dyn RecordSink, records: &[Record]) -> usize {
    records
        .iter()
        .filter(|r| sink.write(r).expect("export"))
        .count()
}

fn csv_zip(form: &CompiledForm, options: Options, records: &[Record]) -> Vec<(String, String)> {
    let mut export = CsvZipExport::new(form, options, Vec::new()).expect("start");
    export_all(&mut export, records);
    unzip(&export.finish().expect("finish"))
}

#[test]
fn fixtures_are_responses_the_engine_loads() {
    for id in FORMS {
        let form = Arc::new(form(id));
        for r in records(id) {
            let response = Response {
                instance_id: r.instance_id.clone(),
                form_id: id.to_owned(),
                form_version: r.form_version.clone(),
                status: Status::Submitted,
                meta: Meta::default(),
                answers: r.answers.clone(),
            };
            FormState::from_response(form.clone(), &response, &FixedEnvironment::default())
                .unwrap_or_else(|e| panic!("{id} {}: {e}", r.instance_id));
        }
    }
}

#[test]
fn csv_zip_matches_the_expected_files() {
    for id in FORMS {
        let files = csv_zip(&form(id), Options::default(), &records(id));
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let expected_names: Vec<String> = match id {
            "ggs_household" => vec![
                "ggs_household.csv",
                "ggs_household-hh_member.csv",
                "ggs_household-child.csv",
                "ggs_household-codebook.csv",
                "ggs_household-choices.csv",
            ],
            _ => vec![
                "ssc_annual_report.csv",
                "ssc_annual_report-good_practice.csv",
                "ssc_annual_report-codebook.csv",
                "ssc_annual_report-choices.csv",
            ],
        }
        .into_iter()
        .map(str::to_owned)
        .collect();
        assert_eq!(names, expected_names);
        for (name, text) in &files {
            expect(&format!("{id}/{name}"), text);
        }
    }
}

#[test]
fn split_select_multiple_labels_and_superseded_revisions() {
    let options = Options {
        values: Values::Labels {
            language: "ro".into(),
        },
        select_multiple: SelectMultiple::Split,
        include_superseded: true,
        codebook_in_zip: false,
        ..Options::default()
    };
    let files = csv_zip(&form("ggs_household"), options, &records("ggs_household"));
    assert_eq!(files.len(), 3, "no codebook when asked not to");
    for (name, text) in &files {
        expect(&format!("ggs_household/split-labels-ro/{name}"), text);
    }
}

#[test]
fn filters_apply_to_every_export() {
    let form = form("ggs_household");
    let options = Options {
        // Received on 2 March only: the corrected revision came on the 3rd.
        received_from: Some(1_772_409_600_000),
        received_before: Some(1_772_496_000_000),
        include_superseded: true,
        review: Some(vec![fieldform_export::ReviewStatus::HasIssues]),
        ..Options::default()
    };
    let mut json = JsonExport::new(&form, options, JsonFormat::Lines, Vec::new()).expect("start");
    assert_eq!(export_all(&mut json, &records("ggs_household")), 1);
    let text = String::from_utf8(json.finish().expect("finish")).expect("UTF-8");
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains(r#""revision":1,"superseded":true"#), "{text}");
}

#[test]
fn json_and_ndjson_match_the_expected_files() {
    for id in FORMS {
        let form = form(id);
        for (format, ext) in [(JsonFormat::Array, "json"), (JsonFormat::Lines, "ndjson")] {
            let mut export =
                JsonExport::new(&form, Options::default(), format, Vec::new()).expect("start");
            export_all(&mut export, &records(id));
            let text = String::from_utf8(export.finish().expect("finish")).expect("UTF-8");
            expect(&format!("{id}/{id}.{ext}"), &text);
        }
    }
    let form = form("ssc_annual_report");
    let empty = JsonExport::new(&form, Options::default(), JsonFormat::Array, Vec::new())
        .expect("start")
        .finish()
        .expect("finish");
    assert_eq!(empty, b"[]\n");
}

/// A cell as the CSV has it: calamine gives numbers as floats.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => panic!("unexpected cell {other:?}"),
    }
}

#[test]
fn xlsx_read_back_matches_the_expected_tables() {
    for id in FORMS {
        let form = form(id);
        let mut export = XlsxExport::new(&form, Options::default()).expect("start");
        export_all(&mut export, &records(id));
        let bytes = export.finish(Vec::new()).expect("finish");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an xlsx");
        let sheets = book.sheet_names();
        let tables: Vec<(String, String)> = match id {
            "ggs_household" => vec![
                ("ggs_household", "ggs_household.csv"),
                ("hh_member", "ggs_household-hh_member.csv"),
                ("child", "ggs_household-child.csv"),
                ("codebook", "ggs_household-codebook.csv"),
                ("choices", "ggs_household-choices.csv"),
            ],
            _ => vec![
                ("ssc_annual_report", "ssc_annual_report.csv"),
                ("good_practice", "ssc_annual_report-good_practice.csv"),
                ("codebook", "ssc_annual_report-codebook.csv"),
                ("choices", "ssc_annual_report-choices.csv"),
            ],
        }
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        assert_eq!(
            sheets,
            tables.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>()
        );
        for (sheet, file) in tables {
            let range = book.worksheet_range(&sheet).expect("sheet");
            let expected_path = root().join(format!("tests/expected/{id}/{file}"));
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_path(&expected_path)
                .expect("expected CSV");
            let expected: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.expect("row").iter().map(str::to_owned).collect())
                .collect();
            let width = expected.first().map_or(0, Vec::len);
            let actual: Vec<Vec<String>> = range
                .rows()
                .map(|row| {
                    let mut cells: Vec<String> = row.iter().map(cell_text).collect();
                    cells.resize(width, String::new());
                    cells
                })
                .collect();
            assert_eq!(actual, expected, "sheet {sheet} of {id}");
        }
    }
}

#[test]
fn xlsx_numbers_are_numbers() {
    let form = form("ssc_annual_report");
    let mut export = XlsxExport::new(&form, Options::default()).expect("start");
    export_all(&mut export, &records("ssc_annual_report"));
    let bytes = export.finish(Vec::new()).expect("finish");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an xlsx");
    let range = book.worksheet_range("ssc_annual_report").expect("sheet");
    let header: Vec<String> = range
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(cell_text)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let row = range.rows().nth(1).expect("row");
    assert_eq!(row[col("resources-budget_share")], Data::Float(12.5));
    assert_eq!(row[col("entity_info-report_year")], Data::Float(2025.0));
    // Text stays text, even when it looks like a number.
    assert_eq!(row[col("FormVersion")], Data::String("2026.1".into()));
}

#[test]
fn labels_in_a_language_the_form_lacks_are_refused() {
    let options = Options {
        values: Values::Labels {
            language: "de".into(),
        },
        ..Options::default()
    };
    let err = CsvZipExport::new(&form("ggs_household"), options, Vec::new())
        .err()
        .expect("refused");
    assert!(matches!(err, ExportError::UnknownLanguage { .. }));
    assert_eq!(
        err.to_string(),
        "labels in `de` were asked for, but the form's languages are en, ro, ru"
    );
}

/// Counts what reaches the writer, and when.
struct Meter {
    bytes: Arc<std::sync::atomic::AtomicUsize>,
}

impl Write for Meter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes
            .fetch_add(buf.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// 20,000 households: the zip and the JSON reach the writer while records
/// are still coming, in proportion to them, rather than all at the end;
/// the exports keep no record (a record is borrowed only while written).
#[test]
fn twenty_thousand_records_are_streamed() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let form = form("ggs_household");
    let template = records("ggs_household").remove(1);
    let n = 20_000;
    let record = |i: usize| {
        let mut r = template.clone();
        r.instance_id = format!("0195a1b2-0000-7000-8000-{i:012x}");
        r.received_at += i as i64 * 1000;
        r
    };
    for kind in ["zip", "ndjson"] {
        let bytes = Arc::new(AtomicUsize::new(0));
        let meter = Meter {
            bytes: bytes.clone(),
        };
        let mut sink: Box<dyn RecordSink> = match kind {
            "zip" => Box::new(CsvZipExport::new(&form, Options::default(), meter).expect("start")),
            _ => Box::new(
                JsonExport::new(&form, Options::default(), JsonFormat::Lines, meter)
                    .expect("start"),
            ),
        };
        let mut at_half = 0;
        for i in 0..n {
            sink.write(&record(i)).expect("write");
            if i == n / 2 {
                at_half = bytes.load(Ordering::Relaxed);
            }
        }
        let before_finish = bytes.load(Ordering::Relaxed);
        drop(sink);
        // Half the records in, at least two fifths of what the first half
        // makes has gone out (compression holds some back).
        assert!(
            at_half * 5 >= before_finish * 2,
            "{kind}: {at_half} bytes out at half way, {before_finish} before finishing"
        );
        assert!(at_half > 10_000, "{kind}: only {at_half} bytes at half way");
    }
}

/// A form with `or_other` selects (the shipped forms spell their "other"
/// out as a choice and a question): the compiler's `<name>_other` question
/// gets its column, `other` its split column, label and codebook row.
#[test]
fn or_other_selects_export_their_other_choice_and_answer() {
    let form: Form = serde_json::from_value(serde_json::json!({
        "format": 1, "id": "oo", "version": "1", "title": {"en": "Other"},
        "languages": [{"code": "en", "name": "English"}, {"code": "fr", "name": "Français"}],
        "default_language": "en",
        "choices": {"fruit": [
            {"name": "apple", "label": {"en": "Apple", "fr": "Pomme"}},
            {"name": "pear", "label": {"en": "Pear", "fr": "Poire"}}]},
        "items": [
            {"kind": "question", "name": "fav", "type": "select_one", "choices": "fruit",
             "or_other": true, "label": {"en": "Favourite", "fr": "Préféré"}},
            {"kind": "question", "name": "eaten", "type": "select_multiple", "choices": "fruit",
             "or_other": true, "label": {"en": "Eaten", "fr": "Mangé"}}]
    }))
    .expect("form");
    let form = compile(&form).expect("compiles");
    let record: Record = serde_json::from_value(serde_json::json!({
        "instance_id": "0195a1b2-0000-7000-8000-000000000001", "revision": 1,
        "superseded": false, "form_version": "1", "submitted_by": "user:ana",
        "received_at": 0,
        "answers": {"fav": "other", "fav_other": "Quince", "eaten": "apple other",
                    "eaten_other": "Fig"}
    }))
    .expect("record");
    let options = Options {
        values: Values::Labels {
            language: "fr".into(),
        },
        select_multiple: SelectMultiple::Split,
        ..Options::default()
    };
    let files = csv_zip(&form, options, &[record]);
    let main: Vec<&str> = files[0].1.lines().collect();
    assert_eq!(
        main[0],
        "SubmissionDate,fav,fav_other,eaten,eaten/apple,eaten/pear,eaten/other,eaten_other,\
         meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,\
         Status,ReviewState,DeviceID,Edits,FormVersion"
    );
    assert_eq!(
        main[1],
        "1970-01-01T00:00:00.000Z,Autre,Quince,Pomme; Autre,1,0,1,Fig,\
         uuid:0195a1b2-0000-7000-8000-000000000001,uuid:0195a1b2-0000-7000-8000-000000000001,\
         user:ana,ana,0,0,,,,0,1"
    );
    let (name, choices) = &files[2];
    assert_eq!(name, "oo-choices.csv");
    assert_eq!(
        choices,
        "list_name,value,label::English (en),label::Français (fr)\n\
         fruit,apple,Apple,Pomme\nfruit,pear,Pear,Poire\nfruit,other,Other,Autre\n"
    );
    let (name, codebook) = &files[1];
    assert_eq!(name, "oo-codebook.csv");
    assert!(
        codebook.contains("oo,eaten/other,eaten,0/1,fruit,other,Eaten / Other,Mangé / Autre\n"),
        "{codebook}"
    );
    assert!(
        codebook.contains("oo,fav_other,fav_other,text,,,Specify other.,Précisez « autre ».\n"),
        "{codebook}"
    );
}

/// 20,000 households into XLSX: every row arrives, in order, in sheets
/// written side by side.
#[test]
fn twenty_thousand_records_to_xlsx() {
    let form = form("ggs_household");
    let template = records("ggs_household").remove(1);
    let n = 20_000;
    let mut export = XlsxExport::new(&form, Options::default()).expect("start");
    for i in 0..n {
        let mut r = template.clone();
        r.instance_id = format!("0195a1b2-0000-7000-8000-{i:012x}");
        assert!(export.write(&r).expect("write"));
    }
    let bytes = export.finish(Vec::new()).expect("finish");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an xlsx");
    let main = book.worksheet_range("ggs_household").expect("main");
    assert_eq!(main.height(), n + 1);
    let members = book.worksheet_range("hh_member").expect("members");
    assert_eq!(members.height(), 2 * n + 1);
    let last = members.rows().next_back().expect("a row");
    let key = cell_text(last.last().expect("KEY"));
    assert_eq!(
        key,
        format!(
            "uuid:0195a1b2-0000-7000-8000-{:012x}/household/hh_member[2]",
            n - 1
        )
    );
}

/// The server runs exports on a blocking thread and streams the output
/// from another: every export must be `Send`.
#[test]
fn exports_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<CsvZipExport<std::fs::File>>();
    send::<XlsxExport>();
    send::<JsonExport<std::fs::File>>();
}
