//! Load time and time per edit on generated forms of three sizes
//! (`cargo bench -p fieldform-engine`, or `cargo xtask bench`, which also
//! writes BENCHMARKS.md).
//!
//! Each form has blocks of six questions with a relevance chain, a
//! calculation and a constraint, and a roster (repeat) whose rows have their
//! own calculations and relevance, summed outside the roster. A last form
//! adds a select whose choices are a 40,000-row CSV filtered by two answers.

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
        filtered(c, &env);
    }

    /// An edit of `district` re-filters a 40,000-row CSV choice list:
    /// from the index, and with the same test written so that it scans.
    fn filtered(c: &mut Criterion, env: &FixedEnvironment) {
        let mut bench = c.benchmark_group("edit_filtered_csv");
        for (id, filter) in [
            ("indexed", workload::FILTER_INDEXED),
            ("scanned", workload::FILTER_SCANNED),
        ] {
            let (mut state, node) = workload::villages_state(filter, env);
            let mut flip = 0;
            bench.bench_function(BenchmarkId::from_parameter(id), |b| {
                b.iter(|| {
                    flip = 1 - flip;
                    let value = workload::DISTRICT_VALUES[flip];
                    black_box(state.set_value(node, value, env).expect("set"))
                });
            });
            // Checked after one more edit of our own: a filter that leaves
            // this group out (`cargo bench -- load`) ran no edit above.
            state
                .set_value(node, workload::DISTRICT_VALUES[0], env)
                .expect("set");
            assert_eq!(
                state.choices(state.node("village").expect("village")).len(),
                50
            );
        }
        bench.finish();

        // What the list costs once: parsing the file, and compiling the
        // form with it (choice list and index built) into a blank state.
        let mut once = c.benchmark_group("load_filtered_csv");
        once.sample_size(10);
        let (form, attachments) = workload::villages_form(workload::FILTER_INDEXED);
        let csv = workload::villages_csv();
        once.bench_function(BenchmarkId::from_parameter("parse"), |b| {
            b.iter(|| {
                let mut a = fieldform_engine::Attachments::new();
                a.add("villages.csv", csv.as_bytes()).expect("parses");
                black_box(a)
            });
        });
        once.bench_function(BenchmarkId::from_parameter("compile"), |b| {
            b.iter(|| {
                let compiled =
                    fieldform_engine::compile_with(&form, &attachments).expect("compiles");
                black_box(FormState::new(std::sync::Arc::new(compiled), env))
            });
        });
        once.finish();
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
