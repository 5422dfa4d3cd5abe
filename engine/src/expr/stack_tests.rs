//! The deepest expressions the parser accepts ([`MAX_DEPTH`] levels), of
//! every recursive shape, go through every pass that walks them (parse,
//! compile and resolve, analysis, evaluation in a form's state, an edit
//! that re-evaluates them) on a thread with a 2 MiB stack: the size of
//! Rust's test threads and of tokio's workers, where the server compiles
//! forms and checks submissions. Built without optimisation (the tests'
//! profile), where frames are largest.

use std::sync::Arc;

use serde_json::json;

use super::parse::MAX_DEPTH;
use crate::env::FixedEnvironment;
use crate::state::FormState;
use crate::testing::{compiled, q};

/// The stack of tokio's workers and of Rust's test threads.
const STACK: usize = 2 * 1024 * 1024;

/// One expression of each recursive shape, as deep as the parser allows
/// (`depth` = [`MAX_DEPTH`]) or shallower, for measuring.
fn shapes(depth: usize) -> Vec<(&'static str, String)> {
    let n = depth - 1;
    // Parentheses and binary operators: two parser levels per tree level.
    let half = depth / 2 - 1;
    vec![
        (
            "parentheses",
            format!("{}${{a}}{}", "(".repeat(n), ")".repeat(n)),
        ),
        ("unary minus", format!("{}${{a}}", "-".repeat(n))),
        (
            "unary minus and parentheses",
            format!("{}${{a}}{}", "-(".repeat(n), ")".repeat(n)),
        ),
        (
            "calls",
            format!("{}${{a}}{}", "abs(".repeat(n), ")".repeat(n)),
        ),
        (
            "calls with several arguments",
            format!("{}${{a}}{}", "concat('x', ".repeat(n), ", 'y')".repeat(n)),
        ),
        (
            "if",
            // The condition's `>` takes one more level.
            format!("{}1{}", "if(${a} > 0, ".repeat(n - 1), ", 0)".repeat(n - 1)),
        ),
        ("left-deep operators", vec!["${a}"; depth].join(" + ")),
        ("or chain", vec!["${a} = 1"; n].join(" or ")),
        (
            "right-deep operators",
            format!("{}${{a}}{}", "1 + (".repeat(half), ")".repeat(half)),
        ),
        (
            "predicates",
            format!(
                "{}'x'{}",
                "instance('people')/root/item[name = ".repeat(half),
                "]/name".repeat(half)
            ),
        ),
    ]
}

/// Compiles a form whose calculation is `expr`, evaluates it, edits what
/// it reads and returns the calculation's value.
fn run(expr: &str) -> String {
    let env = FixedEnvironment::default();
    let parsed = super::parse(expr).unwrap_or_else(|e| panic!("parses: {e}"));
    let _ = parsed.analyze();
    let form = compiled(
        json!([
            q("a", "integer", json!({})),
            q(
                "pick",
                "select_one",
                json!({ "choices": "people", "choice_filter": "true()" })
            ),
            q("c", "calculate", json!({ "calculation": expr })),
        ]),
        json!({ "people": [{ "name": "x", "label": { "en": "X" } }] }),
    );
    let mut s = FormState::new(Arc::clone(&form), &env);
    s.set("a", "2", &env)
        .unwrap_or_else(|e| panic!("sets: {e}"));
    let value = s
        .value(s.node("c").unwrap_or_else(|e| panic!("{e}")))
        .to_owned();
    let mut fresh = s.clone();
    fresh.recompute_all(&env);
    assert_eq!(
        fresh.value(fresh.node("c").unwrap_or_else(|e| panic!("{e}"))),
        value
    );
    value
}

/// Runs `f` on a new thread with `stack` bytes of stack.
fn on_stack<T: Send + 'static>(stack: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(f)
        .unwrap_or_else(|e| panic!("cannot start a thread: {e}"))
        .join()
        .unwrap_or_else(|_| panic!("the thread panicked"))
}

/// Measured (debug build, the least stack a run needs, by shape): at
/// most 820 KiB at 256 levels (nested calls, 3.2 KiB a level; predicates
/// 2.8; parentheses 2.5; `-` chains and operator chains under 1.1). Half
/// the stack is asserted below, so that the margin stays.
const MARGIN: usize = STACK / 2;

#[test]
fn the_deepest_expressions_of_every_shape_fit_a_2_mib_stack() {
    for stack in [STACK, MARGIN] {
        let values = on_stack(stack, || {
            shapes(MAX_DEPTH)
                .into_iter()
                .map(|(shape, expr)| (shape, run(&expr)))
                .collect::<Vec<_>>()
        });
        assert_eq!(values, expected(), "on a stack of {stack} bytes");
    }
    // One level more is refused, whatever the shape.
    for (shape, expr) in shapes(MAX_DEPTH + 2) {
        assert!(super::parse(&expr).is_err(), "{shape} past the limit");
    }
}

/// What [`run`] gives for each of [`shapes`]`(MAX_DEPTH)`.
fn expected() -> Vec<(&'static str, String)> {
    let n = MAX_DEPTH - 1;
    vec![
        ("parentheses", "2".into()),
        // 255 signs: odd.
        ("unary minus", "-2".into()),
        ("unary minus and parentheses", "-2".into()),
        ("calls", "2".into()),
        (
            "calls with several arguments",
            format!("{}2{}", "x".repeat(n), "y".repeat(n)),
        ),
        ("if", "1".into()),
        ("left-deep operators", (2 * MAX_DEPTH).to_string()),
        ("or chain", "false".into()),
        ("right-deep operators", (MAX_DEPTH / 2 + 1).to_string()),
        ("predicates", "x".into()),
    ]
}
