//! The engine beside its peers (SurveyJS's survey-core and ODK's
//! xforms-engine, pinned in `bench/package.json`) in one headless Chromium
//! page: `bench/run.mjs` drives the page this module assembles in
//! `target/bench-peers/` (the peers bundled by esbuild, Fieldform's engine
//! built for wasm by `bench/wasm` as the app's is: the `wasm-release`
//! profile, then `wasm-opt -Oz`). The binding differs from the app in one
//! way: it counts allocations (`stats_alloc`) for the memory figures.
//!
//! `cargo xtask test` runs the correctness cross-check (the three engines
//! compute the same after the same edits; `bench/run.mjs --check`);
//! `cargo xtask bench` the timings.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use crate::install;
use crate::run::{cmd, status, target_dir};

/// Every file of the page, built afresh (cheap: cargo and esbuild skip
/// what has not changed).
pub fn prepare() -> anyhow::Result<PathBuf> {
    install::build_tools()?;
    install::npm_packages("bench", "bench/node_modules/survey-core/package.json")?;
    install::npm_packages("tests/e2e", "tests/e2e/node_modules/playwright-core")?;
    let root = crate::root();
    let out = target_dir().join("bench-peers");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    build_wasm(&ENGINE, &out.join("fieldform"))?;
    let peers = out.join("peers.js");
    let esbuild = root.join("bench/node_modules/.bin/esbuild");
    status(cmd(
        path_str(&esbuild)?,
        &[
            path_str(&root.join("bench/peers.js"))?,
            "--bundle",
            "--format=esm",
            "--minify",
            "--log-level=error",
            &format!("--outfile={}", path_str(&peers)?),
        ],
    ))?;
    for file in ["index.html", "page.mjs", "workload.mjs", "heavy.mjs"] {
        std::fs::copy(root.join("bench").join(file), out.join(file))
            .with_context(|| format!("cannot copy bench/{file}"))?;
    }
    Ok(out)
}

/// A crate of the workspace built for the browser, and the name of its wasm.
pub struct WasmCrate {
    /// The package, for `cargo build -p`.
    pub package: &'static str,
    /// Its wasm's file stem: a library's name (underscores) or a binary's.
    pub artifact: &'static str,
}

/// The engine behind the page's interface (`bench/wasm`).
pub const ENGINE: WasmCrate = WasmCrate {
    package: "fieldform-bench-wasm",
    artifact: "fieldform_bench_wasm",
};

/// Builds `krate` as Trunk builds the app's wasm (`app/index.html`): the
/// `wasm-release` profile with the wasm32 rustflags of
/// `.cargo/config.toml`, `wasm-bindgen --target web --no-typescript`, then
/// `wasm-opt -Oz`; leaves `<artifact>.js` and `<artifact>_bg.wasm` in `out`.
pub fn build_wasm(krate: &WasmCrate, out: &Path) -> anyhow::Result<()> {
    status(cmd(
        "cargo",
        &[
            "build",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
            "-p",
            krate.package,
        ],
    ))?;
    let wasm = target_dir().join(format!(
        "wasm32-unknown-unknown/wasm-release/{}.wasm",
        krate.artifact
    ));
    status(cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            path_str(out)?,
            path_str(&wasm)?,
        ],
    ))?;
    // As Trunk does to the app's wasm (`data-wasm-opt="z"`), so the engine
    // is timed and the floors measured as the app ships: same profile, same
    // wasm-opt pass (it makes the engine's edits about a tenth faster).
    let bg = out.join(format!("{}_bg.wasm", krate.artifact));
    status(cmd(
        "wasm-opt",
        &[
            &format!("--output={}", path_str(&bg)?),
            "-Oz",
            path_str(&bg)?,
        ],
    ))
}

fn path_str(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

/// `node bench/run.mjs PAGE [--check]` in the project root.
pub fn command(page: &Path, browser: &install::Browser, check: bool) -> anyhow::Result<Command> {
    let mut args = vec!["bench/run.mjs", path_str(page)?];
    if check {
        args.push("--check");
    }
    let mut node = cmd("node", &args);
    node.current_dir(crate::root())
        .env("CHROMIUM", &browser.chromium);
    Ok(node)
}

/// BENCHMARKS.md's section comparing the three engines, measured now.
pub fn section() -> anyhow::Result<String> {
    let page = prepare()?;
    let browser = install::browser()?;
    let mut node = command(&page, &browser, false)?;
    eprintln!("xtask: $ {}", crate::run::describe(&node));
    let out = node.output().context("cannot run node")?;
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        anyhow::bail!("bench/run.mjs failed");
    }
    String::from_utf8(out.stdout).context("bench/run.mjs printed non-UTF-8")
}

pub const HEADING: &str = "## Engines side by side in headless Chromium: Fieldform, SurveyJS, ODK";

/// `cargo xtask bench-peers`: only this comparison, rewriting its section
/// of BENCHMARKS.md (`cargo xtask bench` writes it with the rest).
pub fn bench_peers() -> anyhow::Result<()> {
    let section = section()?;
    let path = crate::root().join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".into());
    let section = format!("{HEADING}\n\n{}\n", section.trim_end());
    let new = crate::benchmarks_md::replace_section(&old, HEADING, &section);
    std::fs::write(&path, new).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("xtask: updated the engines side by side section of BENCHMARKS.md");
    Ok(())
}
