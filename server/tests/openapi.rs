//! `server/openapi.json` describes exactly the routes the router has: every
//! documented operation exists, and every route in `src/http/` is documented.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `METHOD path` for each operation of the OpenAPI document.
fn documented() -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest_dir().join("openapi.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            assert!(METHODS.contains(&method.as_str()), "{path}: {method}");
            ops.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    ops
}

/// `METHOD path` for each `.route("...", get(..).post(..))` in `src/http/`;
/// every module but `health` is nested under `/api`.
fn routed() -> BTreeSet<String> {
    let mut ops = BTreeSet::new();
    for entry in std::fs::read_dir(manifest_dir().join("src/http")).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let prefix = if path.ends_with("health.rs") {
            ""
        } else {
            "/api"
        };
        for chunk in source.split(".route(\"").skip(1) {
            let (route, rest) = chunk.split_once('"').unwrap();
            // The method router ends where the `.route(...)` call does.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let methods = &rest[..end];
            for method in METHODS {
                let called = methods.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || matches!(methods.as_bytes()[i - 1], b' ' | b'.' | b',')
                });
                if called {
                    ops.insert(format!("{} {prefix}{route}", method.to_uppercase()));
                }
            }
        }
    }
    ops
}

#[test]
fn openapi_matches_the_router() {
    let documented = documented();
    let routed = routed();
    assert!(routed.len() >= 15, "found only {routed:?}");
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let missing: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && missing.is_empty(),
        "routes missing from server/openapi.json: {undocumented:?}; \
         documented but not routed: {missing:?}"
    );
}
