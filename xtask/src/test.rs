//! `cargo xtask test`: every check of the project, in one command.
//!
//! Each step's output streams through as it runs; the lines that carry a
//! runner's summary are collected and printed again at the end, with one
//! closing `N passed, N failed` line. Any failure, including a missing
//! prerequisite, makes the whole run fail: nothing is silently skipped.
//! Every step has a time limit: a step that hangs (a service worker that
//! never takes control, a deadlock) is killed with everything it started
//! and fails, naming itself, long before CI's own limit would end the run
//! with nothing reported. Each step's duration is printed.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

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
    took: Duration,
}

const MINUTE: Duration = Duration::from_secs(60);

/// `1m05s`.
fn human(d: Duration) -> String {
    let secs = d.as_secs();
    format!("{}m{:02}s", secs / 60, secs % 60)
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
        5 * MINUTE,
    ));
    // Limits: several times what a cold build and run take on a fresh
    // 2-core CI machine, well inside its 90 minutes.
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
        25 * MINUTE,
    ));
    // The XLSForm parity test runs the pinned pyxform; without it that test
    // fails (naming the install step), so a failed install is its own step.
    let started = Instant::now();
    if let Err(error) = crate::pyxform::install() {
        steps.push(failed_step("pyxform (for the parity test)", error));
    }
    eprintln!("xtask: pyxform checked in {}", human(started.elapsed()));
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
    steps.push(run_step("native tests", native, 25 * MINUTE));
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
                        "-p",
                        "fieldform-bench-wasm",
                        "-p",
                        "fieldform-bench-floor",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                ),
                15 * MINUTE,
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
            let scratch = ScratchTmp::new("wasm-tests", &mut wasm);
            steps.push(run_step(
                "wasm tests (headless Chromium)",
                wasm,
                20 * MINUTE,
            ));
            drop(scratch);
            steps.push(end_to_end(&tools, &browser));
            steps.push(peer_crosscheck(&browser));
        }
    }

    eprintln!("\n===== summary =====");
    let (mut passed, mut failed) = (0, 0);
    for step in &steps {
        eprintln!(
            "{} {} ({})",
            if step.ok { "ok  " } else { "FAIL" },
            step.name,
            human(step.took)
        );
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
            install::npm_packages("tests/e2e", "tests/e2e/node_modules/jsqr")
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
    // A test that hangs fails with node's message after 5 minutes.
    let mut args = vec!["--test", "--test-concurrency=1", "--test-timeout=300000"];
    args.extend(files.iter().map(String::as_str));
    let mut node = cmd("node", &args);
    node.env("FIELDFORM_BIN", target_dir().join("debug/fieldform"))
        .env("FIELDFORM_APP_DIR", root.join("dist"))
        .env("FIELDFORM_FORMS_DIR", root.join("forms"))
        .env("CHROMIUM", &browser.chromium);
    let _scratch = ScratchTmp::new("e2e", &mut node);
    run_step("end-to-end tests (Chromium)", node, 25 * MINUTE)
}

/// The benchmark's three engines compute the same after the same edits
/// (`bench/run.mjs --check`), so the comparison measures the same work.
fn peer_crosscheck(browser: &install::Browser) -> Step {
    const NAME: &str = "peer engines cross-check (Chromium)";
    match crate::bench_peers::prepare() {
        Err(error) => failed_step(NAME, error),
        Ok(page) => match crate::bench_peers::command(&page, browser, true) {
            Err(error) => failed_step(NAME, error),
            Ok(mut node) => {
                let _scratch = ScratchTmp::new("peers", &mut node);
                run_step(NAME, node, 10 * MINUTE)
            }
        },
    }
}

/// A step's own `TMPDIR` under the target dir, removed when dropped.
/// chromedriver leaves a profile of about 140 MB in the temp dir for every
/// browser the wasm test runner kills; dozens of them fill a CI disk.
pub(crate) struct ScratchTmp(std::path::PathBuf);

impl ScratchTmp {
    pub(crate) fn new(name: &str, command: &mut Command) -> Self {
        let dir = target_dir().join("scratch-tmp").join(name);
        // Leftovers of an interrupted run go first.
        let _gone = std::fs::remove_dir_all(&dir);
        if let Err(error) = std::fs::create_dir_all(&dir) {
            eprintln!("xtask: cannot create {}: {error}", dir.display());
        } else {
            command.env("TMPDIR", &dir);
        }
        Self(dir)
    }
}

impl Drop for ScratchTmp {
    fn drop(&mut self) {
        let _gone = std::fs::remove_dir_all(&self.0);
    }
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
        took: Duration::ZERO,
    }
}

/// Runs a command, echoing its output, and collects the runners' summary
/// lines; kills it and everything it started (its process group) once it
/// has run for `limit`.
fn run_step(name: &'static str, mut command: Command, limit: Duration) -> Step {
    eprintln!(
        "\n===== {name} =====\nxtask: $ {} (time limit {})",
        crate::run::describe(&command),
        human(limit)
    );
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let started = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            return failed_step(
                name,
                anyhow::anyhow!("cannot start {}: {error}", crate::run::describe(&command)),
            );
        }
    };
    let finished = Arc::new(AtomicBool::new(false));
    let timed_out = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (finished, timed_out, group) = (finished.clone(), timed_out.clone(), child.id());
        thread::spawn(move || {
            while !finished.load(Ordering::SeqCst) {
                if started.elapsed() >= limit {
                    timed_out.store(true, Ordering::SeqCst);
                    eprintln!("xtask: {name} exceeded {}: stopping it", human(limit));
                    let _gone = Command::new("kill")
                        .args(["-KILL", "--", &format!("-{group}")])
                        .status();
                    return;
                }
                thread::sleep(Duration::from_millis(500));
            }
        })
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
    let exit_ok = child.wait().is_ok_and(|s| s.success());
    finished.store(true, Ordering::SeqCst);
    let _joined = watchdog.join();
    let took = started.elapsed();
    let over = timed_out.load(Ordering::SeqCst);
    eprintln!("xtask: {name} took {}", human(took));
    let mut step = Step {
        name,
        ok: exit_ok && !over,
        summaries: vec![],
        passed: 0,
        failed: 0,
        error: over.then(|| format!("timed out: stopped after {}", human(limit))),
        took,
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
            took: Duration::ZERO,
        }
    }

    #[test]
    fn a_step_that_hangs_is_stopped_with_everything_it_started() {
        // The background `sleep` keeps the output pipe open: unless the
        // whole process group is killed, reading it would wait 60 s.
        let mut hang = Command::new("sh");
        hang.args(["-c", "sleep 60 & sleep 60"]);
        let step = run_step("hang", hang, Duration::from_secs(1));
        assert!(!step.ok);
        assert!(step.took < Duration::from_secs(20), "took {:?}", step.took);
        assert_eq!(
            step.error.as_deref(),
            Some("timed out: stopped after 0m01s")
        );
        let quick = run_step("quick", Command::new("true"), MINUTE);
        assert!(quick.ok && quick.error.is_none());
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
