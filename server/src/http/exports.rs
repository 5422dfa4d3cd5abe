//! `GET /api/forms/{id}/export?format=csv|xlsx|json|ndjson|codebook&...`
//! (coordinators): the export of `crate::exports`, streamed.
//!
//! The parameters are checked, the form version found and the matching
//! submissions counted before the response starts (422/404 come as JSON);
//! then the headers go out at once (`X-Fieldform-Total`: the count, for a
//! progress bar) and the body follows as the exporter writes it, through a
//! bounded channel: memory stays flat, and a slow client slows the export
//! rather than filling memory. A failure mid-way aborts the body (the
//! connection ends without the chunked terminator), so a truncated export
//! never looks complete.

use std::io::{self, Write};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::sync::{Semaphore, mpsc};

use super::AppState;
use super::extract::Coordinator;
use crate::error::ApiError;
use crate::exports::{self, ExportFailure, ExportParams, Format};

/// At most this many exports of submissions run at once (process-wide):
/// each holds a database connection and a blocking thread for its whole
/// download, and ingest must keep both. Another one waits for a slot up to
/// [`SLOT_WAIT`], then is refused (503 `exports_busy`) before the request
/// timeout would cut it.
const CONCURRENT_EXPORTS: usize = 2;
const SLOT_WAIT: Duration = Duration::from_secs(30);
static EXPORTS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(CONCURRENT_EXPORTS)));

/// Bytes are sent in chunks of about this size.
const CHUNK: usize = 32 * 1024;
/// Chunks waiting for the client.
const CHUNKS_IN_FLIGHT: usize = 8;

/// The number of submissions in the export, sent before the body.
pub const TOTAL_HEADER: &str = "x-fieldform-total";

pub fn routes() -> Router<AppState> {
    Router::new().route("/forms/{id}/export", get(export))
}

impl From<ExportFailure> for ApiError {
    fn from(failure: ExportFailure) -> Self {
        match failure {
            ExportFailure::NotFound(what) => ApiError::NotFound { what },
            ExportFailure::Invalid(fields) => ApiError::Validation(fields),
            ExportFailure::Store(e) => ApiError::Database(e),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

async fn export(
    State(state): State<AppState>,
    Coordinator(user): Coordinator,
    Path(id): Path<String>,
    Query(params): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let spec = params.check().map_err(ApiError::Validation)?;
    // The codebook reads no submissions: no slot.
    let permit = if spec.format == Format::Codebook {
        None
    } else {
        let slot = tokio::time::timeout(SLOT_WAIT, EXPORTS.clone().acquire_owned()).await;
        match slot {
            Ok(Ok(permit)) => Some(permit),
            Ok(Err(e)) => return Err(ApiError::Internal(format!("export slots: {e}"))),
            Err(_) => {
                return Err(ApiError::Refused {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    code: "exports_busy",
                    message: format!(
                        "{CONCURRENT_EXPORTS} exports are running; retry when one has finished"
                    ),
                    fields: Vec::new(),
                });
            }
        }
    };
    let prepared = exports::prepare(state.store.as_ref(), &id, spec).await?;
    // Who took which data out: exports carry every answer.
    state
        .audit(
            &format!("user:{}", user.username),
            "form.export",
            &format!("form:{}@{}", prepared.form_id, prepared.version),
            json!({ "format": prepared.format.as_str(), "total": prepared.total }),
        )
        .await?;

    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(prepared.format.content_type()),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!(
                "attachment; filename=\"{}\"",
                prepared.file_name()
            ))
            .map_err(|e| ApiError::Internal(format!("export file name: {e}")))?,
        ),
        (
            HeaderName::from_static(TOTAL_HEADER),
            HeaderValue::from(prepared.total),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];

    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(CHUNKS_IN_FLIGHT);
    let store = state.store.clone();
    let what = format!("{}@{}", prepared.form_id, prepared.version);
    tokio::spawn(async move {
        let _permit = permit;
        let writer = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        // A client that goes away stops the export (dropping `run` stops
        // the database read), also for the XLSX, which writes only at the end.
        let result = tokio::select! {
            result = exports::run(store, prepared, writer) => result,
            () = tx.closed() => {
                tracing::info!(form = %what, "export stopped: the client went away");
                return;
            }
        };
        match result {
            Ok((written, _)) => {
                tracing::info!(form = %what, submissions = written, "export finished");
            }
            Err(_) if tx.is_closed() => {
                tracing::info!(form = %what, "export stopped: the client went away");
            }
            Err(error) => {
                tracing::error!(form = %what, error = %error, "export failed mid-way");
                // An error item makes hyper abort the body; sent after
                // anything the failed writer left, so nothing follows it.
                let _gone = tx
                    .send(Err(io::Error::other(format!("the export failed: {error}"))))
                    .await;
            }
        }
    });
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let body = Body::from_stream(chunks);
    Ok((headers, body).into_response())
}

/// The exporter's `Write` (on a blocking thread): bytes gathered into
/// chunks sent to the response body; blocks while the client is behind.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            io::Error::new(io::ErrorKind::BrokenPipe, "the client stopped the download")
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}
