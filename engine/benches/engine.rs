//! Load time and time per edit on generated forms of three sizes
//! (`cargo bench -p fieldform-engine`, or `cargo xtask bench`, which also
//! writes BENCHMARKS.md).
//!
//! Each form has blocks of six questions with a relevance chain, a
//! calculation and a constraint, and a roster (repeat) whose rows have their
//! own calculations and relevance, summed outside the roster.

#[cfg(not(target_arch = "wasm32"))]
mod workload;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use criterion::{BenchmarkId, Criterion};
    use fieldform_engine::env::FixedEnvironment;
    use fieldform_engine::state::{FormState, NodeRef};

    use crate::workload::{self, SIZES, filled, generate};

    pub fn benches(c: &mut Criterion) {
        let env = FixedEnvironment::default();
        let mut load = c.benchmark_group("load");
        load.sample_size(10);
        for (questions, rows) in SIZES {
            let form = generate(questions);
            load.bench_with_input(
                BenchmarkId::from_parameter(format!("{questions}x{rows}")),
                &form,
                |b, form| {
                    b.iter(|| black_box(filled(form, rows, &env)));
                },
            );
        }
        load.finish();

        edits(
            c,
            "edit_top_level",
            workload::TOP_LEVEL_VALUES,
            &env,
            |questions, _, state| workload::top_level_node(questions, state, &env),
        );
        edits(
            c,
            "edit_in_roster",
            workload::ROSTER_VALUES,
            &env,
            |_, rows, state| workload::roster_node(rows, state),
        );
    }

    /// Times setting the node chosen by `pick`, alternating two values so
    /// every edit really changes something.
    fn edits(
        c: &mut Criterion,
        group: &str,
        values: [&str; 2],
        env: &FixedEnvironment,
        pick: impl Fn(usize, usize, &mut FormState) -> NodeRef,
    ) {
        let mut bench = c.benchmark_group(group);
        for (questions, rows) in SIZES {
            let mut state = filled(&generate(questions), rows, env);
            let node = pick(questions, rows, &mut state);
            let mut flip = 0;
            bench.bench_function(
                BenchmarkId::from_parameter(format!("{questions}x{rows}")),
                |b| {
                    b.iter(|| {
                        flip = 1 - flip;
                        black_box(state.set_value(node, values[flip], env).expect("set"))
                    });
                },
            );
        }
        bench.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, native::benches);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
