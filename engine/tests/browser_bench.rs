//! The engine benchmark's workload, timed in headless Chromium (wasm), where
//! the app runs it and where other engines are usually measured. Not a test:
//! it only exists with `--features browser-bench`, which `cargo xtask bench`
//! sets; it prints `browser-bench: GROUP SIZE NANOSECONDS` lines.
#![cfg(all(target_arch = "wasm32", feature = "browser-bench"))]

#[path = "../benches/workload/mod.rs"]
mod workload;

use fieldform_engine::env::FixedEnvironment;
use fieldform_engine::state::{FormState, NodeRef};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Mean time of `runs` calls, in nanoseconds: Chromium's clocks are coarse
/// (100 µs without cross-origin isolation), so time many calls at once.
fn mean_ns(runs: u32, mut f: impl FnMut()) -> f64 {
    let start = now_ms();
    for _ in 0..runs {
        f();
    }
    (now_ms() - start) * 1e6 / f64::from(runs)
}

fn edit(state: &mut FormState, node: NodeRef, values: [&str; 2], env: &FixedEnvironment) -> f64 {
    let mut flip = 0;
    // Warm up first: the browser compiles hot wasm code again, optimised.
    for _ in 0..2_000 {
        flip = 1 - flip;
        std::hint::black_box(state.set_value(node, values[flip], env).expect("set"));
    }
    mean_ns(20_000, || {
        flip = 1 - flip;
        std::hint::black_box(state.set_value(node, values[flip], env).expect("set"));
    })
}

#[wasm_bindgen_test]
fn browser_bench() {
    let env = FixedEnvironment::default();
    for (questions, rows) in workload::SIZES {
        let form = workload::generate(questions);
        let size = format!("{questions}x{rows}");
        std::hint::black_box(workload::filled(&form, rows, &env)); // warm-up
        let load = mean_ns(5, || {
            std::hint::black_box(workload::filled(&form, rows, &env));
        });
        console_log!("browser-bench: load {size} {load:.0}");
        let mut state = workload::filled(&form, rows, &env);
        let node = workload::top_level_node(questions, &mut state, &env);
        let top = edit(&mut state, node, workload::TOP_LEVEL_VALUES, &env);
        console_log!("browser-bench: edit_top_level {size} {top:.0}");
        let node = workload::roster_node(rows, &state);
        let roster = edit(&mut state, node, workload::ROSTER_VALUES, &env);
        console_log!("browser-bench: edit_in_roster {size} {roster:.0}");
    }
}
