//! `fieldform serve`.

use std::net::{IpAddr, SocketAddr};
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
    /// Address devices reach the server at, for provisioning links. Without
    /// it, links are made only for requests from this machine (from the
    /// `Host` they name); from elsewhere, creating a device token is refused.
    #[arg(long, env = "FIELDFORM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Most submissions accepted in one batch.
    #[arg(long, env = "FIELDFORM_MAX_BATCH", default_value_t = Options::default().max_batch)]
    pub max_batch: usize,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "FIELDFORM_MAX_BODY_BYTES", default_value_t = Options::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Requests per second allowed per verified token (per client address
    /// without one, or with a token that does not verify), after the burst; raise it (e.g. for load tests) rather than expect
    /// 429 `rate_limited` replies.
    #[arg(long, env = "FIELDFORM_RATE_PER_SECOND", value_parser = positive,
          default_value_t = Options::default().rate_per_second)]
    pub rate_per_second: f64,
    /// Requests per verified token (per client address otherwise) allowed
    /// at once, above that rate.
    #[arg(long, env = "FIELDFORM_RATE_BURST", value_parser = positive,
          default_value_t = Options::default().rate_burst)]
    pub rate_burst: f64,
    /// Address of a reverse proxy in front of the server (repeat the flag,
    /// or separate with commas). Requests from it are rate limited by the
    /// client address in its `X-Forwarded-For`; from anyone else that
    /// header is ignored. Without it, every client behind a proxy shares
    /// the proxy's limit.
    #[arg(
        long = "trusted-proxy",
        env = "FIELDFORM_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,
}

/// A finite number above zero (a rate of 0 or `inf` would make no sense).
fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(n),
        _ => Err(format!("`{text}` is not a positive number")),
    }
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
        rate_per_second: args.rate_per_second,
        rate_burst: args.rate_burst,
        public_url: args.public_url,
        trusted_proxies: args.trusted_proxies,
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
