//! Property tests over random forms and random edits:
//! - after every edit, the incrementally maintained state equals a full
//!   recomputation, and every node whose value, flags, choices, problem or
//!   texts changed is named in the edit's [`Changes`] the way the app
//!   redraws from them (`app/src/fill/session.rs`), so a missed change
//!   cannot leave a stale screen;
//! - a response saved from the state loads back into the same response;
//! - restoring the original values restores every answer.
//!
//! Native only (proptest needs getrandom).

#![allow(clippy::unwrap_used)]

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use serde_json::{Value as Json, json};

use super::*;
use crate::env::FixedEnvironment;
use crate::response::Status;
use crate::testing::{compiled, q};
use crate::validate::{ValidationKind, validate_node};

/// The random parts of a form: which option each property takes (an index
/// into that property's list below, modulo its length).
#[derive(Debug, Clone)]
struct Spec {
    rel_b: usize,
    rel_c: usize,
    calc_d: usize,
    rel_g: usize,
    calc_f: usize,
    count_r: usize,
    rel_x: usize,
    calc_y: usize,
    calc_w: usize,
    filter: usize,
    read_only_k: usize,
    default_k: usize,
    calc_t: usize,
    trigger_t: usize,
    calc_sel_name: usize,
    default_xd: usize,
    read_only_xd: usize,
    filter_lab: usize,
}

fn pick<'a>(options: &[&'a str], i: usize) -> Option<&'a str> {
    options
        .get(i % options.len())
        .copied()
        .filter(|s| !s.is_empty())
}

fn opt(key: &str, options: &[&str], i: usize) -> Json {
    match pick(options, i) {
        Some(e) => json!({ key: e }),
        None => json!({}),
    }
}

fn merge(mut a: Json, b: Json) -> Json {
    if let (Some(a), Some(b)) = (a.as_object_mut(), b.as_object()) {
        a.extend(b.clone());
    }
    a
}

/// A text in both languages of the test form; they differ, so a language
/// switch changes every text.
fn text(en: &str, ro: &str) -> Json {
    json!({ "en": en, "ro": ro })
}

/// `read_only`: absent, always, or an expression.
fn read_only(options: &[&str], i: usize) -> Json {
    match pick(options, i) {
        Some("true") => json!({ "read_only": true }),
        Some(e) => json!({ "read_only": e }),
        None => json!({}),
    }
}

