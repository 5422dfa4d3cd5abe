//! Fuzzing on stable Rust: a small driver and four targets.
//!
//! Each target is a plain function from an [`Input`] (a file name, for its
//! extension, and bytes) to an outcome class. The driver ([`fuzz`]):
//!
//! 1. replays every committed file in `fuzz/corpus/<target>/` and the
//!    target's built-in seeds;
//! 2. then, for a time budget, runs inputs made by the target's
//!    structure-aware generator (expressions from a grammar, responses shaped
//!    like a form's answers, ...) or mutated from the pool (byte flips,
//!    dictionary tokens, repeated ranges, splices, JSON- and zip-aware edits);
//! 3. keeps an input in the pool when it gives an outcome class not seen
//!    before: a cheap stand-in for coverage feedback (error messages with
//!    their numbers and quoted parts blanked name the code path that refused
//!    the input), and with `FIELDFORM_FUZZ_SAVE=1` writes it to the corpus.
//!
//! A finding is a panic, an allocation past the soft limits of [`alloc`], or
//! one input taking longer than the slow limit (twice, to rule out a busy
//! machine). Each is saved to `fuzz/artifacts/<target>/` with the command
//! that replays it, and fails the test. Hard limits (a huge allocation, a
//! hang) abort the process after saving the input.
//!
//! Environment: `FIELDFORM_FUZZ_SECONDS` (budget per target, default
//! [`DEFAULT_SECONDS`]), `FIELDFORM_FUZZ_SEED` (default fixed, so a test run
//! is reproducible; printed), `FIELDFORM_FUZZ_REPLAY` (a file or folder: run
//! only that), `FIELDFORM_FUZZ_SAVE`, `FIELDFORM_FUZZ_SLOW_MS` (default
//! [`DEFAULT_SLOW_MS`]), `FIELDFORM_FUZZ_TRACE` (write each input to
//! `artifacts/<target>/last.*` first: what a stack overflow leaves).

pub mod alloc;
pub mod mutate;
pub mod rng;
pub mod targets;

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rng::Rng;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// Seconds per target under plain `cargo test` (CI): four targets on two
/// test threads stay well under a minute in a debug build.
pub const DEFAULT_SECONDS: f64 = 12.0;
/// The seed when none is given, so that CI runs the same inputs each time.
pub const DEFAULT_SEED: u64 = 0x5eed_f1e1_df0c;
/// An input slower than this (twice) is a finding: 1 s in a release build
/// (`cargo xtask fuzz`); a debug build (`cargo test`) is several times
/// slower, so it gets 5 s there.
pub const DEFAULT_SLOW_MS: u64 = if cfg!(debug_assertions) { 5000 } else { 1000 };
/// An input still running after this long is a hang: save it and abort.
const HANG: Duration = Duration::from_secs(60);
/// Largest input the mutators make.
pub const MAX_INPUT: usize = 256 * 1024;
/// Pool entries kept in memory (seeds plus inputs with new outcomes).
const MAX_POOL: usize = 4096;
/// With `FIELDFORM_FUZZ_SAVE`, at most this many new corpus files per run,
/// each at most [`MAX_SAVED_BYTES`].
const MAX_SAVED: usize = 50;
const MAX_SAVED_BYTES: usize = 4 * 1024;
/// Stop after this many findings: the first few say enough.
const MAX_FINDINGS: usize = 5;

/// One input: its file name (the XLSForm target reads the extension) and
/// its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Input {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Input {
            name: name.into(),
            bytes: bytes.into(),
        }
    }

    /// The extension of its name (`txt` if none).
    pub fn ext(&self) -> &str {
        self.name.rsplit_once('.').map_or("txt", |(_, e)| e)
    }

    fn hash(&self) -> String {
        let mut h = DefaultHasher::new();
        self.bytes.hash(&mut h);
        format!("{:016x}", h.finish())
    }
}

