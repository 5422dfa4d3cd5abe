//! JSON-aware mutation, shared by the form-file and ingest targets: parse
//! the parent, change one node of the tree, print it again. Byte flips
//! mostly break JSON syntax; these keep it valid and reach the code behind
//! the parser.

use serde_json::{Map, Value as Json, json};

use crate::rng::Rng;
use crate::{Input, MAX_INPUT};

/// Values that sit on the edges of what a loader expects.
pub fn odd_value(rng: &mut Rng, names: &[String]) -> Json {
    match rng.below(16) {
        0 => Json::Null,
        1 => json!(true),
        2 => json!(*rng.pick(&[0i64, -1, 1, 2, 255, 1001, 99_999_999, i64::MAX, i64::MIN])),
        3 => json!(*rng.pick(&[0.5, -0.0, 1e308, -1e308, 1e-320, 3.0])),
        4 => json!(*rng.pick(&[
            "", " ", "0", "-1", "2", "1001", "99999999", "1e9", "NaN", "Infinity", "2.5", "1 2 3",
            "yes", "other"
        ])),
        5 => json!(*rng.pick(&[
            "2024-02-29",
            "2024-13-01",
            "0000-01-01",
            "99999-01-01",
            "2024-01-01T10:00:00Z",
            "10:61:00",
            "1 2 3 4",
            "91 181 0 0",
            "${n}",
            ". > 1",
            "if(",
            "0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b"
        ])),
        6 => Json::Array(Vec::new()),
        7 => Json::Object(Map::new()),
        8 => json!([{}]),
        9 => Json::Array(vec![json!({}); rng.between(2, 1200)]),
        10 => json!("x".repeat(rng.between(1, 70_000))),
        11 if !names.is_empty() => json!(rng.pick(names).clone()),
        12 if !names.is_empty() => {
            let mut m = Map::new();
            m.insert(rng.pick(names).clone(), odd_value(rng, &[]));
            Json::Object(m)
        }
        13 => {
            // Nesting to serde_json's recursion limit and past it.
            let mut v = json!(1);
            for _ in 0..rng.between(60, 140) {
                v = json!([v]);
            }
            v
        }
        _ => json!(rng.below(100).to_string()),
    }
}

/// Every object key and string value in `v`: plausible names to reuse.
pub fn names_in(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                if out.len() < 400 {
                    out.push(k.clone());
                }
                names_in(x, out);
            }
        }
        Json::Array(a) => a.iter().for_each(|x| names_in(x, out)),
        Json::String(s) if out.len() < 400 && s.len() < 40 => out.push(s.clone()),
        _ => {}
    }
}

/// Counts the nodes of `v`.
fn size(v: &Json) -> usize {
    1 + match v {
        Json::Object(m) => m.values().map(size).sum(),
        Json::Array(a) => a.iter().map(size).sum(),
        _ => 0,
    }
}

/// One tree edit of the parent, if it is JSON.
pub fn mutate(rng: &mut Rng, parent: &Input) -> Option<Input> {
    let mut doc: Json = serde_json::from_slice(&parent.bytes).ok()?;
    let mut names = Vec::new();
    names_in(&doc, &mut names);
    let total = size(&doc);
    let edits = rng.between(1, 4);
    for _ in 0..edits {
        let k = rng.below(total.max(1));
        edit_at(&mut doc, k, rng, &names);
    }
    let text = if rng.chance(0.5) {
        serde_json::to_string(&doc).ok()?
    } else {
        serde_json::to_string_pretty(&doc).ok()?
    };
    // Repeated duplication grows documents fast; past the input bound they
    // measure serde_json, not us (the server's body limit is 8 MiB).
    (text.len() <= MAX_INPUT).then(|| Input::new(parent.name.clone(), text))
}

/// Edits the `k`-th node (pre-order) of `doc`.
fn edit_at(doc: &mut Json, k: usize, rng: &mut Rng, names: &[String]) {
    let mut k = k;
    // The route of keys and indices first, then a mutable walk along it.
    let mut route: Vec<Step> = Vec::new();
    if !find(doc, &mut k, &mut route) {
        return;
    }
    let mut node = &mut *doc;
    for step in &route {
        node = match (step, node) {
            (Step::Key(key), Json::Object(m)) => match m.get_mut(key) {
                Some(x) => x,
                None => return,
            },
            (Step::Index(i), Json::Array(a)) => match a.get_mut(*i) {
                Some(x) => x,
                None => return,
            },
            _ => return,
        };
    }
    match rng.below(6) {
        0 | 1 => *node = odd_value(rng, names),
        2 => match node {
            // Drop a key or an element.
            Json::Object(m) if !m.is_empty() => {
                let key = m
                    .keys()
                    .nth(rng.below(m.len()))
                    .cloned()
                    .unwrap_or_default();
                m.remove(&key);
            }
            Json::Array(a) if !a.is_empty() => {
                a.remove(rng.below(a.len()));
            }
            _ => *node = odd_value(rng, names),
        },
        3 => match node {
            // Duplicate an element, or add a key.
            Json::Array(a) if !a.is_empty() => {
                let x = a[rng.below(a.len())].clone();
                let times = if rng.chance(0.1) {
                    rng.between(10, 300)
                } else {
                    1
                };
                for _ in 0..times {
                    a.push(x.clone());
                }
            }
            Json::Object(m) => {
                let key = if names.is_empty() || rng.chance(0.2) {
                    "unknown_key".to_owned()
                } else {
                    rng.pick(names).clone()
                };
                m.insert(key, odd_value(rng, names));
            }
            _ => *node = Json::Array(vec![node.clone()]),
        },
        4 => {
            // An expression from the grammar where a string was.
            let expr = super::expr::generate_text(rng);
            *node = Json::String(expr);
        }
        _ => {
            // Wrap: an answer in an array, an object in an object.
            let inner = node.take();
            *node = if rng.chance(0.5) {
                Json::Array(vec![inner])
            } else {
                let mut m = Map::new();
                m.insert(names.first().cloned().unwrap_or_else(|| "x".into()), inner);
                Json::Object(m)
            };
        }
    }
}

enum Step {
    Key(String),
    Index(usize),
}

/// The route to the `k`-th node in pre-order; false if there are fewer.
fn find(v: &Json, k: &mut usize, route: &mut Vec<Step>) -> bool {
    if *k == 0 {
        return true;
    }
    *k -= 1;
    match v {
        Json::Object(m) => {
            for (key, x) in m {
                route.push(Step::Key(key.clone()));
                if find(x, k, route) {
                    return true;
                }
                route.pop();
            }
            false
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                route.push(Step::Index(i));
                if find(x, k, route) {
                    return true;
                }
                route.pop();
            }
            false
        }
        _ => false,
    }
}
