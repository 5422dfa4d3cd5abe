//! `cargo xtask bench`: runs the benchmarks and writes BENCHMARKS.md.
//!
//! The machines are noisy, so BENCHMARKS.md states ratios between figures
//! measured in the same run, next to the raw medians.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::run::{cmd, status, target_dir};

const SIZES: [&str; 3] = ["200x10", "1000x50", "3000x100"];

pub fn bench() -> anyhow::Result<()> {
    status(cmd(
        "cargo",
        &["bench", "-p", "fieldform-engine", "--bench", "engine"],
    ))?;
    let criterion = target_dir().join("criterion");
    let median = |group: &str, size: &str| median_ns(&criterion, group, size);

    let mut md = String::from(
        "# Benchmarks\n\n\
         Produced on the project's 2-core machine by `cargo xtask bench` (the engine: \
         criterion medians, native, release build; and in headless Chromium), \
         `cargo xtask bench-ingest` (the server) and `cargo xtask bench-app` (the app), each \
         rewriting its own sections. Figures from different runs are not comparable; the \
         ratios are, because they come from the same run.\n\n\
         ## Engine (`cargo bench -p fieldform-engine`)\n\n\
         Generated forms (`engine/benches/engine.rs`): blocks of six questions with a relevance \
         chain, a calculation and constraints, plus a roster whose rows have calculations, \
         relevance and `position(..)`, summed outside the roster. *Load* compiles the form \
         and fills the roster; an *edit* sets one integer and recomputes what depends on it.\n\n\
         | form (questions x roster rows) | load | edit, top level | edit, in the roster |\n\
         | --- | --- | --- | --- |\n",
    );
    let mut rows = Vec::new();
    for size in SIZES {
        let load = median("load", size)?;
        let top = median("edit_top_level", size)?;
        let roster = median("edit_in_roster", size)?;
        writeln!(
            md,
            "| {size} | {} | {} | {} |",
            human(load),
            human(top),
            human(roster)
        )?;
        rows.push((load, top, roster));
    }
    let (small, large) = (rows[0], rows[2]);
    writeln!(
        md,
        "\nRatios, largest form to smallest (15x the questions, 10x the rows):\n\n\
         - top-level edit: **{:.2}x** (flat: an edit costs what it affects, not the form size)\n\
         - edit in the roster: **{:.2}x** (it re-sums the roster column, linear in the rows)\n\
         - load: **{:.1}x**\n\n\
         At 3000 questions x 100 rows a top-level edit takes {} ({:.0}x under the 20 µs target), \
         and one load is worth {:.0} top-level edits.",
        large.1 / small.1,
        large.2 / small.2,
        large.0 / small.0,
        human(large.1),
        20_000.0 / large.1,
        large.0 / large.1,
    )?;
    filtered_csv(&mut md, &criterion)?;
    browser(&mut md)?;
    md.push_str(&format!("\n{}\n\n", crate::bench_peers::HEADING));
    md.push_str(&crate::bench_peers::section()?);
    let path = crate::root().join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, md + &other_sections(&old))?;
    eprintln!("xtask: wrote BENCHMARKS.md");
    Ok(())
}

/// The large external choice list: an edit that re-filters it from the
/// index, against the same filter written so that it scans every row.
fn filtered_csv(md: &mut String, criterion: &Path) -> anyhow::Result<()> {
    let indexed = median_ns(criterion, "edit_filtered_csv", "indexed")?;
    let scanned = median_ns(criterion, "edit_filtered_csv", "scanned")?;
    let parse = median_ns(criterion, "load_filtered_csv", "parse")?;
    let compile = median_ns(criterion, "load_filtered_csv", "compile")?;
    writeln!(
        md,
        "\n| choice list from a 40,000-row CSV, filtered by two answers | edit of one answer |\n\
         | --- | --- |\n\
         | `state=${{state}} and district=${{district}}` (indexed) | {} |\n\
         | `(state=${{state}} and district=${{district}}) or false()` (not a conjunction: scans every row) | {} |\n\n\
         A `select_one_from_file` over 20 states x 40 districts x 50 villages: the edit changes \
         the district and the select's 50 visible villages are recomputed. A filter made of \
         `column = ${{field}}` tests is answered from an index built when the form is compiled \
         (`engine/src/external/index.rs`): **{:.0}x** faster than evaluating the filter on every \
         row, in the same run. Once per form: parsing the 40,000-row file takes {}, compiling \
         the form with it (its choice list and the index) into a blank response {}.",
        human(indexed),
        human(scanned),
        scanned / indexed,
        human(parse),
        human(compile),
    )?;
    Ok(())
}