/// A fuzz target.
pub struct Target {
    pub name: &'static str,
    /// Runs one input; the outcome class (see [`class`]).
    pub run: fn(&Input) -> String,
    /// Built-in seeds, besides the committed corpus.
    pub seeds: fn() -> Vec<Input>,
    /// A structure-aware input.
    pub generate: fn(&mut Rng) -> Input,
    /// A format-aware mutation (JSON tree, zip part), if the target has one.
    pub mutate: Option<fn(&mut Rng, &Input) -> Option<Input>>,
    /// Tokens the byte mutator inserts.
    pub dictionary: &'static [&'static str],
}

/// The outcome class of a message: digits and quoted parts blanked, cut
/// short, so that "position 12" and "position 13" are one class.
pub fn class(message: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => {}
            None if matches!(c, '`' | '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            None if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            None => out.push(c),
        }
        if out.len() >= 100 {
            break;
        }
    }
    out
}

/// What the driver was told through the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub budget: Duration,
    pub seed: u64,
    pub replay: Option<PathBuf>,
    pub save: bool,
    pub slow: Duration,
    /// Write each input to `artifacts/<target>/last.<ext>` before running
    /// it: what a crash that kills the process (a stack overflow) left.
    pub trace: bool,
}

impl Config {
    pub fn from_env() -> Config {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let seconds = var("FIELDFORM_FUZZ_SECONDS")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .unwrap_or(DEFAULT_SECONDS);
        let seed = var("FIELDFORM_FUZZ_SEED")
            .and_then(|v| {
                let v = v.trim();
                match v.strip_prefix("0x") {
                    Some(hex) => u64::from_str_radix(hex, 16).ok(),
                    None => v.parse().ok(),
                }
            })
            .unwrap_or(DEFAULT_SEED);
        let slow_ms = var("FIELDFORM_FUZZ_SLOW_MS")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(DEFAULT_SLOW_MS);
        Config {
            budget: Duration::from_secs_f64(seconds),
            seed,
            replay: var("FIELDFORM_FUZZ_REPLAY").map(PathBuf::from),
            save: var("FIELDFORM_FUZZ_SAVE").is_some_and(|v| v != "0"),
            slow: Duration::from_millis(slow_ms),
            trace: var("FIELDFORM_FUZZ_TRACE").is_some_and(|v| v != "0"),
        }
    }
}

/// The fuzz crate's folder.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root.
pub fn workspace_dir() -> PathBuf {
    let dir = crate_dir();
    dir.parent().map(Path::to_path_buf).unwrap_or(dir)
}

/// The input running now on some thread, for the hang watchdog and the
/// allocator's hard-limit hook.
struct Current {
    target: &'static str,
    input: Mutex<Option<Input>>,
    started: Mutex<Option<Instant>>,
}

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Arc<Current>>> = const { std::cell::RefCell::new(None) };
}

/// The allocator's hard-limit hook: save the input before the abort.
fn on_hard_limit(size: usize) {
    let saved = CURRENT
        .try_with(|c| c.try_borrow().ok().and_then(|c| c.clone()))
        .ok()
        .flatten()
        .and_then(|current| {
            let input = current.input.try_lock().ok()?.clone()?;
            Some(save_artifact(current.target, &input))
        });
    eprintln!(
        "fuzz: FINDING: an allocation of {size} bytes (live {} bytes) was refused; the process aborts. Input: {}",
        alloc::live(),
        saved.map_or_else(|| "not saved".to_owned(), |p| p.display().to_string())
    );
}

fn save_artifact(target: &str, input: &Input) -> PathBuf {
    let dir = crate_dir().join("artifacts").join(target);
    let path = dir.join(format!("{}.{}", input.hash(), input.ext()));
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &input.bytes))
    {
        eprintln!("fuzz: cannot save {}: {e}", path.display());
    }
    path
}

