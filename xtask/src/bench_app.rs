//! `cargo xtask bench-app`: the app in headless Chromium against the real
//! server (`tests/e2e/bench-app.mjs`): opening forms, answering, moving
//! between sections, draining the outbox, the heavy cases (a roster of 200,
//! a repeat in a repeat, a 40,000-choice cascade; `tests/e2e/bench-heavy.mjs`),
//! navigation to GGS's first question cold and from the service worker's
//! cache, and the bytes downloaded (raw, gzip, brotli) beside the floor
//! under them (the engine alone and the smallest leptos app, built as the
//! app is); rewrites the "App in headless Chromium" section of BENCHMARKS.md.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use crate::bench_peers::{ENGINE, WasmCrate, build_wasm};
use crate::install;
use crate::run::{cmd, target_dir};

const HEADING: &str = "## App in headless Chromium";

/// One input bound to a signal (`bench/floor`): what any leptos app pays.
const LEPTOS_FLOOR: WasmCrate = WasmCrate {
    package: "fieldform-bench-floor",
    artifact: "fieldform-bench-floor",
};

/// Where each floor's wasm and JS glue go (`tests/e2e/bench-heavy.mjs`
/// measures the files it finds there, so they are emptied first).
struct Floors {
    engine: PathBuf,
    leptos: PathBuf,
}

/// Builds the engine alone and the leptos floor into fresh directories.
fn floors() -> anyhow::Result<Floors> {
    let started = Instant::now();
    let base = target_dir().join("bench-floor");
    let floors = Floors {
        engine: base.join("engine"),
        leptos: base.join("leptos"),
    };
    for (krate, out) in [(&ENGINE, &floors.engine), (&LEPTOS_FLOOR, &floors.leptos)] {
        // A file left by an earlier build would be counted.
        if out.exists() {
            std::fs::remove_dir_all(out)
                .with_context(|| format!("cannot empty {}", out.display()))?;
        }
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        build_wasm(krate, out)?;
    }
    eprintln!(
        "xtask: the floors (engine alone, smallest leptos app) built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(floors)
}

pub fn bench_app() -> anyhow::Result<()> {
    let tools = install::build_tools()?;
    let browser = install::browser()?;
    crate::app::build(&tools, true)?;
    let floors = floors()?;
    // The server as deployed (release): the sync drain measures the
    // tablet, so the server must not be the bottleneck.
    crate::run::status(cmd(
        "cargo",
        &["build", "--release", "-p", "fieldform-server"],
    ))?;
    install::npm_packages("tests/e2e", "tests/e2e/node_modules/playwright-core")?;
    let root = crate::root();
    let mut node = cmd("node", &["tests/e2e/bench-app.mjs"]);
    node.env(
        "FIELDFORM_BIN",
        crate::run::target_dir().join("release/fieldform"),
    )
    .env("FIELDFORM_APP_DIR", root.join("dist"))
    .env("FIELDFORM_FLOOR_ENGINE_DIR", &floors.engine)
    .env("FIELDFORM_FLOOR_LEPTOS_DIR", &floors.leptos)
    .env("FIELDFORM_FORMS_DIR", root.join("forms"))
    .env("CHROMIUM", &browser.chromium);
    let out = node.output().context("cannot run node")?;
    if !out.status.success() {
        anyhow::bail!(
            "bench-app.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let section = String::from_utf8(out.stdout).context("bench-app.mjs printed non-UTF-8")?;
    eprint!("{section}");
    let path = root.join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".into());
    let new = crate::benchmarks_md::replace_section(&old, HEADING, &section);
    std::fs::write(&path, new).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("xtask: updated the app section of BENCHMARKS.md");
    Ok(())
}
