//! `cargo xtask test`: every check of the project, in one command.
//!
//! Each step's output streams through as it runs; the lines that carry a
//! runner's summary are collected and printed again at the end, with one
//! closing `N passed, N failed` line. Any failure, including a missing
//! prerequisite, makes the whole run fail: nothing is silently skipped.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::thread;

use crate::install::{self, CHROMEDRIVER};
use crate::run::{cmd, target_dir};

/// The outcome of one step.
struct Step {
    name: &'static str,
    ok: bool,
    summaries: Vec<String>,
    passed: u64,
    failed: u64,
    error: Option<String>,
}

pub fn test_all() -> anyhow::Result<()> {
    let mut steps = Vec::new();
    // Install first: the wasm target is needed by clippy below, and a missing
    // prerequisite must fail the run, not skip tests.
    let prerequisites =
        install::build_tools().and_then(|tools| install::browser().map(|b| (tools, b)));
    steps.push(run_step(
        "format",
        cmd("cargo", &["fmt", "--all", "--check"]),
    ));
    steps.push(run_step(
        "clippy (native)",
        cmd(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ));
    // The server's tests run on SQLite and on a throwaway PostgreSQL; if
    // it cannot start, the PostgreSQL tests fail with a clear message.
    let postgres = crate::postgres::Cluster::start();
    let mut native = cmd("cargo", &["test", "--workspace"]);
    match &postgres {
        Ok(cluster) => {
            native.env("FIELDFORM_TEST_DATABASE_URL", &cluster.url);
        }
        Err(error) => steps.push(failed_step(
            "PostgreSQL test cluster",
            anyhow::anyhow!("{error:#}"),
        )),
    }
    steps.push(run_step("native tests", native));
    // Stops and deletes the cluster.
    drop(postgres);

    match prerequisites {
        Err(error) => steps.push(failed_step("prerequisites", error)),
        Ok((tools, browser)) => {
            steps.push(run_step(
                "clippy (wasm32)",
                cmd(
                    "cargo",
                    &[
                        "clippy",
                        "--target",
                        "wasm32-unknown-unknown",
                        "-p",
                        "fieldform-engine",
                        "-p",
                        "fieldform-app",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                ),
            ));
            let mut wasm = cmd(
                "cargo",
                &[
                    "test",
                    "--target",
                    "wasm32-unknown-unknown",
                    "-p",
                    "fieldform-engine",
                    "-p",
                    "fieldform-app",
                ],
            );
            wasm.env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
            steps.push(run_step("wasm tests (headless Chromium)", wasm));
            steps.push(end_to_end(&tools, &browser));
        }
    }

    eprintln!("\n===== summary =====");
    let (mut passed, mut failed) = (0, 0);
    for step in &steps {
        eprintln!("{} {}", if step.ok { "ok  " } else { "FAIL" }, step.name);
        for line in &step.summaries {
            eprintln!("       {line}");
        }
        if let Some(error) = &step.error {
            eprintln!("       {error}");
        }
        passed += step.passed;
        failed += step.failed;
    }
    let failed_steps = steps.iter().filter(|s| !s.ok).count();
    println!("xtask: {passed} passed, {failed} failed");
    if failed_steps > 0 {
        anyhow::bail!("{failed_steps} step(s) failed");
    }
    Ok(())
}

fn end_to_end(tools: &install::BuildTools, browser: &install::Browser) -> Step {
    let prepared = crate::app::build(tools, false)
        .and_then(|()| {
            // The binary as the native tests built it (same features), so
            // this is no rebuild after them.
            crate::run::status(cmd("cargo", &["test", "--workspace", "--no-run"]))
        })
        .and_then(|()| {
            // The last package added, so an older checkout installs it too.
            install::npm_packages("tests/e2e", "tests/e2e/node_modules/axe-core")
        });
    if let Err(error) = prepared {
        return failed_step("end-to-end tests", error);
    }
    let root = crate::root();
    let mut files: Vec<String> = std::fs::read_dir(root.join("tests/e2e"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".test.mjs"))
                .map(|name| format!("tests/e2e/{name}"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        return failed_step(
            "end-to-end tests",
            anyhow::anyhow!("no tests/e2e/*.test.mjs found"),
        );
    }
    let mut args = vec!["--test", "--test-concurrency=1"];
    args.extend(files.iter().map(String::as_str));
    let mut node = cmd("node", &args);
    node.env("FIELDFORM_BIN", target_dir().join("debug/fieldform"))
        .env("FIELDFORM_APP_DIR", root.join("dist"))
        .env("FIELDFORM_FORMS_DIR", root.join("forms"))
        .env("CHROMIUM", &browser.chromium);
    run_step("end-to-end tests (Chromium)", node)
}

fn failed_step(name: &'static str, error: anyhow::Error) -> Step {
    eprintln!("xtask: {name}: {error:#}");
    Step {
        name,
        ok: false,
        summaries: vec![],
        passed: 0,
        failed: 0,
        error: Some(format!("{error:#}")),
    }
}

/// Runs a command, echoing its output, and collects the runners' summary lines.
fn run_step(name: &'static str, mut command: Command) -> Step {
    eprintln!(
        "\n===== {name} =====\nxtask: $ {}",
        crate::run::describe(&command)
    );
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            return failed_step(
                name,
                anyhow::anyhow!("cannot start {}: {error}", crate::run::describe(&command)),
            );
        }
    };
    let stderr = child.stderr.take().map(|err| {
        thread::spawn(move || {
            BufReader::new(err)
                .lines()
                .map_while(Result::ok)
                .fold(Vec::new(), |mut seen, line| {
                    eprintln!("{line}");
                    seen.push(line);
                    seen
                })
        })
    });
    let mut lines: Vec<String> = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            lines.push(line);
        }
    }
    if let Some(handle) = stderr {
        lines.extend(handle.join().unwrap_or_default());
    }
    let ok = child.wait().is_ok_and(|s| s.success());
    let mut step = Step {
        name,
        ok,
        summaries: vec![],
        passed: 0,
        failed: 0,
        error: None,
    };
    for line in &lines {
        summarize(line, &mut step);
    }
    step
}