fn median_ns(criterion: &Path, group: &str, size: &str) -> anyhow::Result<f64> {
    let path = criterion.join(group).join(size).join("new/estimates.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    json["median"]["point_estimate"]
        .as_f64()
        .with_context(|| format!("{}: no median.point_estimate", path.display()))
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.1} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The same workload in headless Chromium (`engine/tests/browser_bench.rs`),
/// where the app runs the engine as wasm.
fn browser(md: &mut String) -> anyhow::Result<()> {
    crate::install::build_tools()?;
    let browser = crate::install::browser()?;
    let mut test = cmd(
        "cargo",
        &[
            "test",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "fieldform-engine",
            "--features",
            "browser-bench",
            "--test",
            "browser_bench",
            "--",
            "--nocapture",
        ],
    );
    test.env("CHROMEDRIVER", &browser.chromedriver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "600");
    let _scratch = crate::test::ScratchTmp::new("browser-bench", &mut test);
    eprintln!("xtask: $ {}", crate::run::describe(&test));
    let out = test.output().context("running the browser benchmark")?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        anyhow::bail!("the browser benchmark failed:\n{text}");
    }
    let figure = |group: &str, size: &str| -> anyhow::Result<f64> {
        let prefix = format!("browser-bench: {group} {size} ");
        text.lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix(&prefix)
                    .and_then(|n| n.trim().parse().ok())
            })
            .with_context(|| format!("no `{prefix}` line in the browser benchmark's output"))
    };
    md.push_str(
        "\n## Engine in headless Chromium (wasm)\n\n\
         The same workload compiled to wasm (release) and timed in Debian's Chromium \
         (`engine/tests/browser_bench.rs`, mean of 20,000 edits after a warm-up; 5 loads).\n\n\
         | form (questions x roster rows) | load | edit, top level | edit, in the roster |\n\
         | --- | --- | --- | --- |\n",
    );
    let mut large = (0.0, 0.0);
    for size in SIZES {
        let (load, top, roster) = (
            figure("load", size)?,
            figure("edit_top_level", size)?,
            figure("edit_in_roster", size)?,
        );
        writeln!(
            md,
            "| {size} | {} | {} | {} |",
            human(load),
            human(top),
            human(roster)
        )?;
        large = (load, top);
    }
    writeln!(
        md,
        "\nAt 3000 x 100 in Chromium: load {}, top-level edit {}. The next section measures \
         the two peer engines in the same browser and run.",
        human(large.0),
        human(large.1),
    )?;
    Ok(())
}

/// The `## ` sections of `old` that this command does not write (the server
/// ingest figures come from `cargo xtask bench-ingest`).
fn other_sections(old: &str) -> String {
    let mut kept = String::new();
    let mut keep = false;
    for line in old.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            keep = !heading.starts_with("Engine");
            // One blank line before each kept section, not two.
            if keep && !kept.ends_with("\n\n") {
                kept.push('\n');
            }
        }
        if keep {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::other_sections;

    #[test]
    fn keeps_only_the_sections_it_does_not_write() {
        let old = "# Benchmarks\nintro\n\n## Engine (x)\nold\n\n## Server ingest\nfigures\n\n## Engine in Chromium\nold\n";
        assert_eq!(other_sections(old), "\n## Server ingest\nfigures\n\n");
        let two = "## Engine\nx\n\n## App\na\n\n## Attack\nb\n";
        assert_eq!(other_sections(two), "\n## App\na\n\n## Attack\nb\n");
    }
}
