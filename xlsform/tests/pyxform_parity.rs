//! Parity with pyxform, ODK's own XLSForm converter: every workbook of the
//! shared conformance corpus (`<workspace>/../shared/xlsforms`) and of
//! `tests/corpus/` (real forms from public repositories, see its
//! SOURCES.md) goes through the pinned pyxform (`pyxform-requirements.txt`,
//! installed into `target/pyxform-venv` by `cargo xtask install` and
//! `cargo xtask test`) and through Fieldform's import and check.
//!
//! A workbook agrees when
//! - pyxform converts it, Fieldform imports and checks it without errors,
//!   and both name the same fields at the same paths; or
//! - pyxform refuses it and Fieldform refuses it too, with at least one
//!   error located on a sheet (a row or column where it has one).
//!
//! Paths are compared as sets, one path per element of the XForm's primary
//! instance below its root (`group/question`, a repeat's template counted
//! once), against one path per item of Fieldform's form (groups and
//! repeats nest the same way). The mapping between the two:
//! - pyxform's `meta` group (`instanceID`, `instanceName`, `deprecatedID`,
//!   `audit`, `entity`) is left out: Fieldform keeps a response's metadata
//!   outside its answers (`response::Meta`), so it is no field of the form.
//!   The exception is `audit`, a row of the survey sheet that pyxform moves
//!   into `meta`: Fieldform keeps it where it was written (an empty hidden
//!   field, as it collects no audit log), so `meta/audit` counts as `audit`.
//! - Fieldform's own `instance_id` questions are metadata for the same
//!   reason (pyxform's `meta/instanceID`).
//! - A select with `or_other` gets a `<name>_other` text question beside it
//!   in both: pyxform writes it into the XForm, Fieldform's compiler adds it
//!   (`compile::or_other`), so the form file keeps only the flag.
//! - pyxform's generated layout and helper fields are left out of both
//!   sides: a `table-list` group's `generated_table_list_label_N` and
//!   `reserved_name_for_field_list_labels_N` (a header row drawn as a note
//!   and a label-only select: nothing is ever answered there; Fieldform
//!   draws the table itself), and the `<repeat>_count` calculate pyxform
//!   adds beside a repeat whose `repeat_count` is an expression rather than
//!   a `${reference}` (Fieldform evaluates `repeat_count` itself).
//! - Every other element counts, notes and calculations included: ODK
//!   submits them, so they are columns of its exports.
//!
//! The test prints, for every workbook, whether it agrees and if not what
//! differs, then `pyxform agrees on N of M workbooks`; it fails unless all
//! agree. Nothing is skipped: without the pinned pyxform it fails and says
//! how to install it.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use fieldform_engine::model::{Form, Item, QuestionType};
use fieldform_xlsform::{Format, Report, check_path};

const XFORMS_NS: &str = "http://www.w3.org/2002/xforms";
const JR_NS: &str = "http://openrosa.org/javarosa";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's interpreter; `cargo xtask install` creates it under the
/// workspace's `target/` whatever CARGO_TARGET_DIR says, so this path is fixed.
fn python() -> PathBuf {
    manifest_dir().join("../target/pyxform-venv/bin/python")
}