/// Picks the summary lines of cargo test / wasm-bindgen-test-runner
/// (`test result: ok. 12 passed; 0 failed; ...`) and node's test runner
/// (`# pass 3`, `# fail 0`).
fn summarize(line: &str, step: &mut Step) {
    let trimmed = line.trim();
    if let Some(rest) = trimmed.strip_prefix("test result:") {
        step.passed += count_before(rest, "passed");
        step.failed += count_before(rest, "failed");
        step.summaries.push(trimmed.to_owned());
    } else if let Some(n) = trimmed.strip_prefix("# pass ") {
        step.passed += n.trim().parse().unwrap_or(0);
        step.summaries.push(trimmed.to_owned());
    } else if let Some(n) = trimmed.strip_prefix("# fail ") {
        step.failed += n.trim().parse().unwrap_or(0);
        step.summaries.push(trimmed.to_owned());
    }
}

/// In `ok. 12 passed; 0 failed`, the number before `word`.
fn count_before(text: &str, word: &str) -> u64 {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ';' || c == '.')
        .collect();
    words
        .windows(2)
        .find(|w| w[1] == word)
        .and_then(|w| w[0].parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step() -> Step {
        Step {
            name: "t",
            ok: true,
            summaries: vec![],
            passed: 0,
            failed: 0,
            error: None,
        }
    }

    #[test]
    fn reads_cargo_and_node_summaries() {
        let mut s = step();
        summarize(
            "test result: ok. 12 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            &mut s,
        );
        summarize("test result: FAILED. 3 passed; 2 failed; 0 ignored", &mut s);
        summarize("# pass 4", &mut s);
        summarize("# fail 1", &mut s);
        summarize("running 12 tests", &mut s);
        assert_eq!((s.passed, s.failed), (19, 4));
        assert_eq!(s.summaries.len(), 4);
    }
}
