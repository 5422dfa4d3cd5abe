//! `fieldform form import | export-xlsform | check`: working with form files
//! (XLSForm workbooks and `*.form.json`) on disk, without a server.

use std::path::{Path, PathBuf};

use fieldform_engine::model::Form;

/// The extensions `check` picks up in a directory.
const FORM_EXTENSIONS: &[&str] = &["json", "xlsx", "xlsm", "xls", "ods", "csv", "md"];

/// Imports an XLSForm and writes its form file; returns the path written.
pub fn import(file: &Path, output: Option<&Path>) -> anyhow::Result<PathBuf> {
    let imported = fieldform_xlsform::import_path(file).map_err(|errors| {
        for warning in &errors.warnings {
            eprintln!("{}: warning: {warning}", file.display());
        }
        anyhow::anyhow!("{}: the form has errors:\n{errors}", file.display())
    })?;
    for warning in &imported.warnings {
        eprintln!("{}: warning: {warning}", file.display());
    }
    let name = file_name(file, &imported.form, "form.json")?;
    let target = destination(file, output, &name);
    write(&target, imported.form.to_json().as_bytes())?;
    Ok(target)
}

/// Writes a form file back out as an XLSForm workbook; returns the path written.
pub fn export_xlsform(file: &Path, output: Option<&Path>) -> anyhow::Result<PathBuf> {
    let text =
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let form = Form::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let bytes = fieldform_xlsform::export_xlsx(&form)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let target = destination(file, output, &file_name(file, &form, "xlsx")?);
    write(&target, &bytes)?;
    Ok(target)
}

/// Checks every form file named (directories: the form files in them) and
/// prints errors and warnings; fails if any file has errors.
pub fn check(paths: &[PathBuf]) -> anyhow::Result<()> {
    let files = expand(paths)?;
    if files.is_empty() {
        anyhow::bail!("no form files found in {}", show(paths));
    }
    let mut failed = 0;
    for file in &files {
        let report = fieldform_xlsform::check_path(file);
        for warning in &report.warnings {
            println!("{}: warning: {warning}", file.display());
        }
        for error in &report.errors {
            println!("{}: error: {error}", file.display());
        }
        if report.is_ok() {
            println!("{}: ok", file.display());
        } else {
            failed += 1;
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} form files have errors", files.len());
    }
    Ok(())
}

fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_form_file(p))
                .collect();
            found.sort();
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            anyhow::bail!("{}: no such file or directory", path.display());
        }
    }
    Ok(files)
}

fn is_form_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".json") {
        return name.ends_with(".form.json");
    }
    path.extension()
        .is_some_and(|e| FORM_EXTENSIONS.contains(&e.to_string_lossy().to_lowercase().as_str()))
        && !name.starts_with('.')
        && !name.starts_with("~$")
        && name != "readme.md"
}

/// `<form id>.<extension>`, once the id is known to be a safe name: the id
/// comes from the workbook, and must not choose where the file goes.
fn file_name(input: &Path, form: &Form, extension: &str) -> anyhow::Result<String> {
    crate::catalog::check_key(form).map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
    let name = format!("{}.{extension}", form.id);
    // Belt and braces: exactly one plain component, whatever the id rules become.
    let mut components = Path::new(&name).components();
    match (components.next(), components.next()) {
        (Some(std::path::Component::Normal(_)), None) => Ok(name),
        _ => anyhow::bail!(
            "{}: form id `{}` does not make a plain file name",
            input.display(),
            form.id
        ),
    }
}

/// `output` if it is a file path, `output/name` if it is a directory, else
/// `name` beside the input.
fn destination(input: &Path, output: Option<&Path>, name: &str) -> PathBuf {
    match output {
        Some(out) if out.is_dir() => out.join(name),
        Some(out) => out.to_path_buf(),
        None => input.parent().unwrap_or(Path::new(".")).join(name),
    }
}

fn write(target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(target, bytes).map_err(|e| anyhow::anyhow!("{}: {e}", target.display()))
}

fn show(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A form from a form file (`*.json`) or an XLSForm (any other
/// extension), with the importer's warnings printed.
pub fn read_form(file: &Path) -> anyhow::Result<Form> {
    let is_json = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        let text = std::fs::read_to_string(file)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        return crate::catalog::parse_upload(crate::catalog::Upload::FormJson(&text))
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()));
    }
    let imported = fieldform_xlsform::import_path(file).map_err(|errors| {
        for warning in &errors.warnings {
            eprintln!("{}: warning: {warning}", file.display());
        }
        anyhow::anyhow!("{}: the form has errors:\n{errors}", file.display())
    })?;
    for warning in &imported.warnings {
        eprintln!("{}: warning: {warning}", file.display());
    }
    Ok(imported.form)
}