/// `X.Y.Z` from the `pyxform==X.Y.Z` line of the pin file.
fn pinned_version() -> String {
    let path = manifest_dir().join("tests/pyxform-requirements.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .find_map(|l| l.trim().strip_prefix("pyxform=="))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("{} pins no `pyxform==X.Y.Z`", path.display()))
}

/// The workbooks of one corpus directory, sorted. A workbook with data
/// files (`pulldata()`, `select_one_from_file`) sits in a folder of its own
/// name with them (`pull_data/pull_data.xlsx` beside `pull_data/fruits.csv`),
/// where `check_path` finds them as `fieldform form check` does.
fn workbooks(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("the XLSForm corpus is missing at {} ({e})", dir.display()));
    let is_workbook = |p: &Path| {
        p.is_file()
            && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                Format::from_name(n).is_some() && n != "README.md" && n != "SOURCES.md"
            })
    };
    let mut files = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.is_dir() {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let inner: Vec<PathBuf> = std::fs::read_dir(&path)
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    is_workbook(p)
                        && p.file_stem().map(|s| s.to_string_lossy().into_owned()) == name
                })
                .collect();
            assert!(
                inner.len() == 1,
                "{} should hold one workbook named after the folder, found {inner:?}",
                path.display()
            );
            files.extend(inner);
        } else if is_workbook(&path) {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// What pyxform made of one workbook.
enum Pyxform {
    Converted { xform: String },
    Refused { error: String },
}

/// Starts pyxform once over every workbook (one Python process: starting
/// one per workbook would cost more than the conversions); Fieldform checks
/// them meanwhile.
fn start_pyxform(files: &[PathBuf]) -> Child {
    let python = python();
    Command::new(&python)
        .arg(manifest_dir().join("tests/pyxform_convert.py"))
        .args(files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run pyxform's Python at {} ({e}): run `cargo xtask install` \
                 (or `cargo xtask test`, which installs it first)",
                python.display()
            )
        })
}

