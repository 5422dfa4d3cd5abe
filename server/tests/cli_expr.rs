//! `fieldform expr` as a designer uses it: alone, against a shipped form
//! and a saved response, at a node inside a repeat.

mod common;

use std::path::Path;

use serde_json::{Value, json};

fn fieldform(args: &[&str]) -> (bool, String, String) {
    let run = common::fieldform(args);
    (run.ok, run.stdout, run.stderr)
}

fn shipped(name: &str) -> String {
    common::forms(name).display().to_string()
}

/// Writes `content` to the file `name` in `dir`; its path, as an argument.
fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("write {name}: {e}"));
    path.display().to_string()
}

/// Writes `f.form.json` in `dir`: version 1 of form `id`, in English,
/// with the members of `rest` (its items, ...); its path, as an argument.
fn write_form(dir: &Path, id: &str, rest: Value) -> String {
    let mut form = json!({
        "format": 1, "id": id, "version": "1", "title": { "en": id },
        "languages": [{ "code": "en", "name": "English" }], "default_language": "en",
    });
    let (Some(members), Value::Object(rest)) = (form.as_object_mut(), rest) else {
        panic!("a form and its members are JSON objects");
    };
    members.extend(rest);
    write(dir, "f.form.json", &form.to_string())
}

#[test]
fn evaluates_alone_with_value_and_type() {
    assert_eq!(fieldform(&["expr", "1 + 2 * 3"]).1, "7 (number)\n");
    assert_eq!(
        fieldform(&["expr", "format-date(date('2020-02-29') + 1, '%d/%m/%Y')"]).1,
        "01/03/2020 (string)\n"
    );
    assert_eq!(
        fieldform(&["expr", "selected('a b', 'b')"]).1,
        "true (boolean)\n"
    );
}

#[test]
fn shows_parse_errors_with_their_position() {
    let (ok, _, err) = fieldform(&["expr", "1 + )"]);
    assert!(!ok);
    assert_eq!(
        err,
        "fieldform: unexpected `)` at position 4\n  1 + )\n      ^\n"
    );
}

#[test]
fn evaluates_against_a_form_and_a_response_at_a_node() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_form(
        dir.path(),
        "hh",
        json!({ "items": [{ "kind": "repeat", "name": "member", "items": [
            { "kind": "question", "name": "age", "type": "integer" }]}]}),
    );
    let r = write(
        dir.path(),
        "r.json",
        r#"{"instance_id":"01890a5d-ac96-774b-bcce-b302099a8057","form_id":"hh","form_version":"1",
            "answers":{"member":[{"age":"34"},{"age":"9"}]},"meta":{},"status":"draft"}"#,
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["expr", "--form", &f, "--response", &r];
        args.extend_from_slice(extra);
        fieldform(&args)
    };
    let (ok, out, err) = run(&["sum(${age})"]);
    assert!(ok, "{err}");
    assert_eq!(out, "43 (number)\n");
    assert_eq!(
        run(&["--at", "member[2]/age", ". < 18 and position(..) = 2"]).1,
        "true (boolean)\n"
    );
    let (ok, _, err) = run(&["${agee}"]);
    assert!(!ok);
    assert!(err.contains("did you mean ${age}?"), "{err}");
}

#[test]
fn works_on_the_shipped_forms() {
    let (ok, out, err) = fieldform(&[
        "expr",
        "--form",
        &shipped("ggs_household.form.json"),
        "count(${hh_member})",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "0 (number)\n");
}

/// Issue 12: 5,000 `-` signs overflowed the parser's stack and aborted the
/// process. Each hostile nesting is now an ordinary, located error.
#[test]
fn hostile_nesting_is_a_clean_error() {
    const N: usize = 5_000;
    for expr in [
        format!("{}1", "-".repeat(N)),
        format!("{}1{}", "(".repeat(N), ")".repeat(N)),
        format!("{}true(){}", "not(".repeat(N), ")".repeat(N)),
        format!("{}1{}", "concat(1, ".repeat(N), ")".repeat(N)),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldform"))
            .args(["expr", "--", &expr])
            .env_remove("DATABASE_URL")
            .output()
            .expect("run fieldform");
        let stderr = String::from_utf8_lossy(&out.stderr);
        // An exit code (not a signal such as SIGABRT), and the reason.
        assert!(
            matches!(out.status.code(), Some(c) if c != 0),
            "{:?} for {}",
            out.status,
            &expr[..20]
        );
        assert!(
            stderr.starts_with(
                "fieldform: expression too deeply nested (more than 256 levels) at position "
            ),
            "{stderr:.300}"
        );
    }
    // Just below the limit, the deepest accepted tree also evaluates.
    let ok = format!("{}true(){}", "not(".repeat(250), ")".repeat(250));
    assert_eq!(fieldform(&["expr", &ok]).1, "true (boolean)\n");
    let (ok, out, err) = fieldform(&["expr", "--", &format!("{}1", "-".repeat(255))]);
    assert!(ok, "{err}");
    assert_eq!(out, "-1 (number)\n");
}

/// The form's data files are read from beside it, as `fieldform form
/// publish` reads them, so `pulldata()` and `instance()` give what the
/// device would; a missing one is named.
#[test]
fn reads_the_data_files_beside_the_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_form(
        dir.path(),
        "pd",
        json!({
            "external_instances": ["people.csv"],
            "items": [{ "kind": "question", "name": "who", "type": "text" }],
        }),
    );
    let (ok, _, err) = fieldform(&["expr", "--form", &f, "1"]);
    assert!(!ok);
    assert!(
        err.contains("the form needs the data file `people.csv`: put it beside the form")
            && err.contains("people.csv is missing"),
        "{err}"
    );
    write(
        dir.path(),
        "people.csv",
        "name,phone\nana,555-1234\nion,555-9876\n",
    );
    let (ok, out, err) = fieldform(&[
        "expr",
        "--form",
        &f,
        "concat(pulldata('people', 'phone', 'name', 'ion'), ' ', count(instance('people')/root/item))",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "555-9876 2 (string)\n");

    // An XLSForm works too, with the files beside the workbook.
    let b = write(
        dir.path(),
        "pd.csv",
        "survey,,,\n,type,name,calculation\n,csv-external,people,\n,calculate,phone,\"pulldata('people', 'phone', 'name', 'ana')\"\n",
    );
    let (ok, out, err) = fieldform(&["expr", "--form", &b, "${phone}"]);
    assert!(ok, "{err}");
    assert_eq!(out, "555-1234 (string)\n");
}
