//! Choice labels that show answers (`${name}`, pyxform's way to pick a
//! household member by name) are exported as the respondent saw them:
//! filled from the record's own answers, per repeat instance, in the
//! export's language, and equal to the engine's own filling
//! (`FormState::label_of_choice`) for the same response. The codebook
//! keeps the place holder, as `[name]`.

mod common;

use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use common::unzip;
use fieldform_engine::compile::{CompiledForm, compile};
use fieldform_engine::env::FixedEnvironment;
use fieldform_engine::model::Form;
use fieldform_engine::response::{Meta, Response, Status};
use fieldform_engine::state::FormState;
use fieldform_export::{
    CsvZipExport, JsonExport, JsonFormat, Options, Record, RecordSink, Values, XlsxExport,
};
use serde_json::{Value, json};

fn form() -> Arc<CompiledForm> {
    let q = |name: &str, kind: &str| json!({ "kind": "question", "name": name, "type": kind });
    let select = |name: &str, kind: &str, list: &str| json!({ "kind": "question", "name": name, "type": kind, "choices": list });
    let doc = json!({
        "format": 1, "id": "roster", "version": "1",
        "title": { "en": "Roster", "ro": "Lista" },
        "languages": [
            { "code": "en", "name": "English" },
            { "code": "ro", "name": "Română" },
        ],
        "default_language": "en",
        "choices": {
            "people": [
                { "name": "h", "label": { "en": "${head} (head)", "ro": "${head} (cap)" } },
                // No Romanian text: the default language's, filled.
                { "name": "m", "label": { "en": "${name}" } },
                { "name": "n", "label": { "en": "Nobody", "ro": "Nimeni" } },
                { "name": "x" },
            ],
            "kin": [
                { "name": "p", "label": { "en": "parent ${name}", "ro": "părinte ${name}" } },
                { "name": "c", "label": { "en": "${cname} (${age})", "ro": "${cname} (${age})" } },
            ],
        },
        "items": [
            q("head", "text"),
            { "kind": "repeat", "name": "member", "label": { "en": "Member" }, "items": [
                q("name", "text"),
                q("age", "integer"),
                select("carer", "select_one", "people"),
                { "kind": "repeat", "name": "child", "label": { "en": "Child" }, "items": [
                    q("cname", "text"),
                    select("who", "select_multiple", "kin"),
                ]},
            ]},
            // At the top, `${name}` is the first member's, as in the app.
            select("main", "select_one", "people"),
        ],
    });
    let form = Form::from_json(&doc.to_string()).expect("form");
    Arc::new(compile(&form).expect("compiles"))
}

fn record(n: u32, answers: Value) -> Record {
    serde_json::from_value(json!({
        "instance_id": format!("0190a000-0000-7000-8000-00000000000{n}"),
        "revision": 1,
        "superseded": false,
        "form_version": "1",
        "submitted_by": "user:ana",
        "received_at": 1_772_409_600_000_i64 + i64::from(n),
        "answers": answers,
    }))
    .expect("record")
}

/// Two households with different names.
fn records() -> Vec<Record> {
    vec![
        record(
            1,
            json!({
                "head": "Ana",
                "member": [
                    { "name": "Ion", "age": "40", "carer": "h",
                      "child": [{ "cname": "Mia", "who": "p c" }] },
                    { "name": "Eva", "age": "12", "carer": "m", "child": [] },
                ],
                "main": "m",
            }),
        ),
        record(
            2,
            json!({
                "head": "Dan",
                "member": [
                    // A member whose age was left out (not relevant, say).
                    { "name": "Radu", "carer": "x",
                      "child": [{ "cname": "Sara", "who": "c" }] },
                    { "name": "Ioana", "age": "35", "carer": "m",
                      "child": [{ "cname": "Luca", "who": "c p" }, {}] },
                ],
                "main": "h",
            }),
        ),
    ]
}

fn labels(lang: &str) -> Options {
    Options {
        values: Values::Labels {
            language: lang.into(),
        },
        ..Options::default()
    }
}

/// What the engine shows for each select, in table order: the main rows'
/// `main`, the members' `carer`, the children's `who`.
fn engine_labels(form: &Arc<CompiledForm>, lang: &str) -> [Vec<String>; 3] {
    let mut out: [Vec<String>; 3] = Default::default();
    let env = FixedEnvironment::default();
    for r in records() {
        let response = Response {
            instance_id: r.instance_id.clone(),
            form_id: "roster".into(),
            form_version: "1".into(),
            status: Status::Submitted,
            meta: Meta::default(),
            answers: r.answers.clone(),
        };
        let state = FormState::from_response(form.clone(), &response, &env).expect("loads");
        let shown = |path: &str, codes: &str| {
            let node = state.node(path).expect(path);
            codes
                .split_whitespace()
                .map(|code| state.label_of_choice(node, code, lang))
                .collect::<Vec<_>>()
                .join("; ")
        };
        out[0].push(shown("main", r.answers["main"].as_str().unwrap_or("")));
        let members = r.answers["member"].as_array().expect("members");
        for (i, m) in members.iter().enumerate() {
            let at = format!("member[{}]", i + 1);
            out[1].push(shown(
                &format!("{at}/carer"),
                m["carer"].as_str().unwrap_or(""),
            ));
        }
        for (i, m) in members.iter().enumerate() {
            let children = m.get("child").and_then(Value::as_array).cloned();
            for (j, c) in children.unwrap_or_default().iter().enumerate() {
                let path = format!("member[{}]/child[{}]/who", i + 1, j + 1);
                out[2].push(shown(&path, c["who"].as_str().unwrap_or("")));
            }
        }
    }
    out
}

