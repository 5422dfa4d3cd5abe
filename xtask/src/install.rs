//! Installing what the build and the tests need, each only when missing.
//! Versions are those proven to work offline here (see shared TOOLCHAIN.md).

use std::path::PathBuf;

use anyhow::bail;

use crate::run::{cmd, is_root, output, status};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Proof that the app's build tools are present.
pub struct BuildTools;

/// Paths of the browser and its driver.
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

pub fn build_tools() -> anyhow::Result<BuildTools> {
    wasm_target()?;
    cargo_tool("trunk", "trunk", TRUNK_VERSION, true)?;
    // wasm-bindgen-cli's lock file names a crate version the registry no longer serves.
    cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        WASM_BINDGEN_VERSION,
        false,
    )?;
    npm_packages("tools", "tools/node_modules/.bin/wasm-opt")?;
    Ok(BuildTools)
}

fn wasm_target() -> anyhow::Result<()> {
    let installed = output(cmd("rustup", &["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    status(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))
}

fn cargo_tool(binary: &str, package: &str, version: &str, locked: bool) -> anyhow::Result<()> {
    let found = output(cmd(binary, &["--version"])).unwrap_or_default();
    if found.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    eprintln!("xtask: installing {package} {version} (once; this takes several minutes)");
    let mut args = vec!["install", package, "--version", version];
    if locked {
        args.push("--locked");
    }
    status(cmd("cargo", &args))
}

/// `npm ci` in `dir` unless `marker` (relative to the root) already exists.
pub fn npm_packages(dir: &str, marker: &str) -> anyhow::Result<()> {
    if crate::root().join(marker).exists() {
        return Ok(());
    }
    if output(cmd("npm", &["--version"])).is_none() {
        bail!("npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)");
    }
    let mut npm = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
    npm.current_dir(crate::root().join(dir));
    status(npm)
}

/// Debian's Chromium and ChromeDriver, installed with apt when running as root.
pub fn browser() -> anyhow::Result<Browser> {
    let browser = Browser {
        chromium: CHROMIUM.into(),
        chromedriver: CHROMEDRIVER.into(),
    };
    if browser.chromium.exists() && browser.chromedriver.exists() {
        return Ok(browser);
    }
    if !is_root() {
        bail!(
            "the browser tests need Debian's Chromium and ChromeDriver at {CHROMIUM} and \
             {CHROMEDRIVER}: run `sudo apt-get install -y chromium chromium-driver`, then retry"
        );
    }
    eprintln!("xtask: installing chromium and chromium-driver with apt-get");
    status(cmd("apt-get", &["update"]))?;
    let mut apt = cmd(
        "apt-get",
        &[
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ],
    );
    apt.env("DEBIAN_FRONTEND", "noninteractive");
    status(apt)?;
    Ok(browser)
}
