//! `fieldform form publish FILE`.

use std::path::PathBuf;

use clap::Subcommand;

use crate::catalog::{self, Published};

#[derive(Debug, Subcommand)]
pub enum FormCommand {
    /// Import an XLSForm (.xlsx, .xls, .ods, .csv) and write its form file.
    Import {
        file: PathBuf,
        /// Where to write: a file, or a directory for `<form id>.form.json`
        /// (default: beside the workbook).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a form file back out as an XLSForm workbook (.xlsx).
    #[command(name = "export-xlsform")]
    ExportXlsform {
        file: PathBuf,
        /// Where to write: a file, or a directory for `<form id>.xlsx`
        /// (default: beside the form file).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Check form files and XLSForms (syntax, references, cycles, choice
    /// lists, languages); directories are searched for form files.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Check a form file or an XLSForm (.xlsx, .xls, .ods, .csv) and publish
    /// it with the data files it uses (`select_one_from_file`, `pulldata()`),
    /// found beside it. A published version never changes.
    Publish {
        file: PathBuf,
        #[command(flatten)]
        database: super::DatabaseArgs,
    },
}

pub async fn run(command: FormCommand) -> anyhow::Result<()> {
    match command {
        FormCommand::Import { file, output } => {
            let written = super::form_files::import(&file, output.as_deref())?;
            println!("Wrote {}.", written.display());
            Ok(())
        }
        FormCommand::ExportXlsform { file, output } => {
            let written = super::form_files::export_xlsform(&file, output.as_deref())?;
            println!("Wrote {}.", written.display());
            Ok(())
        }
        FormCommand::Check { paths } => super::form_files::check(&paths),
        FormCommand::Publish { file, database } => {
            let form = super::form_files::read_form(&file)?;
            // Files and compiling before the database: a bad form opens nothing.
            let prepared = catalog::prepare_beside(form, &file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let store = database.open().await?;
            let form = &prepared.form;
            match catalog::publish_prepared_by(store.as_ref(), &prepared, "cli")
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?
            {
                Published::New => {
                    println!("Published form `{}` version `{}`.", form.id, form.version);
                }
                Published::AlreadyPublished => println!(
                    "Form `{}` version `{}` is already published, unchanged.",
                    form.id, form.version
                ),
            }
            Ok(())
        }
    }
}
