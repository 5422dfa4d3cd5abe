//! Imports every workbook of the shared conformance corpus
//! (`<workspace>/../shared/xlsforms`, see its README.md): each must import
//! without errors. Warnings are allowed and printed (to stderr, past the
//! test harness's capture), so that what Fieldform ignores or maps in real
//! forms stays visible in every run.
//! Each imported form must also compile in the engine, and survive export
//! and re-import unchanged.

use std::path::{Path, PathBuf};

use fieldform_engine::compile::LoadError;
use fieldform_xlsform::{Format, export_xlsx, import_bytes, import_path};

fn corpus() -> PathBuf {
    // CARGO_MANIFEST_DIR is <workspace>/xlsform.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/xlsforms")
}

#[test]
fn every_shared_xlsform_imports_without_errors() {
    let dir = corpus();
    // The corpus is data outside the repository, but CI always has it: a
    // missing corpus fails rather than passing without checking anything.
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "the shared XLSForm corpus is missing at {} ({e}): it must sit beside the repository as ../shared/xlsforms",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| Format::from_name(n).is_some() && n != "README.md")
        })
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the corpus's workbooks, found {files:?}"
    );
    let mut failures = Vec::new();
    for path in &files {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match import_path(path) {
            Ok(imported) => {
                let form = &imported.form;
                say(&format!(
                    "{file}: imported `{}` ({} items, {} choice lists, languages {:?}, {} warnings)",
                    form.id,
                    form.walk().count(),
                    form.choices.len(),
                    form.languages
                        .iter()
                        .map(|l| l.code.as_str())
                        .collect::<Vec<_>>(),
                    imported.warnings.len()
                ));
                for w in &imported.warnings {
                    say(&format!("{file}: warning: {w}"));
                }
                // Exporting it and importing the export gives the same form.
                match export_xlsx(form).map(|bytes| import_bytes("exported.xlsx", &bytes)) {
                    Ok(Ok(back)) if back.form == *form => {}
                    Ok(Ok(back)) => failures.push(format!(
                        "{file}: changed by export and re-import: {}",
                        first_difference(&form.to_json(), &back.form.to_json())
                    )),
                    Ok(Err(e)) => failures.push(format!("{file}: re-import of the export:\n{e}")),
                    Err(e) => failures.push(format!("{file}: export: {e}")),
                }
                // The imported form must also load in the engine (references,
                // cycles, functions), or importing it would help nobody. The
                // corpus has no data files: a file the form needs is the one
                // error expected (published, the form comes with its files).
                if let Err(errors) = fieldform_engine::compile::compile(form) {
                    let errors: Vec<String> = errors
                        .iter()
                        .filter(|e| !matches!(e, LoadError::MissingAttachment { file } if form.attachment_names().contains(file)))
                        .map(ToString::to_string)
                        .collect();
                    for e in &errors {
                        say(&format!("{file}: ENGINE LOAD ERROR: {e}"));
                    }
                    if !errors.is_empty() {
                        failures.push(format!("{file} (engine):\n{}", errors.join("\n")));
                    }
                }
            }
            Err(e) => {
                for w in &e.warnings {
                    say(&format!("{file}: warning: {w}"));
                }
                for err in &e.errors {
                    say(&format!("{file}: ERROR: {err}"));
                }
                failures.push(format!("{file}:\n{e}"));
            }
        }
    }
    assert!(failures.is_empty(), "errors:\n{}", failures.join("\n"));
}

/// The first line where two JSON texts differ, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map_or_else(
            || "lengths differ".to_owned(),
            |(i, (x, y))| format!("line {}: `{}` became `{}`", i + 1, x.trim(), y.trim()),
        )
}

/// Prints past libtest's output capture (which only takes `print!` and
/// friends), so the warnings show in every `cargo test` run, not only with
/// `--nocapture`.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}
