//! pyxform, ODK's XLSForm converter, at the version pinned in
//! `xlsform/tests/pyxform-requirements.txt`, in a venv under `target/`:
//! what `xlsform/tests/pyxform_parity.rs` compares the importer with.
//! Installed only when the venv lacks the pinned version.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::run::{cmd, is_root, output, status};

/// The pin, shared with the test (which checks the installed version).
pub const REQUIREMENTS: &str = "xlsform/tests/pyxform-requirements.txt";

/// Fixed under the workspace (not CARGO_TARGET_DIR): the test looks here.
pub fn venv() -> PathBuf {
    crate::root().join("target/pyxform-venv")
}

pub fn install() -> anyhow::Result<()> {
    let pinned = pinned_version()?;
    let python = venv().join("bin/python");
    let installed = |python: &PathBuf| {
        output(cmd(
            &python.to_string_lossy(),
            &[
                "-c",
                "import importlib.metadata as m; print(m.version('pyxform'))",
            ],
        ))
        .map(|v| v.trim().to_owned())
    };
    if installed(&python).as_deref() == Some(pinned.as_str()) {
        return Ok(());
    }
    system_python()?;
    eprintln!(
        "xtask: installing pyxform {pinned} into {}",
        venv().display()
    );
    // --clear: a venv left by another Python or a broken install is rebuilt.
    let venv_dir = venv().to_string_lossy().into_owned();
    status(cmd("python3", &["-m", "venv", "--clear", &venv_dir]))?;
    status(cmd(
        &python.to_string_lossy(),
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            REQUIREMENTS,
        ],
    ))?;
    match installed(&python) {
        Some(version) if version == pinned => Ok(()),
        other => bail!(
            "pip installed {REQUIREMENTS}, yet {} reports pyxform {other:?}, not {pinned}",
            python.display()
        ),
    }
}

/// `X.Y.Z` from the `pyxform==X.Y.Z` line.
fn pinned_version() -> anyhow::Result<String> {
    let path = crate::root().join(REQUIREMENTS);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("pyxform=="))
        .map(|v| v.trim().to_owned())
        .with_context(|| format!("{} pins no `pyxform==X.Y.Z`", path.display()))
}

/// A `python3` that can make a venv with pip. Debian ships `venv` and
/// `ensurepip` in `python3-venv`, which a fresh machine may lack.
fn system_python() -> anyhow::Result<()> {
    let can_make_venv = || output(cmd("python3", &["-c", "import venv, ensurepip"])).is_some();
    if can_make_venv() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "the pyxform parity test needs Python 3 with venv: run \
             `sudo apt-get install -y python3 python3-venv`, then retry"
        );
    }
    eprintln!("xtask: installing python3 and python3-venv with apt-get");
    status(cmd("apt-get", &["update"]))?;
    let mut apt = cmd(
        "apt-get",
        &[
            "install",
            "-y",
            "--no-install-recommends",
            "python3",
            "python3-venv",
        ],
    );
    apt.env("DEBIAN_FRONTEND", "noninteractive");
    status(apt)?;
    if !can_make_venv() {
        bail!("python3-venv is installed, yet `python3 -c 'import venv, ensurepip'` fails");
    }
    Ok(())
}
