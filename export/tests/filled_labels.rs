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

/// `tests/fixtures/roster.form.json` (the server's export test uses it
/// too): members named in a repeat, children in a repeat in each member;
/// `people` labels its choices with the head's and a member's name (`m`
/// has no Romanian text: the default language's is filled), `kin` with
/// the enclosing member's name and the child's own; `carer` offers
/// `people` in each member, `who` offers `kin` in each child, and `main`
/// offers `people` at the top, where `${name}` is the first member's, as
/// in the app.
fn form() -> Arc<CompiledForm> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/roster.form.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture");
    let form = Form::from_json(&text).expect("form");
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

/// A label at the top showing a field of a repeat inside a repeat whose
/// first instance is not relevant. The engine reads the first instance
/// below in document order, relevant or not (`compile::reach`); the record
/// keeps the non-relevant instance as `{}` (or leaves its group out), so
/// the export fills what the engine shows for the record: empty where the
/// inner repeat starts with an instance (`min_instances`, `repeat_count`),
/// which is also what the respondent saw, else the next instance's value.
#[test]
fn a_label_above_a_non_relevant_first_instance_fills_as_the_engine_does() {
    let env = FixedEnvironment::default();
    let q = |name: &str, kind: &str| json!({ "kind": "question", "name": name, "type": kind });
    // (the instance or its group not relevant, the child repeat's own
    // keys, whether a child is added to the first member by hand, the
    // label the respondent saw, the one the record gives).
    let cases = [
        ("instance", json!({}), false, "<Luca>", "<Luca>"),
        ("group", json!({}), false, "<Luca>", "<Luca>"),
        ("instance", json!({ "min_instances": 1 }), false, "<>", "<>"),
        ("group", json!({ "min_instances": 1 }), false, "<>", "<>"),
        (
            "instance",
            json!({ "repeat_count": "${n}" }),
            false,
            "<>",
            "<>",
        ),
        ("group", json!({ "repeat_count": "1" }), false, "<>", "<>"),
        // Children added before the instance stopped being relevant: the
        // record does not keep them, so it cannot show what the device did.
        ("instance", json!({}), true, "<>", "<Luca>"),
    ];
    for (case, (off, child_keys, added, seen, filled)) in cases.into_iter().enumerate() {
        let mut child = json!({ "kind": "repeat", "name": "child", "items": [q("cname", "text")] });
        for (k, v) in child_keys.as_object().expect("keys") {
            child[k] = v.clone();
        }
        let mut kids = json!({ "kind": "group", "name": "kids", "items": [child] });
        let mut member = json!({ "kind": "repeat", "name": "member",
            "items": [q("name", "text"), kids.clone()] });
        let first_not = json!("position(..) > 1");
        if off == "instance" {
            member["relevant"] = first_not;
        } else {
            kids["relevant"] = first_not;
            member["items"][1] = kids;
        }
        let doc = json!({
            "format": 1, "id": "roster", "version": "1",
            "title": { "en": "Roster" },
            "languages": [{ "code": "en", "name": "English" }],
            "default_language": "en",
            "choices": { "kids": [{ "name": "k", "label": { "en": "<${cname}>" } }] },
            "items": [
                q("n", "integer"),
                member,
                { "kind": "question", "name": "main", "type": "select_one", "choices": "kids" },
            ],
        });
        let form = Form::from_json(&doc.to_string()).expect("form");
        let form = Arc::new(compile(&form).expect("compiles"));
        // As the device filled it.
        let mut live = FormState::new(form.clone(), &env);
        live.set("n", "1", &env).expect("n");
        live.set("main", "k", &env).expect("main");
        live.add("member", &env).expect("member 1");
        live.add("member", &env).expect("member 2");
        let counted = child_keys.as_object().is_some_and(|k| !k.is_empty());
        if !counted {
            live.add("member[2]/kids/child", &env).expect("child");
            if added {
                live.add("member[1]/kids/child", &env).expect("child");
            }
        }
        if counted || added {
            live.set("member[1]/kids/child[1]/cname", "Mia", &env)
                .expect("Mia");
        }
        live.set("member[2]/kids/child[1]/cname", "Luca", &env)
            .expect("Luca");
        let main = |s: &FormState| s.label_of_choice(s.node("main").expect("main"), "k", "en");
        assert_eq!(main(&live), seen, "case {case}: on the device");
        // What the record gives: the engine's reload, and the export.
        let response = live.to_response(Status::Complete, &env);
        let answers = response.answers.clone();
        assert_eq!(answers["member"][0], json!({}), "case {case}: {answers}");
        let reloaded = FormState::from_response(form.clone(), &response, &env).expect("loads");
        assert_eq!(main(&reloaded), filled, "case {case}: reloaded");
        let mut export =
            JsonExport::new(&form, labels("en"), JsonFormat::Lines, Vec::new()).expect("start");
        assert!(export.write(&record(1, answers)).expect("write"));
        let text = String::from_utf8(export.finish().expect("finish")).expect("UTF-8");
        let entry: Value = serde_json::from_str(text.trim()).expect("JSON line");
        assert_eq!(entry["labels"]["main"], filled, "case {case}: exported");
    }
}
