//! The project's build, run and test driver (`cargo xtask ...`).
//!
//! It installs what a fresh machine lacks (each step only when needed), so
//! that the README's two commands work with nothing installed by hand.

mod app;
mod bench;
mod bench_app;
mod bench_ingest;
mod bench_peers;
mod benchmarks_md;
mod fuzz;
mod install;
mod postgres;
mod pyxform;
mod run;
mod serve;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve [--addr ADDR]   install what is missing, build the app, run the server (default 127.0.0.1:8080)
  test                  run every test: fmt, clippy, native, wasm (headless Chromium), end-to-end
  test-server [ARGS]    the server's tests only, on SQLite and a throwaway PostgreSQL
  bench-ingest [--release]  submissions/s of the server, SQLite and PostgreSQL (batch 50)
  bench-ingest --under-attack [--release]
                            the same alone and under bogus logins and upload bombs
  bench                 run the engine benchmarks and write BENCHMARKS.md
  bench-app             time the app in headless Chromium (open, answer, section), its size and the floor under it
  bench-peers           the engine beside SurveyJS and ODK in one Chromium page (part of bench)
  fuzz [--seconds N] [--target T] [--seed S] [--save] [--replay PATH]
                        fuzz the parsers and loaders longer than the tests do (release)
  build-app             build both release bundles: the enumerator's app into dist/ (served at /),
                        the coordinators' console into dist/console/ (served at /console/)
  install               install the tools the build and the tests need (pyxform included)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve::serve(&args[1..]),
        Some("test") => test::test_all(),
        Some("test-server") => postgres::test_server(&args[1..]),
        Some("bench-ingest") => bench_ingest::bench_ingest(&args[1..]),
        Some("bench") => bench::bench(),
        Some("bench-app") => bench_app::bench_app(),
        Some("bench-peers") => bench_peers::bench_peers(),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("build-app") => install::build_tools().and_then(|tools| app::build(&tools, true)),
        Some("install") => install::build_tools()
            .and_then(|_| install::browser())
            .and_then(|_| pyxform::install()),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
