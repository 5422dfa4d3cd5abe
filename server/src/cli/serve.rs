//! `fieldform serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::config::{Config, Options};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "FIELDFORM_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub database: super::DatabaseArgs,
    /// Directory of form files to publish at start.
    #[arg(long, env = "FIELDFORM_FORMS_DIR", default_value = "forms")]
    pub forms_dir: PathBuf,
    /// The app's release build, served at `/`.
    #[arg(long, env = "FIELDFORM_APP_DIR", default_value = "dist")]
    pub app_dir: PathBuf,
    /// Address devices reach the server at, for provisioning links
    /// (default: the address in each request).
    #[arg(long, env = "FIELDFORM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Most submissions accepted in one batch.
    #[arg(long, env = "FIELDFORM_MAX_BATCH", default_value_t = Options::default().max_batch)]
    pub max_batch: usize,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "FIELDFORM_MAX_BODY_BYTES", default_value_t = Options::default().max_body_bytes)]
    pub max_body_bytes: usize,
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config {
        addr: args.addr,
        data_dir: args.database.data_dir,
        database_url: args.database.database_url,
        forms_dir: Some(args.forms_dir),
        app_dir: args.app_dir,
    };
    let options = Options {
        max_batch: args.max_batch,
        max_body_bytes: args.max_body_bytes,
        public_url: args.public_url,
        ..Options::default()
    };
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let server = crate::start_with(config, options).await?;
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
