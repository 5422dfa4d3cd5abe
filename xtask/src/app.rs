//! Building the app's release bundles (Trunk): two documents, each with
//! its own wasm and styles, so a tablet never downloads the console: the
//! enumerator's app into `dist/` (served at `/`) and the coordinators'
//! console into `dist/console/` (served at `/console/`).
//! Trunk builds one document a run and empties its output directory
//! first, so the enumerator's app (`app/index.html`, with the service
//! worker's precache list) is built before the console
//! (`app/console.html`), whose output lies inside the app's.

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
    "tools/compress.mjs",
    "Trunk.toml",
    "Cargo.lock",
    // The workspace's profiles (wasm-release), lints and shared versions,
    // and the build configuration.
    "Cargo.toml",
    ".cargo/config.toml",
];
const STAMP: &str = "dist/.fieldform-build";

/// Each Trunk run: the document, where it goes and the URL it is served at.
const DOCUMENTS: &[(&str, &str, &str)] = &[
    ("app/index.html", "dist", "/"),
    ("app/console.html", "dist/console", "/console/"),
];

/// Builds both documents (`dist/` and `dist/console/`) unless the last
/// build is newer than every input (so a second `cargo xtask serve` starts
/// in seconds) or `force` is set.
pub fn build(_tools: &BuildTools, force: bool) -> anyhow::Result<()> {
    let root = crate::root();
    let built = modified(&root.join(STAMP));
    let newest_input = INPUTS.iter().filter_map(|p| newest(&root.join(p))).max();
    // A document missing (a plain `trunk build` only makes the first) is
    // a rebuild too.
    let complete = DOCUMENTS
        .iter()
        .all(|(_, dist, _)| root.join(dist).join("index.html").is_file());
    if !force
        && complete
        && let (Some(built), Some(input)) = (built, newest_input)
        && built > input
    {
        eprintln!("xtask: the app and the console in dist/ are up to date");
        return Ok(());
    }
    for (document, dist, public_url) in DOCUMENTS {
        status(cmd(
            "trunk",
            &[
                "build",
                // Before the flags: `--offline` would take it as its value.
                document,
                "--release",
                "--offline",
                "--dist",
                dist,
                "--public-url",
                public_url,
            ],
        ))?;
    }
    // The server sends these instead of the originals (smaller download).
    status(cmd("node", &["tools/compress.mjs", "dist"]))?;
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
    use super::{DOCUMENTS, INPUTS};

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

    #[test]
    fn every_document_is_built_and_the_enumerators_first() {
        let root = crate::root();
        for (document, dist, public_url) in DOCUMENTS {
            assert!(root.join(document).is_file(), "{document} does not exist");
            assert!(dist.starts_with("dist"), "{dist} is outside dist/");
            assert!(public_url.ends_with('/'), "{public_url}");
        }
        // Trunk empties a build's output directory: the one holding the
        // others must come first.
        assert_eq!(DOCUMENTS[0].1, "dist");
        assert!(
            DOCUMENTS[1..]
                .iter()
                .all(|(_, dist, _)| dist.starts_with("dist/"))
        );
    }
}