/// Reads every file of `path` (a file or a folder), sorted by name.
pub fn read_inputs(path: &Path) -> Vec<Input> {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    } else {
        vec![path.to_path_buf()]
    };
    files.retain(|p| p.is_file());
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some(Input::new(name, bytes))
        })
        .collect()
}

/// What one run did.
#[derive(Debug, Default)]
pub struct Report {
    pub replayed: usize,
    pub iterations: u64,
    pub classes: usize,
    pub pool: usize,
    pub saved: usize,
    pub slowest: Duration,
    pub findings: Vec<String>,
    /// Inputs that found a problem of a kind already reported.
    pub repeats: usize,
}

struct Runner<'a> {
    target: &'a Target,
    config: &'a Config,
    current: Arc<Current>,
    classes: HashSet<String>,
    /// Kinds of problem already reported.
    problems: HashSet<String>,
    report: Report,
}

impl Runner<'_> {
    /// Runs `input` once, catching a panic; its class or the panic message.
    fn timed(&self, input: &Input) -> (Result<String, String>, Duration) {
        if let Ok(mut started) = self.current.started.lock() {
            *started = Some(Instant::now());
        }
        let start = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| (self.target.run)(input))).map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(not a string)".to_owned())
        });
        let took = start.elapsed();
        if let Ok(mut started) = self.current.started.lock() {
            *started = None;
        }
        (outcome, took)
    }

    /// Runs one input; whether its outcome class is new.
    fn run(&mut self, input: &Input) -> bool {
        if let Ok(mut slot) = self.current.input.lock() {
            *slot = Some(input.clone());
        }
        if self.config.trace {
            let dir = crate_dir().join("artifacts").join(self.target.name);
            let _ = std::fs::create_dir_all(&dir).and_then(|()| {
                std::fs::write(dir.join(format!("last.{}", input.ext())), &input.bytes)
            });
        }
        let (outcome, took) = self.timed(input);
        let over = alloc::take_over_limit();
        let mut problem = match (&outcome, over) {
            (Err(message), _) => Some(format!("panic: {message}")),
            (Ok(_), Some(size)) => Some(format!(
                "an allocation of {size} bytes (limits: {} in one, {} live)",
                alloc::SOFT_SINGLE,
                alloc::SOFT_LIVE
            )),
            (Ok(_), None) => None,
        };
        if took > self.report.slowest {
            self.report.slowest = took;
            if took > self.config.slow / 4 {
                // Not a finding yet, but the input to look at first.
                let dir = crate_dir().join("artifacts").join(self.target.name);
                let _ = std::fs::create_dir_all(&dir).and_then(|()| {
                    std::fs::write(dir.join(format!("slowest.{}", input.ext())), &input.bytes)
                });
            }
        }
        if problem.is_none() && took > self.config.slow {
            // Once more: a busy machine can stall any input once.
            let (_, again) = self.timed(input);
            if again > self.config.slow {
                problem = Some(format!(
                    "slow: {} ms, then {} ms (limit {} ms)",
                    took.as_millis(),
                    again.as_millis(),
                    self.config.slow.as_millis()
                ));
            }
        }
        if let Some(problem) = problem {
            // One report per kind of problem: the same panic again is
            // counted, not listed, so the run goes on to find others.
            let kind = class(problem.lines().next().unwrap_or_default());
            if !self.problems.insert(kind) {
                self.report.repeats += 1;
                return false;
            }
            let path = save_artifact(self.target.name, input);
            let finding = format!(
                "{}: {problem}\n    input: {}\n    replay: cargo xtask fuzz --target {} --replay {}",
                self.target.name,
                path.display(),
                self.target.name,
                path.display()
            );
            eprintln!("fuzz: FINDING {finding}");
            self.report.findings.push(finding);
            return false;
        }
        match outcome {
            Ok(class) => self.classes.insert(class),
            Err(_) => false,
        }
    }
}