fn build(spec: &Spec) -> Json {
    let rel_b = ["", "${a} > 2", "${a} != ''"];
    let rel_c = ["", "${b} < 5", "${a} + ${b} > 4", "${d} != 'NaN'"];
    let calc_d = [
        "${a} + ${b}",
        "if(${a} > 3, ${b}, 0)",
        "coalesce(${b}, ${a})",
        "concat(${a}, '-', ${b})",
    ];
    let rel_g = ["", "${c} > 0", "${d} > 2"];
    let calc_f = ["${e} * 2", "${e} + ${d}", "concat(${e}, ${c})"];
    let count_r = ["", "if(${a} > 0 and ${a} < 4, ${a}, 0)"];
    let rel_x = ["", "${b} > 2", "${f} != 4"];
    let calc_y = [
        "${x} * 2 + ${a}",
        "position(..) + ${x}",
        "concat(${x}, ${e})",
        "sum(${z})",
    ];
    let calc_w = ["${z} + ${x}", "${z} * position(..)", "count(${s}) + ${y}"];
    let filter = ["n <= ${b}", "n = ${x_total} or n = 1"];
    let read_only_k = ["${a} > 2", "true", "", "${b} < 3"];
    let default_k = ["", "3", "${a} + 1", "jr:choice-name('c2', '${sel}')"];
    let calc_t = [
        "concat('t=', ${a})",
        "jr:choice-name(${sel}, '${sel}')",
        "${b} * 2",
    ];
    let trigger_t = ["${a}", "${sel}", "${b}", "${a}, ${sel}"];
    let calc_sel_name = ["jr:choice-name(${sel}, '${sel}')", "concat(${sel}, '!')"];
    let default_xd = ["", "7", "${a}", "position(..)"];
    let read_only_xd = ["${x} > 2", "true", "${a} = 1", ""];
    let filter_lab = ["", "n <= ${x}", "n >= position(..)", "n != ${a}"];
    let sel_props = merge(
        json!({ "choices": "nums", "label": text("Pick (${d})", "Alege (${d})") }),
        opt("choice_filter", &filter, spec.filter),
    );
    json!([
        q("a", "integer", json!({ "label": text("A", "A") })),
        q("b", "integer", merge(opt("relevant", &rel_b, spec.rel_b), json!({
            "label": text("B, a is ${a}", "B, a este ${a}"),
            "hint": text("d is ${d}", "d este ${d}"),
        }))),
        q("c", "integer", merge(opt("relevant", &rel_c, spec.rel_c), json!({
            "constraint": ". > ${a}",
            "constraint_message": text("more than ${a}", "peste ${a}"),
        }))),
        q("d", "calculate", opt("calculation", &calc_d, spec.calc_d)),
        { "kind": "group", "name": "g", "relevant": pick(&rel_g, spec.rel_g),
          "label": text("Group of ${f}", "Grupul lui ${f}"), "items": [
            q("e", "integer", json!({
                "required": "${a} > 1",
                "required_message": text("e is needed when b is ${b}", "e trebuie când b este ${b}"),
            })),
            q("f", "calculate", opt("calculation", &calc_f, spec.calc_f)),
        ]},
        q("k", "text", merge(
            merge(read_only(&read_only_k, spec.read_only_k), opt("default", &default_k, spec.default_k)),
            json!({
                // The first `x` of the roster: adding or removing instances changes it.
                "label": text("k, first x is ${x}", "k, primul x este ${x}"),
                "constraint": ". != ${b}",
                "constraint_message": text("not ${b}", "nu ${b}"),
            }),
        )),
        q("t", "text", json!({
            "calculation": pick(&calc_t, spec.calc_t),
            "trigger": pick(&trigger_t, spec.trigger_t),
            "label": text("t, for ${sel_name}", "t, pentru ${sel_name}"),
        })),
        { "kind": "repeat", "name": "r", "repeat_count": pick(&count_r, spec.count_r),
          "label": text("Roster of ${n_r}", "Lista de ${n_r}"), "items": [
            q("x", "integer", merge(opt("relevant", &rel_x, spec.rel_x), json!({
                "label": text("x, y is ${y}", "x, y este ${y}"),
            }))),
            q("y", "calculate", opt("calculation", &calc_y, spec.calc_y)),
            q("xd", "integer", merge(
                merge(opt("default", &default_xd, spec.default_xd), read_only(&read_only_xd, spec.read_only_xd)),
                json!({ "guidance_hint": text("x is ${x}, a is ${a}", "x este ${x}, a este ${a}") }),
            )),
            q("lab", "select_one", merge(
                json!({ "choices": "nums", "hint": text("one of ${x}", "unul din ${x}") }),
                opt("choice_filter", &filter_lab, spec.filter_lab),
            )),
            { "kind": "repeat", "name": "s", "items": [
                q("z", "integer", json!({ "label": text("z of ${x}", "z din ${x}") })),
                q("w", "calculate", opt("calculation", &calc_w, spec.calc_w)),
            ]},
        ]},
        q("x_total", "calculate", json!({ "calculation": "sum(${x})" })),
        q("y_total", "calculate", json!({ "calculation": "sum(${y})" })),
        q("w_all", "calculate", json!({ "calculation": "join(',', ${w})" })),
        q("n_r", "calculate", json!({ "calculation": "count(${r})" })),
        q("sel", "select_one", sel_props),
        q("sel_name", "calculate", opt("calculation", &calc_sel_name, spec.calc_sel_name)),
        q("summary", "note", json!({
            "label": text("a=${a}, t=${t}, z=${z}, w=${w_all}", "a=${a}, t=${t}, z=${z}, w=${w_all}"),
        })),
    ])
}

fn choices() -> Json {
    json!({ "nums": (1..=5).map(|n| json!({
        "name": format!("c{n}"),
        "label": text(&format!("one-{n}"), &format!("unu-{n}")),
        "properties": { "n": n.to_string() },
    })).collect::<Vec<_>>() })
}

