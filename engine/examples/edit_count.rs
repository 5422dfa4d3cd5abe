//! Performs N top-level edits on the 200x10 benchmark workload, for counting
//! instructions per edit: `valgrind --tool=callgrind` on N and on 0 edits,
//! the difference divided by N (wall time on a shared machine is too noisy).
//!
//! `cargo build --release -p fieldform-engine --example edit_count`, then
//! `valgrind --tool=callgrind target/release/examples/edit_count 10000`.

#[allow(dead_code)]
#[path = "../benches/workload/mod.rs"]
mod workload;

use std::hint::black_box;

use fieldform_engine::env::FixedEnvironment;

fn main() {
    let edits: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let (questions, rows) = workload::SIZES[0];
    let env = FixedEnvironment::default();
    let form = workload::generate(questions);
    let mut state = workload::filled(&form, rows, &env);
    let node = workload::top_level_node(questions, &mut state, &env);
    for i in 0..edits {
        let value = workload::TOP_LEVEL_VALUES[i & 1];
        black_box(state.set_value(node, value, &env).expect("set"));
    }
}
