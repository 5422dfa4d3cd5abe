//! Building the app's release bundle (Trunk) into `dist/`.

use std::path::Path;
use std::time::SystemTime;

use crate::install::BuildTools;
use crate::run::{cmd, status};

/// What the bundle is made from; a change to any of them means a rebuild.
const INPUTS: &[&str] = &[
    "app",
    "engine/src",
    "engine/Cargo.toml",
    "public",
    "tools/precache.mjs",
    "Trunk.toml",
    "Cargo.lock",
    // The workspace's profiles (wasm-release), lints and shared versions,
    // and the build configuration.
    "Cargo.toml",
    ".cargo/config.toml",
];
const STAMP: &str = "dist/.fieldform-build";

/// Builds `dist/` unless it is newer than every input (so a second
/// `cargo xtask serve` starts in seconds) or `force` is set.
pub fn build(_tools: &BuildTools, force: bool) -> anyhow::Result<()> {
    let root = crate::root();
    let built = modified(&root.join(STAMP));
    let newest_input = INPUTS.iter().filter_map(|p| newest(&root.join(p))).max();
    if !force
        && let (Some(built), Some(input)) = (built, newest_input)
        && built > input
    {
        eprintln!("xtask: app bundle in dist/ is up to date");
        return Ok(());
    }
    status(cmd("trunk", &["build", "--release", "--offline"]))?;
    std::fs::write(root.join(STAMP), "built by cargo xtask\n")?;
    Ok(())
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of a file or anything below a directory.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| newest(&entry.path()))
        .max()
}

#[cfg(test)]
mod tests {
    use super::INPUTS;

    #[test]
    fn every_input_of_the_bundle_exists_and_is_watched() {
        let root = crate::root();
        for input in INPUTS {
            assert!(root.join(input).exists(), "{input} does not exist");
        }
        for needed in [
            "Cargo.toml",
            ".cargo/config.toml",
            "Cargo.lock",
            "app",
            "public",
        ] {
            assert!(INPUTS.contains(&needed), "{needed} is not watched");
        }
    }
}
