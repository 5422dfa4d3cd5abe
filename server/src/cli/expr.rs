//! `fieldform expr`: evaluate one expression, so designers can try their
//! logic against a form and a saved response without filling it in.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use fieldform_engine::model::Form;
use fieldform_engine::response::Response;
use fieldform_engine::state::{FormState, ProbeError, evaluate_alone, type_name};
use fieldform_engine::{Attachments, compile_with};

use crate::attachments;
use crate::environment::{SystemEnvironment, zone_named};

#[derive(Debug, clap::Args)]
pub struct ExprArgs {
    /// The expression, e.g. `if(${age} >= 18, 'adult', 'minor')`.
    pub expression: String,
    /// A form file (`*.form.json`) or an XLSForm whose fields the expression
    /// may reference. The data files it reads (`pulldata()`, `instance()`,
    /// `select_one_from_file`) are taken from beside it, as `fieldform form
    /// publish` takes them.
    #[arg(long)]
    pub form: Option<PathBuf>,
    /// A saved response (JSON) whose answers the fields take.
    #[arg(long, requires = "form")]
    pub response: Option<PathBuf>,
    /// Evaluate as if at this node, e.g. `hh_member[2]/age` (`.` is its value).
    #[arg(long, requires = "form")]
    pub at: Option<String>,
    /// The time zone of `today()`, `now()` and local dates and times, e.g.
    /// `Europe/Chisinau` (default: the `TZ` variable's, else the system's).
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
}

pub fn run(args: ExprArgs) -> anyhow::Result<()> {
    let env = match &args.time_zone {
        None => SystemEnvironment::default(),
        Some(name) => SystemEnvironment::in_zone(
            zone_named(name).ok_or_else(|| anyhow::anyhow!("unknown time zone `{name}`"))?,
        ),
    };
    let result = match &args.form {
        None => evaluate_alone(&args.expression, &env),
        Some(path) => {
            let state = load_state(path, args.response.as_ref(), &env)?;
            state.evaluate_expression(&args.expression, args.at.as_deref(), &env)
        }
    };
    match result {
        Ok(value) => {
            println!("{} ({})", value.as_string(), type_name(&value));
            Ok(())
        }
        Err(error) => Err(anyhow::anyhow!("{}", explain(&args.expression, &error))),
    }
}

fn load_state(
    form_path: &Path,
    response_path: Option<&PathBuf>,
    env: &SystemEnvironment,
) -> anyhow::Result<FormState> {
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
    };
    let form = super::form_files::read_form(form_path)?;
    let files = attachments_beside(&form, form_path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", form_path.display()))?;
    let compiled = compile_with(&form, &files).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        anyhow::anyhow!(
            "{}: the form has errors:\n{}",
            form_path.display(),
            list.join("\n")
        )
    })?;
    let compiled = Arc::new(compiled);
    match response_path {
        None => Ok(FormState::new(compiled, env)),
        Some(path) => {
            let response = Response::from_json(&read(path)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            FormState::from_response(compiled, &response, env)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
    }
}

/// The data files `form` reads, from the folder of its file: the same
/// files, checks and messages as `fieldform form publish` (a missing one
/// is named, with where it was looked for).
fn attachments_beside(
    form: &Form,
    path: &Path,
) -> Result<Attachments, attachments::AttachmentProblems> {
    if form.attachment_names().is_empty() {
        return Ok(Attachments::new());
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let files = attachments::read_beside(form, dir)?;
    Ok(attachments::check(form, files, "put it beside the form")?.parsed)
}

/// The error, and for errors inside the expression a caret under the spot.
fn explain(expression: &str, error: &ProbeError) -> String {
    let position = match error {
        ProbeError::Parse(e) => Some(e.position()),
        ProbeError::UnknownReference { position, .. }
        | ProbeError::AmbiguousReference { position, .. }
        | ProbeError::NoForm { position, .. } => Some(*position),
        ProbeError::At(_) => None,
    };
    match position {
        Some(p) => format!("{error}\n  {expression}\n  {}^", " ".repeat(p)),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_error() {
        let error = evaluate_alone("1 + ${x}", &SystemEnvironment::default()).expect_err("no form");
        assert_eq!(
            explain("1 + ${x}", &error),
            "${x} at position 4: no form to look it up in (give one with --form)\n  1 + ${x}\n      ^"
        );
    }
}