/// pyxform's verdicts, one per workbook, in order.
fn finish_pyxform(child: Child, files: &[PathBuf]) -> Vec<Pyxform> {
    let script = manifest_dir().join("tests/pyxform_convert.py");
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{} did not finish: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{} failed ({}): {}\nrun `cargo xtask install` to install the pinned pyxform",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut lines = stdout.lines().map(|line| {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("pyxform's batch printed `{line}`, not JSON: {e}"))
    });
    let installed = lines
        .next()
        .and_then(|v| v["pyxform"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let pinned = pinned_version();
    assert_eq!(
        installed, pinned,
        "target/pyxform-venv has pyxform {installed}, the pin is {pinned}: run `cargo xtask install`"
    );
    let results: Vec<Pyxform> = lines
        .map(|v| {
            if v["ok"].as_bool() == Some(true) {
                Pyxform::Converted {
                    xform: v["xform"].as_str().unwrap_or_default().to_owned(),
                }
            } else {
                Pyxform::Refused {
                    error: v["error"].as_str().unwrap_or_default().to_owned(),
                }
            }
        })
        .collect();
    assert_eq!(
        results.len(),
        files.len(),
        "pyxform's batch answered for {} of {} workbooks",
        results.len(),
        files.len()
    );
    results
}

/// The paths of an XForm's primary instance.
struct XformPaths {
    /// Every element below the root.
    all: BTreeSet<String>,
    /// Those pyxform generated (see the module's documentation).
    generated: BTreeSet<String>,
}

/// Every element path of the XForm's primary instance, below its root,
/// and which of them pyxform generated.
fn xform_paths(xform: &str) -> Result<XformPaths, String> {
    let doc = roxmltree::Document::parse(xform).map_err(|e| format!("invalid XForm: {e}"))?;
    let instance = doc
        .descendants()
        .find(|n| {
            n.tag_name().name() == "instance"
                && n.tag_name().namespace() == Some(XFORMS_NS)
                && n.attribute("id").is_none()
        })
        .ok_or("the XForm has no primary instance")?;
    let root = instance
        .children()
        .find(roxmltree::Node::is_element)
        .ok_or("the primary instance is empty")?;
    let mut all = BTreeSet::new();
    collect_xml(root, "", &mut all);
    let generated_layout = |path: &String| {
        let name = path.rsplit('/').next().unwrap_or(path);
        [
            "generated_table_list_label_",
            "reserved_name_for_field_list_labels_",
        ]
        .iter()
        .any(|prefix| {
            name.strip_prefix(prefix)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    let mut generated: BTreeSet<String> = all
        .iter()
        .filter(|p| generated_layout(p))
        .cloned()
        .collect();
    // A repeat counted by `<its own path>_count` counts with pyxform's calculate.
    let absolute = format!("/{}/", root.tag_name().name());
    for repeat in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "repeat")
    {
        let (Some(nodeset), Some(count)) = (
            repeat.attribute("nodeset"),
            repeat.attribute((JR_NS, "count")),
        ) else {
            continue;
        };
        let relative = |p: &str| p.trim().strip_prefix(absolute.as_str()).map(str::to_owned);
        if let (Some(repeat), Some(count)) = (relative(nodeset), relative(count))
            && count == format!("{repeat}_count")
        {
            generated.insert(count);
        }
    }
    Ok(XformPaths { all, generated })
}

fn collect_xml(node: roxmltree::Node, prefix: &str, paths: &mut BTreeSet<String>) {
    for child in node.children().filter(roxmltree::Node::is_element) {
        let name = child.tag_name().name();
        if prefix.is_empty() && name == "meta" {
            if child
                .children()
                .any(|c| c.is_element() && c.tag_name().name() == "audit")
            {
                paths.insert("audit".to_owned());
            }
            continue;
        }
        let path = format!("{prefix}{name}");
        // A repeat's `jr:template` and its first instance give the same
        // paths; the set keeps one.
        collect_xml(child, &format!("{path}/"), paths);
        paths.insert(path);
    }
}

/// Every item path of Fieldform's form, with the mapping described above.
fn form_paths(form: &Form) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    collect_items(&form.items, "", &mut paths);
    paths
}

fn collect_items(items: &[Item], prefix: &str, paths: &mut BTreeSet<String>) {
    for item in items {
        let path = format!("{prefix}{}", item.name());
        match item {
            Item::Question(q) if q.kind == QuestionType::InstanceId => continue,
            Item::Question(q) if q.or_other => {
                paths.insert(format!("{path}_other"));
            }
            _ => {}
        }
        collect_items(item.children(), &format!("{path}/"), paths);
        paths.insert(path);
    }
}

/// The verdict on one workbook: `None` when Fieldform agrees with pyxform.
fn compare(pyxform: &Pyxform, report: &Report) -> Option<String> {
    let errors = || {
        report
            .errors
            .iter()
            .take(3)
            .map(|e| format!("    {e}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match (pyxform, &report.form) {
        (Pyxform::Converted { xform }, Some(form)) if report.is_ok() => {
            let XformPaths { all, generated } = match xform_paths(xform) {
                Ok(paths) => paths,
                Err(e) => return Some(format!("pyxform's XForm: {e}")),
            };
            let theirs: BTreeSet<String> = all.difference(&generated).cloned().collect();
            let ours: BTreeSet<String> = form_paths(form).difference(&generated).cloned().collect();
            if theirs == ours {
                return None;
            }
            let missing: Vec<&String> = theirs.difference(&ours).collect();
            let extra: Vec<&String> = ours.difference(&theirs).collect();
            Some(format!(
                "field paths differ:\n    only in pyxform ({}): {}\n    only in Fieldform ({}): {}",
                missing.len(),
                listed(&missing),
                extra.len(),
                listed(&extra)
            ))
        }
        (Pyxform::Converted { .. }, _) => Some(format!(
            "pyxform converts it, Fieldform refuses it ({} errors):\n{}",
            report.errors.len(),
            errors()
        )),
        (Pyxform::Refused { error }, _) if report.is_ok() => Some(format!(
            "pyxform refuses it, Fieldform accepts it; pyxform says: {}",
            first_line(error)
        )),
        (Pyxform::Refused { error }, _) => {
            if report.errors.iter().any(|e| e.location.sheet.is_some()) {
                None
            } else {
                Some(format!(
                    "both refuse it, but no Fieldform error names a sheet; pyxform says: {}\n{}",
                    first_line(error),
                    errors()
                ))
            }
        }
    }
}

fn listed(paths: &[&String]) -> String {
    const SHOWN: usize = 12;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(", … {} more", paths.len() - SHOWN));
    }
    text
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// Prints past libtest's capture, so every run shows the verdicts.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// A workbook on which Fieldform deliberately differs from pyxform: the
/// test expects exactly this difference (its verdict must contain
/// `verdict`), so a change on either side shows, and a deviation that
/// starts agreeing must be taken off the list.
struct Deviation {
    file: &'static str,
    verdict: &'static str,
    why: &'static str,
}

const DEVIATIONS: &[Deviation] = &[];

#[test]
fn pyxform_and_fieldform_agree_on_every_workbook() {
    let shared = manifest_dir().join("../../shared/xlsforms");
    let corpus = manifest_dir().join("tests/corpus");
    let mut files = workbooks(&shared);
    let ours = workbooks(&corpus);
    assert!(
        ours.len() >= 30,
        "tests/corpus should hold at least 30 workbooks, found {}",
        ours.len()
    );
    files.extend(ours);

    let started = Instant::now();
    let pyxform = start_pyxform(&files);
    let reports: Vec<Report> = files.iter().map(|path| check_path(path)).collect();
    let fieldform_took = started.elapsed();
    let converted = finish_pyxform(pyxform, &files);
    let both_took = started.elapsed();

    let mut disagreements = Vec::new();
    let mut deviated = Vec::new();
    for ((path, pyxform), report) in files.iter().zip(&converted).zip(&reports) {
        // `../shared/xlsforms/x.xlsx` or `xlsform/tests/corpus/x.xlsx`.
        let shown = path
            .strip_prefix(manifest_dir().join("../.."))
            .or_else(|_| path.strip_prefix(manifest_dir().parent().unwrap_or(Path::new("/"))))
            .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
        let deviation = DEVIATIONS.iter().find(|d| shown.ends_with(d.file));
        match (compare(pyxform, report), deviation) {
            (None, None) => say(&format!(
                "agree     {shown} ({})",
                match pyxform {
                    Pyxform::Converted { .. } => "both accept",
                    Pyxform::Refused { .. } => "both refuse",
                }
            )),
            (None, Some(d)) => {
                say(&format!("AGREES    {shown}, listed as a deviation"));
                disagreements.push(format!(
                    "{shown} agrees now: take it off DEVIATIONS ({})",
                    d.verdict
                ));
            }
            (Some(why), Some(d)) if why.contains(d.verdict) => {
                say(&format!("deviates  {shown} (documented): {}", d.why));
                deviated.push(shown);
            }
            (Some(why), _) => {
                say(&format!("DISAGREE  {shown}: {why}"));
                disagreements.push(shown);
            }
        }
    }
    let agreed = files.len() - disagreements.len() - deviated.len();
    say(&format!(
        "pyxform agrees on {agreed} of {} workbooks, {} deviate as documented \
         (Fieldform's checks {:.1} s, pyxform's batch alongside {:.1} s)",
        files.len(),
        deviated.len(),
        fieldform_took.as_secs_f64(),
        both_took.as_secs_f64()
    ));
    assert!(
        disagreements.is_empty(),
        "pyxform agrees on {agreed} of {} workbooks; these disagree (details above):\n{}",
        files.len(),
        disagreements.join("\n")
    );
}

#[test]
fn xform_paths_follow_the_documented_mapping() {
    // The shape pyxform writes: a repeat's template and first instance, a
    // generated count, a table-list's generated rows, meta with audit.
    let xform = r#"<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
  <h:head><model>
    <instance><data id="f">
      <hh_count/>
      <hh jr:template=""><name/><table><generated_table_list_label_3/><reserved_name_for_field_list_labels_4/><q/></table></hh>
      <hh><name/><table><generated_table_list_label_3/><reserved_name_for_field_list_labels_4/><q/></table></hh>
      <meta><instanceID/><audit/></meta>
    </data></instance>
    <instance id="yes_no"><root><item><name>yes</name></item></root></instance>
  </model></h:head>
  <h:body><group ref="/data/hh"><repeat nodeset="/data/hh" jr:count=" /data/hh_count "/></group></h:body>
</h:html>"#;
    let XformPaths { all, generated } = xform_paths(xform).expect("a valid XForm");
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    assert_eq!(
        all,
        [
            "audit",
            "hh",
            "hh/name",
            "hh/table",
            "hh/table/generated_table_list_label_3",
            "hh/table/q",
            "hh/table/reserved_name_for_field_list_labels_4",
            "hh_count",
        ]
    );
    let generated: Vec<&str> = generated.iter().map(String::as_str).collect();
    assert_eq!(
        generated,
        [
            "hh/table/generated_table_list_label_3",
            "hh/table/reserved_name_for_field_list_labels_4",
            "hh_count",
        ]
    );
}
