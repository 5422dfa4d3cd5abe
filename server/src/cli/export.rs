//! `fieldform export FORM_ID --format csv --out FILE [options]`: the same
//! export as `GET /api/forms/{id}/export` (`crate::exports`), straight from
//! the database. The file is written as `<out>.partial` and renamed when
//! complete, so a failed export never leaves a file that looks whole.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::exports::{self, ExportFailure, ExportParams, Format};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The form's id.
    pub form_id: String,
    /// csv (ODK Central's CSV zip), xlsx, json, ndjson or codebook.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Where to write (default: `<form>-<version>-<date>.<ext>` here).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// The form version whose fields make the columns (default: the newest).
    #[arg(long)]
    pub version: Option<String>,
    /// codes or labels.
    #[arg(long)]
    pub values: Option<String>,
    /// The language of the labels (one of the form's language codes).
    #[arg(long)]
    pub lang: Option<String>,
    /// joined or split (one 0/1 column per choice).
    #[arg(long)]
    pub select_multiple: Option<String>,
    /// Received from: YYYY-MM-DD (UTC) or an RFC 3339 time, inclusive.
    #[arg(long)]
    pub from: Option<String>,
    /// Received up to: YYYY-MM-DD (the whole day, UTC) or an RFC 3339 time.
    #[arg(long)]
    pub to: Option<String>,
    /// Review statuses, comma-separated: received, approved, has_issues, rejected.
    #[arg(long)]
    pub review: Option<String>,
    /// Also the revisions that corrections replaced.
    #[arg(long)]
    pub superseded: bool,
    /// Leave the codebook out of the CSV zip.
    #[arg(long)]
    pub no_codebook: bool,
    #[command(flatten)]
    pub database: super::DatabaseArgs,
}

impl ExportArgs {
    fn params(&self) -> ExportParams {
        ExportParams {
            format: Some(self.format.clone()),
            version: self.version.clone(),
            values: self.values.clone(),
            lang: self.lang.clone(),
            select_multiple: self.select_multiple.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            review: self.review.clone(),
            superseded: self.superseded.then(|| "true".into()),
            codebook: self.no_codebook.then(|| "false".into()),
        }
    }
}

fn failure(error: ExportFailure) -> anyhow::Error {
    match error {
        ExportFailure::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(args: ExportArgs) -> anyhow::Result<()> {
    let spec = args
        .params()
        .check()
        .map_err(|fields| failure(ExportFailure::Invalid(fields)))?;
    let store = args.database.open().await?;
    let prepared = exports::prepare(store.as_ref(), &args.form_id, spec)
        .await
        .map_err(failure)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(prepared.file_name()));
    let partial = partial_path(&out);
    let file = File::create(&partial)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", partial.display()))?;
    let (form, version, codebook) = (
        prepared.form_id.clone(),
        prepared.version.clone(),
        prepared.format == Format::Codebook,
    );
    match exports::run(store, prepared, BufWriter::new(file)).await {
        Ok((written, file)) => {
            let file = file
                .into_inner()
                .map_err(|e| anyhow::anyhow!("writing {}: {}", partial.display(), e.error()))?;
            file.sync_all()
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", partial.display()))?;
            std::fs::rename(&partial, &out)
                .map_err(|e| anyhow::anyhow!("cannot rename to {}: {e}", out.display()))?;
            let what = if codebook {
                "the codebook of ".to_owned()
            } else {
                format!("{written} submission(s) of ")
            };
            println!(
                "Wrote {what}form `{form}` (columns of version `{version}`) to {}.",
                out.display()
            );
            Ok(())
        }
        Err(error) => {
            // Best effort: the error says what went wrong either way.
            let _ = std::fs::remove_file(&partial);
            Err(failure(error))
        }
    }
}

/// `<out>.partial`, beside `out`.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}
