//! One test per fuzz target, each for the budget in `FIELDFORM_FUZZ_SECONDS`
//! (see the crate docs); `cargo xtask fuzz` runs them longer, in release.
//! Each replays the committed corpus first, so every input that once found a
//! problem stays a regression test.

use fieldform_fuzz::{check, targets};

#[test]
fn expr() {
    check(&targets::expr::TARGET);
}

#[test]
fn xlsform() {
    check(&targets::xlsform::TARGET);
}

#[test]
fn form() {
    check(&targets::form::TARGET);
}

#[test]
fn ingest() {
    check(&targets::ingest::TARGET);
}

/// Every target is tested above: a new one must be added here too.
#[test]
fn every_target_has_a_test() {
    let names: Vec<&str> = targets::all().iter().map(|t| t.name).collect();
    assert_eq!(names, ["expr", "xlsform", "form", "ingest"]);
}
