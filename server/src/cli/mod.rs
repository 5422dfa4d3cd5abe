//! The `fieldform` command line: one module per command group, so that new
//! groups (`fieldform expr`, `fieldform form import/check/export-xlsform`)
//! slot in as a variant here and a module beside these.

mod bench;
mod device_token;
mod export;
mod expr;
mod form;
mod form_files;
mod serve;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use serve::ServeArgs;

#[derive(Debug, Parser)]
#[command(
    name = "fieldform",
    version,
    about = "Fieldform: offline-first survey collection server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the collection server.
    Serve(ServeArgs),
    /// Evaluate one expression (alone, or against a form and a saved response).
    Expr(expr::ExprArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage forms.
    #[command(subcommand)]
    Form(form::FormCommand),
    /// Manage enumerator device tokens.
    #[command(subcommand, name = "device-token")]
    DeviceToken(device_token::DeviceTokenCommand),
    /// Export a form's submissions (CSV zip, XLSX, JSON, NDJSON or the codebook).
    Export(export::ExportArgs),
    /// Measure the server (`bench ingest`: submissions per second).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

/// Which database a command works on (the same flags as `serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// Directory for the embedded database and other data.
    #[arg(long, env = "FIELDFORM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Database URL (`sqlite://PATH` or `postgres://...`); defaults to SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("fieldform.db").display()),
        }
    }

    /// Opens (creating and migrating) the database.
    pub async fn open(&self) -> anyhow::Result<crate::store::SharedStore> {
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the data directory {}: {e}",
                self.data_dir.display()
            )
        })?;
        let url = self.url();
        crate::store::open(&url).await.map_err(|e| {
            anyhow::anyhow!(
                "cannot open the database {}: {e:#}",
                crate::store::redact(&url)
            )
        })
    }
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::User(command) => block_on(user::run(command)),
        Command::Form(command) => block_on(form::run(command)),
        Command::Expr(args) => expr::run(args),
        Command::DeviceToken(command) => block_on(device_token::run(command)),
        Command::Export(args) => block_on(export::run(args)),
        Command::Bench(command) => tokio::runtime::Runtime::new()
            .map_err(anyhow::Error::from)
            .and_then(|runtime| runtime.block_on(bench::run(command))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fieldform: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one short command on a small runtime.
fn block_on(future: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(future)
}