/// Aborts the process when an input runs longer than [`HANG`], after saving
/// it: a hang would otherwise end only at CI's own limit, with nothing said.
fn watchdog(current: Arc<Current>) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(1));
            if Arc::strong_count(&current) == 1 {
                return;
            }
            let started = current.started.lock().ok().and_then(|s| *s);
            if started.is_some_and(|s| s.elapsed() > HANG) {
                let input = current.input.lock().ok().and_then(|i| i.clone());
                let saved = input.map(|i| save_artifact(current.target, &i));
                eprintln!(
                    "fuzz: FINDING {}: an input ran for more than {} s (a hang); aborting. Input: {}",
                    current.target,
                    HANG.as_secs(),
                    saved.map_or_else(|| "not saved".to_owned(), |p| p.display().to_string())
                );
                std::process::abort();
            }
        }
    });
}

/// Stack of the thread that runs the inputs: a main thread's 8 MiB. A test
/// thread's 2 MiB is not enough for the expression parser at its depth
/// limit (256) in a debug build, which needs 1 to 2 MiB for nested
/// parentheses or calls (about 256 to 512 KiB in release).
pub const STACK: usize = 8 << 20;

/// Fuzzes `target` as `config` says; see the crate docs.
pub fn fuzz(target: &Target, config: &Config) -> Report {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name(format!("fuzz-{}", target.name))
            .stack_size(STACK)
            .spawn_scoped(s, || fuzz_here(target, config))
            .map(|h| h.join())
    })
    .unwrap_or_else(|e| panic!("cannot start the fuzz thread: {e}"))
    .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

fn fuzz_here(target: &Target, config: &Config) -> Report {
    alloc::set_hard_limit_hook(on_hard_limit);
    let current = Arc::new(Current {
        target: target.name,
        input: Mutex::new(None),
        started: Mutex::new(None),
    });
    let _ = CURRENT.try_with(|c| *c.borrow_mut() = Some(current.clone()));
    watchdog(current.clone());
    let mut runner = Runner {
        target,
        config,
        current,
        classes: HashSet::new(),
        problems: HashSet::new(),
        report: Report::default(),
    };

    if let Some(path) = &config.replay {
        for input in read_inputs(path) {
            runner.run(&input);
            runner.report.replayed += 1;
        }
        return finish(runner, Duration::ZERO);
    }

    let corpus_dir = crate_dir().join("corpus").join(target.name);
    let mut pool = read_inputs(&corpus_dir);
    pool.extend((target.seeds)());
    for input in &pool {
        runner.run(input);
    }
    runner.report.replayed = pool.len();

    let mut rng = Rng::new(config.seed ^ name_hash(target.name));
    let start = Instant::now();
    while start.elapsed() < config.budget && runner.report.findings.len() < MAX_FINDINGS {
        let input = if pool.is_empty() || rng.chance(0.25) {
            (target.generate)(&mut rng)
        } else {
            let parent = &pool[rng.below(pool.len())];
            let special = match target.mutate {
                Some(m) if rng.chance(0.4) => m(&mut rng, parent),
                _ => None,
            };
            match special {
                Some(input) => input,
                None => {
                    let other = &pool[rng.below(pool.len())];
                    mutate::bytes(&mut rng, parent, other, target.dictionary)
                }
            }
        };
        runner.report.iterations += 1;
        if runner.run(&input) {
            // Small inputs, and not too many: the corpus is committed.
            if config.save
                && input.bytes.len() <= MAX_SAVED_BYTES
                && runner.report.saved < MAX_SAVED
            {
                let dir = crate_dir().join("corpus").join(target.name);
                let path = dir.join(format!("{}.{}", input.hash(), input.ext()));
                if std::fs::create_dir_all(&dir)
                    .and_then(|()| std::fs::write(&path, &input.bytes))
                    .is_ok()
                {
                    runner.report.saved += 1;
                }
            }
            if pool.len() < MAX_POOL {
                pool.push(input);
            }
        }
    }
    runner.report.pool = pool.len();
    finish(runner, start.elapsed())
}