fn export_all(sink: &mut dyn RecordSink) {
    for r in records() {
        assert!(sink.write(&r).expect("write"));
    }
}

/// `column` of every row of a CSV table.
fn csv_column(text: &str, column: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let i = header.iter().position(|h| h == column).expect(column);
    reader
        .records()
        .map(|row| row.expect("row")[i].to_owned())
        .collect()
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    &files.iter().find(|(n, _)| n == name).expect(name).1
}

#[test]
fn csv_labels_are_filled_per_record_and_instance_as_the_engine_fills_them() {
    let form = form();
    for lang in ["en", "ro"] {
        let mut export = CsvZipExport::new(&form, labels(lang), Vec::new()).expect("start");
        export_all(&mut export);
        let files = unzip(&export.finish().expect("finish"));
        let main = csv_column(file(&files, "roster.csv"), "main");
        let carer = csv_column(file(&files, "roster-member.csv"), "carer");
        let who = csv_column(file(&files, "roster-child.csv"), "who");
        let [e_main, e_carer, e_who] = engine_labels(&form, lang);
        assert_eq!(main, e_main, "{lang}");
        assert_eq!(carer, e_carer, "{lang}");
        assert_eq!(who, e_who, "{lang}");
        // The empty instance (`{}`) answers nothing.
        assert_eq!(who[3], "");
        if lang == "en" {
            // The first member's name from the top; each record its own.
            assert_eq!(main, ["Ion", "Dan (head)"]);
            assert_eq!(carer, ["Ana (head)", "Eva", "x", "Ioana"]);
            // The enclosing member's name, the child's own name and the
            // member's age (absent in Radu's instance).
            assert_eq!(
                who[..3],
                ["parent Ion; Mia (40)", "Sara ()", "Luca (35); parent Ioana"]
            );
        } else {
            assert_eq!(main, ["Ion", "Dan (cap)"]);
            assert_eq!(carer, ["Ana (cap)", "Eva", "x", "Ioana"]);
            assert_eq!(
                who[..3],
                [
                    "părinte Ion; Mia (40)",
                    "Sara ()",
                    "Luca (35); părinte Ioana"
                ]
            );
        }
        // The codebook documents the form: the place holders stay, readable.
        let choices = file(&files, "roster-choices.csv");
        assert!(
            choices.contains("people,h,[head] (head),[head] (cap)"),
            "{choices}"
        );
        assert!(
            choices.contains("kin,c,[cname] ([age]),[cname] ([age])"),
            "{choices}"
        );
        assert!(!choices.contains("${"), "{choices}");
    }
    // Codes stay codes.
    let mut export = CsvZipExport::new(&form, Options::default(), Vec::new()).expect("start");
    export_all(&mut export);
    let files = unzip(&export.finish().expect("finish"));
    assert_eq!(
        csv_column(file(&files, "roster-member.csv"), "carer"),
        ["h", "m", "x", "m"]
    );
}

#[test]
fn xlsx_labels_are_filled() {
    let form = form();
    let mut export = XlsxExport::new(&form, labels("en")).expect("start");
    export_all(&mut export);
    let bytes = export.finish(Vec::new()).expect("finish");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let column = |book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, name: &str| -> Vec<String> {
        let range = book.worksheet_range(sheet).expect(sheet);
        let mut rows = range.rows();
        let header = rows.next().expect("header");
        let i = header
            .iter()
            .position(|c| matches!(c, Data::String(s) if s == name))
            .expect(name);
        rows.map(|row| match &row[i] {
            Data::String(s) => s.clone(),
            Data::Empty => String::new(),
            other => panic!("{other:?}"),
        })
        .collect()
    };
    let [e_main, e_carer, e_who] = engine_labels(&form, "en");
    assert_eq!(column(&mut book, "roster", "main"), e_main);
    assert_eq!(column(&mut book, "member", "carer"), e_carer);
    assert_eq!(column(&mut book, "child", "who"), e_who);
    assert_eq!(
        column(&mut book, "member", "carer"),
        ["Ana (head)", "Eva", "x", "Ioana"]
    );
    let choices = book.worksheet_range("choices").expect("choices");
    assert!(
        choices
            .rows()
            .any(|row| matches!(&row[2], Data::String(s) if s == "[head] (head)"))
    );
}

#[test]
fn json_labels_mirror_the_answers_filled() {
    let form = form();
    let mut export =
        JsonExport::new(&form, labels("ro"), JsonFormat::Lines, Vec::new()).expect("start");
    export_all(&mut export);
    let text = String::from_utf8(export.finish().expect("finish")).expect("UTF-8");
    let entries: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(
        entries[0]["labels"],
        json!({
            "member": [
                { "carer": "Ana (cap)", "child": [{ "who": ["părinte Ion", "Mia (40)"] }] },
                { "carer": "Eva", "child": [] },
            ],
            "main": "Ion",
        })
    );
    assert_eq!(
        entries[1]["labels"],
        json!({
            "member": [
                { "carer": "x", "child": [{ "who": ["Sara ()"] }] },
                { "carer": "Ioana", "child": [{ "who": ["Luca (35)", "părinte Ioana"] }, {}] },
            ],
            "main": "Dan (cap)",
        })
    );
    // The answers stay codes; without labels asked for, no `labels`.
    assert_eq!(entries[1]["answers"]["member"][1]["carer"], "m");
    let mut plain =
        JsonExport::new(&form, Options::default(), JsonFormat::Lines, Vec::new()).expect("start");
    export_all(&mut plain);
    let text = String::from_utf8(plain.finish().expect("finish")).expect("UTF-8");
    assert!(!text.contains("\"labels\""), "{text}");
}
