//! `cargo xtask bench-ingest [--release]`: the server's ingest rate
//! (`fieldform bench ingest`, batches of 50) on SQLite and on a throwaway
//! PostgreSQL with fsync on; rewrites the "Server ingest" section of
//! BENCHMARKS.md and leaves the other sections alone.

use anyhow::Context;

use crate::postgres::Cluster;
use crate::run::cmd;

const HEADING: &str = "## Server ingest";

pub fn bench_ingest(args: &[String]) -> anyhow::Result<()> {
    let release = args.iter().any(|a| a == "--release");
    let cluster = Cluster::start_with(true)?;
    let sqlite = run(release, None)?;
    let postgres = run(release, Some(&cluster.url))?;
    drop(cluster);
    let build = if release {
        "Release build of the server"
    } else {
        "Debug build of the server (dependencies at `opt-level = 1`), so these are lower bounds; \
         `cargo xtask bench-ingest --release` measures the release profile"
    };
    let section = format!(
        "{HEADING} (`cargo xtask bench-ingest`)\n\n\
         `fieldform bench ingest`: 20 000 submissions of a GGS-sized household form (100 top-level answers with range checks, relevance and dates, and a household grid of six members: about 2.4 KB of JSON each, fully re-validated by the engine), in batches of 50 \
         (`POST /api/submissions/batch`), from 4 concurrent clients, through the whole ingest path \
         in process (routing, token lookup, JSON, the engine's re-validation, one transaction per \
         batch, commit) but without sockets. SQLite in WAL mode with `synchronous = FULL`; \
         PostgreSQL in a throwaway cluster with `fsync` on. {build}.\n\n\
         | backend | submissions/s (batch 50) |\n| --- | --- |\n\
         | SQLite | {sqlite:.0} |\n| PostgreSQL | {postgres:.0} |\n\n\
         Target: at least 2000/s on SQLite. Every batch is acknowledged only after its commit \
         (see `server/tests/durability.rs`).\n"
    );
    let path = crate::root().join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".into());
    let new = crate::benchmarks_md::replace_section(&old, HEADING, &section);
    std::fs::write(&path, new).with_context(|| format!("cannot write {}", path.display()))?;
    println!("SQLite: {sqlite:.0} submissions/s; PostgreSQL: {postgres:.0} submissions/s");
    eprintln!("xtask: updated the server ingest section of BENCHMARKS.md");
    Ok(())
}

/// Runs `fieldform bench ingest` and reads its rate.
fn run(release: bool, database_url: Option<&str>) -> anyhow::Result<f64> {
    let mut args = vec!["run", "-q", "-p", "fieldform-server"];
    if release {
        args.push("--release");
    }
    args.extend(["--", "bench", "ingest", "--batch", "50"]);
    if let Some(url) = database_url {
        args.extend(["--database-url", url]);
    }
    eprintln!("xtask: $ cargo {}", args.join(" "));
    let out = cmd("cargo", &args).output().context("cannot run cargo")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        anyhow::bail!(
            "fieldform bench ingest failed: {}{}",
            text,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    eprint!("{text}");
    // "sqlite: 20000 submissions in 3.89 s = 5146 submissions/s (...)"
    text.split(" = ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("no rate in the output of fieldform bench: {text}"))
}