#[derive(Debug, Clone)]
enum Op {
    /// Field (by name), which instance (modulo the count), value.
    Set(&'static str, usize, usize, String),
    /// Add to `r` or to `s` inside the instance `k` of `r`.
    Add(bool, usize),
    /// Remove instance `i` of `r`, or instance `j` of `s` in `r[i]`.
    Remove(bool, usize, usize),
    /// Switch to `ro` (else `en`).
    Language(bool),
}

/// Fields inside `r`, and inside `s` in `r`.
const IN_R: [&str; 3] = ["x", "xd", "lab"];
const IN_S: [&str; 1] = ["z"];
const SELECTS: [&str; 2] = ["sel", "lab"];

fn op() -> impl Strategy<Value = Op> {
    let value = prop_oneof![
        Just(String::new()),
        (-2i32..8).prop_map(|n| n.to_string()),
        Just("abc".to_owned()),
    ];
    // `a` and `x` drive the most: counts, filters, read-only flags.
    let field = prop::sample::select(vec![
        "a", "a", "b", "c", "e", "k", "t", "x", "x", "xd", "lab", "z", "sel",
    ]);
    prop_oneof![
        6 => (field, 0usize..4, 0usize..4, value).prop_map(|(f, i, j, v)| {
            // `c0` is no choice: a problem to show.
            let v = if SELECTS.contains(&f) { format!("c{}", v.len()) } else { v };
            Op::Set(f, i, j, v)
        }),
        2 => (any::<bool>(), 0usize..4).prop_map(|(inner, k)| Op::Add(inner, k)),
        1 => (any::<bool>(), 0usize..4, 0usize..4).prop_map(|(inner, i, j)| Op::Remove(inner, i, j)),
        1 => any::<bool>().prop_map(Op::Language),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (prop::array::uniform18(0usize..12)).prop_map(|v| Spec {
        rel_b: v[0],
        rel_c: v[1],
        calc_d: v[2],
        rel_g: v[3],
        calc_f: v[4],
        count_r: v[5],
        rel_x: v[6],
        calc_y: v[7],
        calc_w: v[8],
        filter: v[9],
        read_only_k: v[10],
        default_k: v[11],
        calc_t: v[12],
        trigger_t: v[13],
        calc_sel_name: v[14],
        default_xd: v[15],
        read_only_xd: v[16],
        filter_lab: v[17],
    })
}

/// The path of the `i`-th instance of `r` (and `j`-th of `s` in it), if any.
fn instance(s: &FormState, inner: bool, i: usize, j: usize) -> Option<String> {
    let form = s.form().clone();
    let r = form.lookup("r")?;
    let rs = s.instances(r, InstanceId::ROOT);
    let ri = *rs.get(i % rs.len().max(1))?;
    if !inner {
        return Some(s.instance_path(ri));
    }
    let ss = s.instances(form.lookup("s")?, ri);
    let si = *ss.get(j % ss.len().max(1))?;
    Some(s.instance_path(si))
}

/// Applies `op`; its changes, or `None` when it was refused (or had no
/// target, e.g. a field of `r` while `r` has no instance).
fn apply(s: &mut FormState, op: &Op, env: &FixedEnvironment) -> Option<Changes> {
    // Refused edits (repeat_count-controlled lists, missing instances) are
    // part of the game: they must leave the state consistent too.
    match op {
        Op::Set(f, i, j, v) => {
            let path = if IN_R.contains(f) {
                instance(s, false, *i, *j).map(|p| format!("{p}/{f}"))
            } else if IN_S.contains(f) {
                instance(s, true, *i, *j).map(|p| format!("{p}/{f}"))
            } else {
                Some((*f).to_owned())
            };
            s.set(&path?, v, env).ok()
        }
        Op::Add(false, _) => s.add("r", env).ok().map(|(_, c)| c),
        Op::Add(true, k) => {
            let p = instance(s, false, *k, 0)?;
            s.add(&format!("{p}/s"), env).ok().map(|(_, c)| c)
        }
        Op::Remove(inner, i, j) => {
            let p = instance(s, *inner, *i, *j)?;
            s.remove(&p, env).ok()
        }
        Op::Language(ro) => s.set_language(if *ro { "ro" } else { "en" }, env).ok(),
    }
}

/// What the screen shows of one node.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    /// Effective value: what a relevant widget shows and expressions read.
    value: String,
    relevant: bool,
    required: bool,
    read_only: bool,
    constraint_ok: bool,
    choices: Option<Vec<String>>,
    /// The problem in the current language (messages show values).
    problem: Option<(ValidationKind, String)>,
    /// Label, hint and guidance hint with their `${...}` filled in.
    texts: [String; 3],
}

/// Every node's [`Shown`], and every repeat's instance list by (repeat,
/// parent instance), as [`ChangeKind::Instances`] names them.
struct Screen {
    nodes: BTreeMap<NodeRef, Shown>,
    lists: BTreeMap<(FieldId, InstanceId), Vec<InstanceId>>,
}

fn screen(s: &FormState) -> Screen {
    let form = s.form().clone();
    let lang = s.language().to_owned();
    let mut nodes = BTreeMap::new();
    let mut instances = vec![InstanceId::ROOT];
    for n in s.nodes() {
        let f = form.field(n.field);
        let is_question = matches!(f.kind, FieldKind::Question(_));
        if f.kind == FieldKind::Repeat {
            instances.push(n.instance);
        }
        let filtered = form.node_of(n.field, NodeKind::Choices).is_some();
        let shown = Shown {
            value: if is_question && s.relevant(n) {
                s.value(n).to_owned()
            } else {
                String::new()
            },
            relevant: s.relevant(n),
            required: s.required(n),
            read_only: s.read_only(n),
            constraint_ok: s.constraint_ok(n),
            choices: filtered.then(|| s.choices(n).iter().map(|c| c.name.clone()).collect()),
            problem: validate_node(s, n, &lang).map(|i| (i.kind, i.message)),
            texts: [s.label(n), s.hint(n), s.guidance_hint(n)],
        };
        nodes.insert(n, shown);
    }
    let mut lists = BTreeMap::new();
    for inst in instances {
        let scope = s.tree.inst(inst).scope;
        for f in &form.fields {
            if f.kind == FieldKind::Repeat && form.parent_scope(f.id) == scope {
                lists.insert((f.id, inst), s.instances(f.id, inst).to_vec());
            }
        }
    }
    Screen { nodes, lists }
}

/// The fields whose texts the app redraws after `changes`: exactly the
/// rule of `Session::redraw` in `app/src/fill/session.rs`.
fn redrawn_texts(form: &CompiledForm, changes: &Changes) -> HashSet<FieldId> {
    let mut texts = HashSet::new();
    for change in &changes.items {
        match change.kind {
            ChangeKind::Value => texts.extend(form.text_readers(change.node.field).iter().copied()),
            ChangeKind::Instances => {
                let mut stack = vec![change.node.field];
                while let Some(f) = stack.pop() {
                    texts.extend(form.text_readers(f).iter().copied());
                    stack.extend(form.field(f).children.iter().copied());
                }
            }
            _ => {}
        }
    }
    texts
}

/// Everything that differs between `before` and `after` is named in
/// `changes`: node properties in their own kind, problems by the node or
/// its texts, texts by the values they show (or the language), instance
/// lists as [`ChangeKind::Instances`] of the list. Counts what differed.
fn check_changes(
    s: &FormState,
    before: &Screen,
    after: &Screen,
    changes: &Changes,
    language_switched: bool,
    tally: &Tally,
) -> Result<(), String> {
    let form = s.form();
    let texts = redrawn_texts(form, changes);
    let touched: HashSet<NodeRef> = changes.items.iter().map(|c| c.node).collect();
    let mut missed = Vec::new();
    for (n, new) in &after.nodes {
        // New nodes belong to new instances: drawn whole, from their list.
        let Some(old) = before.nodes.get(n) else {
            continue;
        };
        let mut need = |differs: bool, kind: ChangeKind| {
            if differs {
                tally.saw(&format!("{kind:?}"));
                if !changes.contains(*n, kind) {
                    missed.push(format!("{} {kind:?}", s.path(*n)));
                }
            }
        };
        need(old.value != new.value, ChangeKind::Value);
        need(old.relevant != new.relevant, ChangeKind::Relevant);
        need(old.required != new.required, ChangeKind::Required);
        need(old.read_only != new.read_only, ChangeKind::ReadOnly);
        need(
            old.constraint_ok != new.constraint_ok,
            ChangeKind::Constraint,
        );
        need(old.choices != new.choices, ChangeKind::Choices);
        // The problem is redrawn with the node or with its texts.
        let redrawn = language_switched || texts.contains(&n.field);
        if old.problem != new.problem {
            tally.saw("problem");
            if !redrawn && !touched.contains(n) {
                missed.push(format!(
                    "{} problem {:?} -> {:?}",
                    s.path(*n),
                    old.problem,
                    new.problem
                ));
            }
        }
        if old.texts != new.texts {
            tally.saw(if language_switched {
                "texts (language)"
            } else {
                "texts"
            });
            if !redrawn {
                missed.push(format!(
                    "{} texts {:?} -> {:?}",
                    s.path(*n),
                    old.texts,
                    new.texts
                ));
            }
        }
    }
    for (key, old) in &before.lists {
        let (repeat, parent) = *key;
        // A list in a removed instance goes with it; its own list says so.
        let Some(new) = after.lists.get(key) else {
            continue;
        };
        if old != new {
            tally.saw(if new.len() > old.len() {
                "instances added"
            } else {
                "instances removed"
            });
            let node = NodeRef {
                field: repeat,
                instance: parent,
            };
            if !changes.contains(node, ChangeKind::Instances) {
                missed.push(format!(
                    "instances of {} in {:?}: {old:?} -> {new:?}",
                    form.field(repeat).name,
                    s.instance_path(parent)
                ));
            }
        }
    }
    if missed.is_empty() {
        Ok(())
    } else {
        Err(format!("missing from {:?}: {missed:#?}", changes.items))
    }
}

/// Over every case: edits that went through, all edits tried, and how
/// often each kind of difference was checked.
#[derive(Default)]
struct Tally {
    done: Cell<usize>,
    tried: Cell<usize>,
    seen: RefCell<BTreeMap<String, usize>>,
}

impl Tally {
    fn saw(&self, what: &str) {
        *self.seen.borrow_mut().entry(what.to_owned()).or_default() += 1;
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // The runner is driven by hand (to count edits over all cases), so
        // it needs to be told where its regressions file lives.
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

#[test]
fn incremental_equals_full_recomputation_and_changes_name_everything() {
    let tally = Tally::default();
    let mut runner = TestRunner::new(config(300));
    let strategy = (spec(), prop::collection::vec(op(), 1..30));
    let result = runner.run(&strategy, |(spec, ops)| {
        let env = FixedEnvironment::default();
        let form = compiled(build(&spec), choices());
        let mut s = FormState::new(form.clone(), &env);
        for (k, op) in ops.iter().enumerate() {
            let before = screen(&s);
            let answers = s.to_draft().answers;
            let lang = s.language().to_owned();
            let changes = apply(&mut s, op, &env);
            tally.tried.set(tally.tried.get() + 1);
            let after = screen(&s);
            match &changes {
                Some(changes) => {
                    tally.done.set(tally.done.get() + 1);
                    let switched = s.language() != lang;
                    check_changes(&s, &before, &after, changes, switched, &tally).map_err(|e| {
                        TestCaseError::fail(format!("after step {k} ({op:?}): {e}"))
                    })?;
                    if matches!(op, Op::Language(_)) {
                        prop_assert_eq!(
                            &s.to_draft().answers,
                            &answers,
                            "a language switch changes no answer (step {})",
                            k
                        );
                    }
                }
                None => {
                    prop_assert!(
                        before.nodes == after.nodes && before.lists == after.lists,
                        "a refused edit changes nothing (step {k}, {op:?})"
                    );
                }
            }
            let mut fresh = s.clone();
            fresh.recompute_all(&env);
            prop_assert_eq!(
                s.snapshot(),
                fresh.snapshot(),
                "after step {} ({:?})",
                k,
                op
            );
        }
        let saved = s.to_response(Status::Draft, &env);
        let mut loaded = FormState::from_response(form, &saved, &env).unwrap();
        // A response does not carry the language, which choice names follow.
        loaded.set_language(s.language(), &env).unwrap();
        prop_assert_eq!(loaded.to_response(Status::Draft, &env), saved);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}\n{runner}");
    }
    let (done, tried) = (tally.done.get(), tally.tried.get());
    let seen = tally.seen.borrow();
    eprintln!("{done} of {tried} random edits went through; differences checked: {seen:?}");
    // Refused edits prove little: a fair share (30 %) must go through.
    assert!(
        done * 10 >= tried * 3,
        "only {done} of {tried} random edits went through"
    );
    // Every kind of difference must have come up, or the check is idle.
    for what in [
        "Value",
        "Relevant",
        "Required",
        "ReadOnly",
        "Constraint",
        "Choices",
        "problem",
        "texts",
        "texts (language)",
        "instances added",
        "instances removed",
    ] {
        assert!(
            seen.get(what).is_some_and(|&n| n >= 10),
            "{what}: too few random edits changed it ({seen:?})"
        );
    }
}

/// The problems the state keeps as answers change are the ones a check of
/// every question finds, in the same order, after every random edit and
/// after loading the response and the draft back (a fixed seed: the same
/// edits on every run).
#[test]
fn kept_problems_equal_a_full_check_after_random_edits() {
    use crate::validate::{validate, validate_all_questions};
    use proptest::test_runner::{RngAlgorithm, TestRng};

    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config(200), rng);
    let strategy = (spec(), prop::collection::vec(op(), 1..40));
    let (with_problems, checked) = (Cell::new(0usize), Cell::new(0usize));
    let same = |s: &FormState, when: &str| -> Result<(), TestCaseError> {
        let lang = s.language();
        let kept = validate(s, lang);
        let full = validate_all_questions(s, lang);
        prop_assert_eq!(&kept, &full, "{}", when);
        prop_assert_eq!(s.problem_count(), full.len(), "{}", when);
        checked.set(checked.get() + 1);
        if full.len() > 1 {
            with_problems.set(with_problems.get() + 1);
        }
        Ok(())
    };
    let result = runner.run(&strategy, |(spec, ops)| {
        let env = FixedEnvironment::default();
        let form = compiled(build(&spec), choices());
        let mut s = FormState::new(form.clone(), &env);
        same(&s, "a new response")?;
        for (k, op) in ops.iter().enumerate() {
            apply(&mut s, op, &env);
            same(&s, &format!("after step {k} ({op:?})"))?;
        }
        let saved = s.to_response(Status::Draft, &env);
        let loaded = FormState::from_response(form.clone(), &saved, &env).unwrap();
        same(&loaded, "a response loaded")?;
        let drafted = FormState::from_draft(form, &s.to_draft(), &env).unwrap();
        same(&drafted, "a draft loaded")?;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}\n{runner}");
    }
    // The check is idle unless several problems at once come up often.
    assert!(
        with_problems.get() * 4 >= checked.get(),
        "only {} of {} states had several problems",
        with_problems.get(),
        checked.get()
    );
}

/// An answer typed at the top level: what drives counts and relevance.
fn top_level_set() -> impl Strategy<Value = Op> {
    let value = prop_oneof![Just(String::new()), (-2i32..8).prop_map(|n| n.to_string()),];
    (
        prop::sample::select(vec!["a", "b", "c", "e", "k", "sel"]),
        value,
    )
        .prop_map(|(f, v)| {
            let v = if f == "sel" {
                format!("c{}", v.len())
            } else {
                v
            };
            Op::Set(f, 0, 0, v)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// An enumerator correcting answers passes through values that hide
    /// questions or shrink rosters (`3` → `` → `4`); once the answers are
    /// back, every answer below them is back too.
    #[test]
    fn restoring_the_original_values_restores_every_answer(
        spec in spec(),
        setup in prop::collection::vec(op(), 0..20),
        edits in prop::collection::vec(top_level_set(), 1..12),
    ) {
        let env = FixedEnvironment::default();
        let form = compiled(build(&spec), choices());
        let mut s = FormState::new(form, &env);
        for op in &setup {
            apply(&mut s, op, &env);
        }
        let original = s.to_draft().answers;
        // `a` first: it drives the roster's count; `t` last: the others
        // may trigger it.
        let values: Vec<(&str, String)> = ["a", "b", "c", "e", "k", "sel", "t"]
            .into_iter()
            .map(|f| (f, s.value(s.node(f).unwrap()).to_owned()))
            .collect();
        for op in &edits {
            apply(&mut s, op, &env);
        }
        for (field, value) in &values {
            s.set(field, value, &env).unwrap();
        }
        prop_assert_eq!(&s.to_draft().answers, &original, "after {:?}", edits);
        let mut fresh = s.clone();
        fresh.recompute_all(&env);
        prop_assert_eq!(s.snapshot(), fresh.snapshot());
    }
}
