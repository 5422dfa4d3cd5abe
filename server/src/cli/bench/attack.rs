//! `fieldform bench ingest --under-attack` (issue 12): the ingest rate
//! alone, then while bogus logins (argon2 on every attempt) and spreadsheet
//! bombs hit the same app without pause, with the peak memory of each phase.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt as _;

use super::Bench;
use crate::store::Role;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ODS: &str = "application/vnd.oasis.opendocument.spreadsheet";
const XLS: &str = "application/vnd.ms-excel";

pub(super) async fn measure(
    bench: &Bench,
    submissions: usize,
    clients: usize,
    attackers: usize,
) -> anyhow::Result<()> {
    let coordinator = coordinator_token(bench).await?;
    let backend = bench.store.backend();

    reset_peak_memory();
    let (normal, normal_s) = bench.ingest(submissions, clients).await?;
    let normal_peak = peak_memory_kib();

    reset_peak_memory();
    let stop = Arc::new(AtomicBool::new(false));
    let logins = Arc::new(AtomicU64::new(0));
    let bombs = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for attacker in 0..attackers {
        let (app, stop, logins) = (bench.app.clone(), stop.clone(), logins.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = json!({ "username": format!("intruder{attacker}x{n}"), "password": "not-the-password" });
                let request = Request::post("/api/sessions")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))?;
                let status = app.clone().oneshot(request).await?.status();
                anyhow::ensure!(
                    matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS),
                    "a bogus login got {status}"
                );
                logins.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(())
        }));
    }
    {
        let (app, stop, bombs) = (bench.app.clone(), stop.clone(), bombs.clone());
        let kinds = bomb_kinds();
        tasks.push(tokio::spawn(async move {
            for (kind, bytes) in kinds.iter().cycle() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let request = Request::post("/api/forms")
                    .header(header::AUTHORIZATION, format!("Bearer {coordinator}"))
                    .header(header::CONTENT_TYPE, *kind)
                    .body(Body::from(bytes.clone()))?;
                let status = app.clone().oneshot(request).await?.status();
                anyhow::ensure!(
                    matches!(
                        status,
                        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::SERVICE_UNAVAILABLE
                    ),
                    "a bomb upload got {status}"
                );
                bombs.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(())
        }));
    }
    // Let the attack get going before the clock starts.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (logins_before, bombs_before) = (
        logins.load(Ordering::Relaxed),
        bombs.load(Ordering::Relaxed),
    );
    let attacked = bench.ingest(submissions, clients).await;
    let (logins_during, bombs_during) = (
        logins.load(Ordering::Relaxed) - logins_before,
        bombs.load(Ordering::Relaxed) - bombs_before,
    );
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await??;
    }
    let (attacked, attacked_s) = attacked?;
    let attacked_peak = peak_memory_kib();

    let mib =
        |kib: Option<u64>| kib.map_or_else(|| "unknown".to_owned(), |k| format!("{}", k / 1024));
    println!(
        "{backend}: {submissions} submissions alone in {normal_s:.2} s = {normal:.0} submissions/s, \
         peak RSS {} MiB",
        mib(normal_peak)
    );
    println!(
        "{backend}: {submissions} submissions under attack in {attacked_s:.2} s = {attacked:.0} \
         submissions/s, peak RSS {} MiB ({attackers} tasks made {logins_during} bogus logins \
         = {:.0}/s; {bombs_during} bombs refused = {:.1}/s)",
        mib(attacked_peak),
        logins_during as f64 / attacked_s,
        bombs_during as f64 / attacked_s,
    );
    println!(
        "attack: normal={normal:.0} attacked={attacked:.0} ratio={:.2} peak_rss_mib={} \
         logins_per_s={:.0} bombs_per_s={:.1}",
        attacked / normal,
        mib(attacked_peak.max(normal_peak)),
        logins_during as f64 / attacked_s,
        bombs_during as f64 / attacked_s,
    );
    Ok(())
}

/// Every kind of bomb the importer refuses, generated once.
fn bomb_kinds() -> Vec<(&'static str, Bytes)> {
    use fieldform_xlsform::bombs;
    vec![
        (XLSX, bombs::xlsx_far_cells().into()),
        // 6.5 MB inflating to 1 GiB behind a header that claims 1 KB.
        (
            XLSX,
            bombs::zip_bomb("xl/sharedStrings.xml", 1024, 1 << 30).into(),
        ),
        (ODS, bombs::ods_repeated(100_000_000, 1).into()),
        (ODS, bombs::ods_repeated(1, 100_000_000).into()),
        (XLS, bombs::xls_far_cells().into()),
        (XLS, bombs::xls_chain_loop().into()),
    ]
}

/// A coordinator's session token (publishing needs one), made before the
/// clock starts.
async fn coordinator_token(bench: &Bench) -> anyhow::Result<String> {
    let password = "bench-password-1";
    crate::accounts::create_user(
        bench.store.as_ref(),
        "bench-coordinator",
        Role::Coordinator,
        password,
    )
    .await?
    .map_err(|e| anyhow::anyhow!("cannot create the coordinator: {e}"))?;
    let request = Request::post("/api/sessions")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "username": "bench-coordinator", "password": password }).to_string(),
        ))?;
    let response = bench.app.clone().oneshot(request).await?;
    anyhow::ensure!(
        response.status() == StatusCode::CREATED,
        "login refused: {}",
        response.status()
    );
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    let session: serde_json::Value = serde_json::from_slice(&body)?;
    session["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no token in the login reply"))
}

/// The process's peak resident memory since the last reset (`VmHWM`), in KiB.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Starts a new peak (`VmHWM`) from the current resident size (Linux).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
