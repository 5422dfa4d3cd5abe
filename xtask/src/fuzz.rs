//! `cargo xtask fuzz`: the fuzz targets (crate `fieldform-fuzz`) for longer
//! than the budget `cargo test` gives them, in release, on stable Rust.
//!
//! ```text
//! cargo xtask fuzz [--seconds N] [--target T] [--seed S] [--save] [--replay PATH]
//! ```
//!
//! `--seconds` is per target (default 300); without `--seed` a fresh one is
//! taken from the clock (and printed, so a finding can be run again);
//! `--save` writes inputs with a new outcome class to `fuzz/corpus/<target>/`
//! (commit the useful ones); `--replay` runs one saved input (or a folder)
//! only, e.g. an artifact from `fuzz/artifacts/<target>/`.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::run::{cmd, status};

const TARGETS: &[&str] = &["expr", "xlsform", "form", "ingest"];

pub fn fuzz(args: &[String]) -> anyhow::Result<()> {
    let mut seconds = "300".to_owned();
    let mut target: Option<String> = None;
    let mut seed: Option<String> = None;
    let mut replay: Option<String> = None;
    let mut save = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("{name} needs a value"))
        };
        match arg.as_str() {
            "--seconds" => seconds = value("--seconds")?,
            "--target" => target = Some(value("--target")?),
            "--seed" => seed = Some(value("--seed")?),
            "--replay" => replay = Some(value("--replay")?),
            "--save" => save = true,
            other => anyhow::bail!(
                "unknown argument `{other}` (usage: cargo xtask fuzz [--seconds N] [--target {}] [--seed S] [--save] [--replay PATH])",
                TARGETS.join("|")
            ),
        }
    }
    seconds
        .parse::<f64>()
        .map_err(|_| anyhow::anyhow!("--seconds `{seconds}` is not a number"))?;
    if let Some(t) = &target
        && !TARGETS.contains(&t.as_str())
    {
        anyhow::bail!("no fuzz target `{t}` (targets: {})", TARGETS.join(", "));
    }
    if replay.is_some() && target.is_none() {
        anyhow::bail!("--replay needs --target: an input belongs to one target");
    }
    let seed = seed.unwrap_or_else(|| {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{:#x}", nanos as u64)
    });

    let mut test = cmd(
        "cargo",
        &[
            "test",
            "--release",
            "-p",
            "fieldform-fuzz",
            "--test",
            "fuzz",
            "--",
            "--nocapture",
            // One target per thread; each prints its own summary.
            "--test-threads=2",
        ],
    );
    if let Some(t) = &target {
        test.args(["--exact", t.as_str()]);
    }
    test.env("FIELDFORM_FUZZ_SECONDS", &seconds)
        .env("FIELDFORM_FUZZ_SEED", &seed);
    if save {
        test.env("FIELDFORM_FUZZ_SAVE", "1");
    }
    if let Some(path) = &replay {
        // Relative to where the command was typed, not the crate.
        let path =
            std::fs::canonicalize(path).map_err(|e| anyhow::anyhow!("--replay {path}: {e}"))?;
        test.env("FIELDFORM_FUZZ_REPLAY", path);
    }
    eprintln!(
        "xtask: fuzzing {} for {seconds} s each, seed {seed}",
        target.as_deref().unwrap_or("every target")
    );
    let start = Instant::now();
    let result = status(test);
    eprintln!("xtask: fuzzing took {}", human(start.elapsed()));
    result
}

fn human(d: Duration) -> String {
    format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
}