fn finish(runner: Runner<'_>, took: Duration) -> Report {
    let _ = CURRENT.try_with(|c| *c.borrow_mut() = None);
    let mut report = runner.report;
    report.classes = runner.classes.len();
    let rate = report.iterations as f64 / took.as_secs_f64().max(1e-9);
    // Straight to stderr, past the test harness's capture: CI's log shows
    // what each target did even when it passes.
    let _ = writeln!(
        std::io::stderr(),
        "fuzz: {}: seed {:#x}, replayed {}, {} iterations in {:.1} s ({rate:.0}/s), {} outcome classes, pool {}, saved {}, slowest input {} ms, {} finding(s) ({} more input(s) finding the same)",
        runner.target.name,
        runner.config.seed,
        report.replayed,
        report.iterations,
        took.as_secs_f64(),
        report.classes,
        report.pool,
        report.saved,
        report.slowest.as_millis(),
        report.findings.len(),
        report.repeats
    );
    report
}

fn name_hash(name: &str) -> u64 {
    let mut h = DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
}

/// Runs `target` with the environment's configuration and fails (panics)
/// with every finding: the body of each fuzz test.
pub fn check(target: &Target) {
    let config = Config::from_env();
    let report = fuzz(target, &config);
    assert!(
        report.findings.is_empty(),
        "{} finding(s) (seed {:#x}):\n{}",
        report.findings.len(),
        config.seed,
        report.findings.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_blank_numbers_and_quotes() {
        assert_eq!(
            class("unexpected `)` at position 12 of 'abc'"),
            "unexpected `` at position # of ''"
        );
        assert_eq!(class("row 3, column 14"), class("row 9, column 2"));
    }

    #[test]
    fn one_huge_allocation_is_reported() {
        assert_eq!(alloc::take_over_limit(), None);
        let big: Vec<u8> = Vec::with_capacity(alloc::SOFT_SINGLE + 1);
        drop(big);
        assert_eq!(alloc::take_over_limit(), Some(alloc::SOFT_SINGLE + 1));
        assert_eq!(alloc::take_over_limit(), None);
    }

    fn panics_on_bang(input: &Input) -> String {
        assert!(!input.bytes.contains(&b'!'), "found a bang");
        format!("len {}", input.bytes.len().min(3))
    }

    fn seeds() -> Vec<Input> {
        vec![Input::new("a.txt", "abc")]
    }

    fn generate(rng: &mut Rng) -> Input {
        let n = rng.between(0, 4);
        Input::new("g.txt", rng.bytes(n))
    }

    static BANG: Target = Target {
        name: "selftest",
        run: panics_on_bang,
        seeds,
        generate,
        mutate: None,
        dictionary: &["!"],
    };

    /// The driver finds a panic that needs its dictionary, reports it once,
    /// saves the input, and a replay of that file finds it again.
    #[test]
    fn a_panic_is_found_saved_and_replayed() {
        let config = Config {
            budget: Duration::from_secs(1),
            seed: 7,
            replay: None,
            save: false,
            slow: Duration::from_secs(10),
            trace: false,
        };
        let report = fuzz(&BANG, &config);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert!(report.findings[0].contains("found a bang"));
        let path = report.findings[0]
            .lines()
            .find_map(|l| l.trim().strip_prefix("input: "))
            .map(PathBuf::from)
            .expect("the finding names its input");
        let saved = std::fs::read(&path).expect("the input was saved");
        assert!(saved.contains(&b'!'));
        let replay = Config {
            replay: Some(path.clone()),
            ..config
        };
        let again = fuzz(&BANG, &replay);
        assert_eq!((again.replayed, again.findings.len()), (1, 1));
        let _ = std::fs::remove_dir_all(crate_dir().join("artifacts").join("selftest"));
    }
}
