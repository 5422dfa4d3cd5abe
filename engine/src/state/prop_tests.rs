//! Property test: after any sequence of edits, the incrementally maintained
//! state equals a full recomputation, and a response saved from it loads
//! back into the same response. Native only (proptest needs getrandom).

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use serde_json::{Value as Json, json};

use super::*;
use crate::env::FixedEnvironment;
use crate::response::Status;
use crate::testing::{compiled, q};

/// The random parts of a form: which expression each property uses.
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
    json!([
        q("a", "integer", json!({})),
        q("b", "integer", opt("relevant", &rel_b, spec.rel_b)),
        q("c", "integer", merge(opt("relevant", &rel_c, spec.rel_c), json!({ "constraint": ". > ${a}" }))),
        q("d", "calculate", opt("calculation", &calc_d, spec.calc_d)),
        { "kind": "group", "name": "g", "relevant": pick(&rel_g, spec.rel_g), "items": [
            q("e", "integer", json!({ "required": "${a} > 1" })),
            q("f", "calculate", opt("calculation", &calc_f, spec.calc_f)),
        ]},
        { "kind": "repeat", "name": "r", "repeat_count": pick(&count_r, spec.count_r), "items": [
            q("x", "integer", opt("relevant", &rel_x, spec.rel_x)),
            q("y", "calculate", opt("calculation", &calc_y, spec.calc_y)),
            { "kind": "repeat", "name": "s", "items": [
                q("z", "integer", json!({})),
                q("w", "calculate", opt("calculation", &calc_w, spec.calc_w)),
            ]},
        ]},
        q("x_total", "calculate", json!({ "calculation": "sum(${x})" })),
        q("y_total", "calculate", json!({ "calculation": "sum(${y})" })),
        q("w_all", "calculate", json!({ "calculation": "join(',', ${w})" })),
        q("n_r", "calculate", json!({ "calculation": "count(${r})" })),
        q("sel", "select_one", opt("choice_filter", &filter, spec.filter).as_object().map_or(json!({"choices": "nums"}), |o| {
            let mut o = o.clone();
            o.insert("choices".into(), json!("nums"));
            Json::Object(o)
        })),
    ])
}

fn choices() -> Json {
    json!({ "nums": (1..=5).map(|n| json!({ "name": format!("c{n}"), "properties": { "n": n.to_string() } })).collect::<Vec<_>>() })
}

#[derive(Debug, Clone)]
enum Op {
    /// Field (by name), which instance (modulo the count), value.
    Set(&'static str, usize, usize, String),
    /// Add to `r` or to `s` inside the instance `k` of `r`.
    Add(bool, usize),
    /// Remove instance `i` of `r`, or instance `j` of `s` in `r[i]`.
    Remove(bool, usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let value = prop_oneof![
        Just(String::new()),
        (-2i32..8).prop_map(|n| n.to_string()),
        Just("abc".to_owned()),
    ];
    let field = prop::sample::select(vec!["a", "b", "c", "e", "x", "z", "sel"]);
    prop_oneof![
        5 => (field, 0usize..4, 0usize..4, value).prop_map(|(f, i, j, v)| {
            let v = if f == "sel" { format!("c{}", v.len()) } else { v };
            Op::Set(f, i, j, v)
        }),
        2 => (any::<bool>(), 0usize..4).prop_map(|(inner, k)| Op::Add(inner, k)),
        1 => (any::<bool>(), 0usize..4, 0usize..4).prop_map(|(inner, i, j)| Op::Remove(inner, i, j)),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (prop::array::uniform10(0usize..12)).prop_map(|v| Spec {
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

fn apply(s: &mut FormState, op: &Op, env: &FixedEnvironment) {
    // Refused edits (repeat_count-controlled lists, missing instances) are
    // part of the game: they must leave the state consistent too.
    match op {
        Op::Set(f, i, j, v) => {
            let path = match *f {
                "x" => instance(s, false, *i, *j).map(|p| format!("{p}/x")),
                "z" => instance(s, true, *i, *j).map(|p| format!("{p}/z")),
                other => Some(other.to_owned()),
            };
            if let Some(p) = path {
                let _ = s.set(&p, v, env);
            }
        }
        Op::Add(false, _) => {
            let _ = s.add("r", env);
        }
        Op::Add(true, k) => {
            if let Some(p) = instance(s, false, *k, 0) {
                let _ = s.add(&format!("{p}/s"), env);
            }
        }
        Op::Remove(inner, i, j) => {
            if let Some(p) = instance(s, *inner, *i, *j) {
                let _ = s.remove(&p, env);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_full_recomputation(spec in spec(), ops in prop::collection::vec(op(), 1..25)) {
        let env = FixedEnvironment::default();
        let form = compiled(build(&spec), choices());
        let mut s = FormState::new(form.clone(), &env);
        for (k, op) in ops.iter().enumerate() {
            apply(&mut s, op, &env);
            let mut fresh = s.clone();
            fresh.recompute_all(&env);
            prop_assert_eq!(s.snapshot(), fresh.snapshot(), "after step {} ({:?})", k, op);
        }
        let saved = s.to_response(Status::Draft, &env);
        let loaded = FormState::from_response(form, &saved, &env).unwrap();
        prop_assert_eq!(loaded.to_response(Status::Draft, &env), saved);
    }
}

/// An answer typed at the top level: what drives counts and relevance.
fn top_level_set() -> impl Strategy<Value = Op> {
    let value = prop_oneof![Just(String::new()), (-2i32..8).prop_map(|n| n.to_string()),];
    (prop::sample::select(vec!["a", "b", "c", "e", "sel"]), value).prop_map(|(f, v)| {
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
        // `a` first: it drives the roster's count.
        let values: Vec<(&str, String)> = ["a", "b", "c", "e", "sel"]
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
