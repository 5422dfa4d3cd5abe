//! Starting and stopping the server.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::accounts::{self, Credentials};
use crate::catalog::{self, Published};
use crate::config::{Config, Options};
use crate::{http, store};

/// A server listening on `addr`; dropping it does not stop it, `shutdown` does.
pub struct RunningServer {
    pub addr: SocketAddr,
    /// Credentials of the admin account created by this start, if any.
    pub new_admin: Option<Credentials>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// Stops accepting connections, lets in-flight requests finish, and waits.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(());
        self.task.await??;
        Ok(())
    }

    /// Waits until the server stops (it stops on Ctrl-C or SIGTERM).
    pub async fn wait(self) -> anyhow::Result<()> {
        let RunningServer { shutdown, task, .. } = self;
        tokio::select! {
            result = task => result??,
            () = termination() => {
                tracing::info!("shutting down: finishing in-flight requests");
                let _ = shutdown.send(());
            }
        }
        Ok(())
    }
}

/// [`start_with`] the default [`Options`].
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    start_with(config, Options::default()).await
}

/// Opens the database, publishes the forms directory, creates the first
/// admin if there is none, and starts listening.
pub async fn start_with(config: Config, options: Options) -> anyhow::Result<RunningServer> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the data directory {}: {e}",
            config.data_dir.display()
        )
    })?;
    let url = config.database_url();
    let store = store::open(&url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e:#}", store::redact(&url)))?;
    tracing::info!(backend = store.backend(), "database ready");

    if let Some(dir) = &config.forms_dir {
        for (path, result) in catalog::publish_dir(store.as_ref(), dir).await {
            match result {
                Ok(Published::New) => tracing::info!(%path, "published"),
                Ok(Published::AlreadyPublished) => tracing::debug!(%path, "already published"),
                Err(error) => tracing::warn!(%path, %error, "not published"),
            }
        }
    }
    let new_admin = accounts::ensure_admin(store.as_ref()).await?;

    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr()?;
    let app = http::router(http::AppState::new(store, options), &config)
        // The rate limit keys anonymous callers by address.
        .into_make_service_with_connect_info::<SocketAddr>();
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        new_admin,
        shutdown,
        task,
    })
}

async fn termination() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
