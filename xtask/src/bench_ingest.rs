//! `cargo xtask bench-ingest [--release]`: the server's ingest rate
//! (`fieldform bench ingest`, batches of 50) on SQLite and on a throwaway
//! PostgreSQL with fsync on; rewrites the "Server ingest" section of
//! BENCHMARKS.md and leaves the other sections alone.
//!
//! `cargo xtask bench-ingest --under-attack [--release]`: the same rate
//! alone and while 64 tasks send bogus logins and one uploads spreadsheet
//! bombs (`fieldform bench ingest --under-attack`); rewrites the "Server
//! ingest under attack" section, and fails when the rate under attack falls
//! below half or the peak memory passes [`MAX_PEAK_RSS_MIB`].

use anyhow::Context;

use crate::postgres::Cluster;
use crate::run::cmd;

const HEADING: &str = "## Server ingest";
const ATTACK_HEADING: &str = "## Server ingest under attack";

/// The stated memory bound: the whole server process's peak resident size
/// while it ingests under attack.
const MAX_PEAK_RSS_MIB: f64 = 512.0;
/// Submissions in each phase of the attack run (alone, under attack).
const ATTACK_SUBMISSIONS: &str = "5000";

pub fn bench_ingest(args: &[String]) -> anyhow::Result<()> {
    let release = args.iter().any(|a| a == "--release");
    if args.iter().any(|a| a == "--under-attack") {
        return under_attack(release);
    }
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

/// One backend's attack run: the `attack:` line's numbers.
struct Attack {
    normal: f64,
    attacked: f64,
    ratio: f64,
    peak_rss_mib: f64,
    logins_per_s: f64,
    bombs_per_s: f64,
}

fn under_attack(release: bool) -> anyhow::Result<()> {
    let cluster = Cluster::start_with(true)?;
    let attack = |url: Option<&str>| -> anyhow::Result<Attack> {
        let text = fieldform_bench(
            release,
            url,
            &[
                "--under-attack",
                "--attackers",
                "64",
                "--submissions",
                ATTACK_SUBMISSIONS,
            ],
        )?;
        let line = text
            .lines()
            .find(|l| l.starts_with("attack: "))
            .with_context(|| format!("no `attack:` line in the output: {text}"))?;
        let field = |name: &str| -> anyhow::Result<f64> {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .with_context(|| format!("no {name} in `{line}`"))
        };
        Ok(Attack {
            normal: field("normal")?,
            attacked: field("attacked")?,
            ratio: field("ratio")?,
            peak_rss_mib: field("peak_rss_mib")?,
            logins_per_s: field("logins_per_s")?,
            bombs_per_s: field("bombs_per_s")?,
        })
    };
    let sqlite = attack(None)?;
    let postgres = attack(Some(&cluster.url))?;
    drop(cluster);
    let build = if release {
        "Release build"
    } else {
        "Debug build (dependencies at `opt-level = 1`); `--release` measures the release profile"
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let row = |name: &str, a: &Attack| {
        format!(
            "| {name} | {:.0} | {:.0} | {:.2} | {:.0} | {:.0} | {:.1} |\n",
            a.normal, a.attacked, a.ratio, a.peak_rss_mib, a.logins_per_s, a.bombs_per_s
        )
    };
    let section = format!(
        "{ATTACK_HEADING} (`cargo xtask bench-ingest --under-attack`)\n\n\
         `fieldform bench ingest --under-attack`: {ATTACK_SUBMISSIONS} submissions (as above, \
         batches of 50, 4 clients) alone, then {ATTACK_SUBMISSIONS} more while 64 tasks post \
         bogus logins without pause (each an argon2 check) and one task uploads spreadsheet \
         bombs in turn (an .xlsx with cells A1 and XFD1048576, 6.5 MB inflating to 1 GiB behind \
         a lying header, .ods cells and rows repeated 100 million times, .xls cells at IV65536 \
         and a looping sector chain), all refused with 422. Peak RSS is the whole process's \
         `VmHWM` during the phase. {build}, {cores} cores.\n\n\
         | backend | alone (submissions/s) | under attack | ratio | peak RSS under attack (MiB) \
         | bogus logins/s | bombs refused/s |\n| --- | --- | --- | --- | --- | --- | --- |\n\
         {}{}\n\
         Targets: the rate under attack at least half the rate alone (ratio ≥ 0.5), and peak \
         RSS under {MAX_PEAK_RSS_MIB:.0} MiB.\n",
        row("SQLite", &sqlite),
        row("PostgreSQL", &postgres),
    );
    let path = crate::root().join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".into());
    let new = crate::benchmarks_md::replace_section(&old, ATTACK_HEADING, &section);
    std::fs::write(&path, new).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("xtask: updated the server ingest under attack section of BENCHMARKS.md");
    for (name, a) in [("SQLite", &sqlite), ("PostgreSQL", &postgres)] {
        anyhow::ensure!(
            a.ratio >= 0.5,
            "{name}: under attack ingest fell to {:.2} of its rate alone (target ≥ 0.5)",
            a.ratio
        );
        anyhow::ensure!(
            a.peak_rss_mib < MAX_PEAK_RSS_MIB,
            "{name}: peak RSS {:.0} MiB under attack (bound {MAX_PEAK_RSS_MIB:.0} MiB)",
            a.peak_rss_mib
        );
    }
    Ok(())
}

/// Runs `fieldform bench ingest EXTRA...` and returns what it printed.
fn fieldform_bench(
    release: bool,
    database_url: Option<&str>,
    extra: &[&str],
) -> anyhow::Result<String> {
    let mut args = vec!["run", "-q", "-p", "fieldform-server"];
    if release {
        args.push("--release");
    }
    args.extend(["--", "bench", "ingest", "--batch", "50"]);
    args.extend_from_slice(extra);
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
    Ok(text.into_owned())
}

/// Runs `fieldform bench ingest` and reads its rate.
fn run(release: bool, database_url: Option<&str>) -> anyhow::Result<f64> {
    let text = fieldform_bench(release, database_url, &[])?;
    // "sqlite: 20000 submissions in 3.89 s = 5146 submissions/s (...)"
    text.split(" = ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("no rate in the output of fieldform bench: {text}"))
}
