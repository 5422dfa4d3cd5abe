//! The `fieldform` command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

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
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "FIELDFORM_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Directory for the embedded database and other data.
    #[arg(long, env = "FIELDFORM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Database URL; defaults to SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory of form files to publish at start.
    #[arg(long, env = "FIELDFORM_FORMS_DIR", default_value = "forms")]
    pub forms_dir: PathBuf,
    /// The app's release build, served at `/`.
    #[arg(long, env = "FIELDFORM_APP_DIR", default_value = "dist")]
    pub app_dir: PathBuf,
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Serve(args) => report(serve(args)),
    }
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fieldform: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config {
        addr: args.addr,
        data_dir: args.data_dir,
        database_url: args.database_url,
        forms_dir: Some(args.forms_dir),
        app_dir: args.app_dir,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let server = crate::start(config).await?;
        if let Some(admin) = &server.new_admin {
            println!(
                "Created the first admin account. Sign in with user `{}` and password `{}`; \
                 it is shown only this once.",
                admin.username, admin.password
            );
        }
        // Scripts and tests read this line to learn the port.
        println!("Fieldform listening on http://{}", server.addr);
        server.wait().await
    })
}
