//! The order a select or rank shows its choices in: the list's own, or,
//! with the parameter `randomize=true`, shuffled as ODK shuffles it.
//!
//! pyxform writes such a list as `randomize(<the filtered choices>, seed)`,
//! so the shuffle is of the choices the filter leaves, and this is the
//! engine's own `randomize` (JavaRosa's algorithm):
//! * with `seed=` (a number, or `${field}` read from the question's
//!   instance as XPath reads the node), the order is the one every ODK
//!   client gives for that seed;
//! * without one, ODK draws at random; here the draw is seeded by the
//!   response's instance id and the question's path, so each response
//!   (and each repeat instance) has its own order, and it stays the same
//!   while filling in and when the draft is opened again.
//!
//! "Other" (`or_other`) and choices no longer offered stay at the end, as
//! the widgets add them after this order.

use fieldform_engine::compile::{CompiledForm, FieldId};
use fieldform_engine::expr::Value;
use fieldform_engine::expr::functions::{seed_of, shuffle_seeded};
use fieldform_engine::state::{FormState, NodeRef};

/// How a question's choices are ordered; `Copy`, so the widgets' closures
/// stay `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// As the list gives them.
    AsListed,
    /// Shuffled once per response (no seed).
    Shuffled,
    /// Shuffled with a fixed seed.
    Seeded(i64),
    /// Shuffled with the seed a field holds.
    SeededBy(FieldId),
}

impl Order {
    /// The order `field`'s parameters ask for. `randomize` is `true` or
    /// `false` (pyxform refuses anything else; the importer keeps it as
    /// written, so other words leave the list as it is).
    pub fn of(form: &CompiledForm, field: FieldId) -> Order {
        let Some(q) = form.field(field).question() else {
            return Order::AsListed;
        };
        let on = q
            .parameters
            .get("randomize")
            .is_some_and(|v| matches!(v.trim().to_lowercase().as_str(), "true" | "true()" | "yes"));
        if !on {
            return Order::AsListed;
        }
        let Some(seed) = q.parameters.get("seed").map(|s| s.trim()) else {
            return Order::Shuffled;
        };
        match seed.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
            // A name no field has (or several have) is an empty node-set:
            // XPath's seed for it is that of "".
            Some(name) => form
                .lookup(name.trim())
                .map_or(Order::Seeded(seed_of(&Value::from(""))), Order::SeededBy),
            None => Order::Seeded(seed_of(&Value::from(seed))),
        }
    }

    /// The node whose value seeds the shuffle of `node`, if any: the seed
    /// field in `node`'s repeat instance or the nearest enclosing one (as
    /// `${seed}` resolves), else its first node in the form. The widget
    /// tracks it, so a changed seed reorders the list.
    pub fn seed_node(self, state: &FormState, node: NodeRef) -> Option<NodeRef> {
        let Order::SeededBy(field) = self else {
            return None;
        };
        let form = state.form();
        let repeat = form.scope(form.field(field).scope).repeat;
        let mut at = Some(node.instance);
        while let Some(instance) = at {
            if state.repeat_of(instance) == repeat {
                return Some(NodeRef { field, instance });
            }
            at = state.parent(instance);
        }
        state.nodes().into_iter().find(|n| n.field == field)
    }

    /// `choices` (the filtered list, in the list's order) in this order.
    pub fn arrange<T>(self, state: &FormState, node: NodeRef, choices: Vec<T>) -> Vec<T> {
        let seed = match self {
            Order::AsListed => return choices,
            Order::Seeded(seed) => seed,
            // The node's text, as XPath passes a node-set to `randomize`.
            Order::SeededBy(_) => {
                let text = self
                    .seed_node(state, node)
                    .map(|n| state.value(n).to_owned())
                    .unwrap_or_default();
                seed_of(&Value::from(text))
            }
            Order::Shuffled => seed_of(&Value::from(format!(
                "{} {}",
                state.instance_id(),
                state.path(node)
            ))),
        };
        shuffle_seeded(choices, seed)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use fieldform_engine::compile::compile;
    use fieldform_engine::env::FixedEnvironment;
    use fieldform_engine::model::Form;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    // The app's unit tests also run in a real browser (`cargo xtask test`).
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    const LETTERS: [&str; 10] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

    /// A form with a seed field, a repeat, and selects of ten letters
    /// shuffled without a seed, with a literal seed and with `${seed}`.
    fn state(instance_id: &str) -> FormState {
        let letters: Vec<serde_json::Value> = LETTERS
            .iter()
            .map(|l| serde_json::json!({ "name": l, "label": { "en": l.to_uppercase() } }))
            .collect();
        let select = |name: &str, parameters: serde_json::Value| {
            serde_json::json!({ "kind": "question", "name": name, "type": "select_one",
                "choices": "letters", "parameters": parameters })
        };
        let doc = serde_json::json!({
            "format": 1, "id": "r", "version": "1", "title": { "en": "R" },
            "languages": [{ "code": "en", "name": "English" }], "default_language": "en",
            "choices": { "letters": letters },
            "items": [
                { "kind": "question", "name": "seed", "type": "integer" },
                select("plain", serde_json::json!({})),
                select("free", serde_json::json!({ "randomize": "true" })),
                select("fixed", serde_json::json!({ "randomize": "true", "seed": "1234" })),
                select("by_field", serde_json::json!({ "randomize": "true", "seed": "${seed}" })),
                { "kind": "repeat", "name": "member", "min_instances": 2, "items": [
                    select("inner", serde_json::json!({ "randomize": "true" })),
                ]},
            ],
        });
        let form = Form::from_json(&doc.to_string()).expect("form");
        let compiled = compile(&form).expect("compiles");
        FormState::with_instance_id(
            Arc::new(compiled),
            instance_id.to_owned(),
            &FixedEnvironment::default(),
        )
    }

    fn order(state: &FormState, path: &str) -> Vec<&'static str> {
        let node = state.node(path).expect("node");
        let names: Vec<&'static str> = LETTERS.to_vec();
        Order::of(state.form(), node.field).arrange(state, node, names)
    }

    /// The engine's `randomize(<the ten letters>, seed)`, as ODK orders them.
    fn engine_order(seed: &str) -> Vec<String> {
        let src = format!("join(' ', randomize(instance('letters')/root/item/name, {seed}))");
        let env = FixedEnvironment::default();
        state("x")
            .evaluate_expression(&src, None, &env)
            .expect("evaluates")
            .as_string()
            .split(' ')
            .map(str::to_owned)
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn without_randomize_the_list_keeps_its_order() {
        assert_eq!(order(&state("x"), "plain"), LETTERS);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_seed_gives_the_engines_randomize_order() {
        let s = state("x");
        assert_eq!(order(&s, "fixed"), engine_order("1234"));
        assert_ne!(order(&s, "fixed"), LETTERS);
        let mut s = state("x");
        let env = FixedEnvironment::default();
        s.set("seed", "42", &env).expect("set");
        assert_eq!(order(&s, "by_field"), engine_order("42"));
        s.set("seed", "7", &env).expect("set");
        assert_eq!(order(&s, "by_field"), engine_order("7"));
        // No seed yet: XPath's empty node-set, the seed of "".
        assert_eq!(order(&state("x"), "by_field"), engine_order("''"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn without_a_seed_each_response_has_its_own_stable_order() {
        let one = state("01890a5d-ac96-774b-bcce-b302099a8057");
        let first = order(&one, "free");
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, LETTERS, "a permutation");
        assert_ne!(first, LETTERS);
        // Stable while filling in, and for the same response reopened.
        assert_eq!(order(&one, "free"), first);
        assert_eq!(
            order(&state("01890a5d-ac96-774b-bcce-b302099a8057"), "free"),
            first
        );
        // Another response, another order; each repeat instance its own.
        assert_ne!(
            order(&state("01890a5d-ac96-774b-bcce-b302099a8058"), "free"),
            first
        );
        assert_ne!(
            order(&one, "member[1]/inner"),
            order(&one, "member[2]/inner")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_seed_field_is_found_from_inside_a_repeat() {
        let s = state("x");
        let inner = s.node("member[2]/inner").expect("node");
        let seed = s.node("seed").expect("node");
        let order = Order::SeededBy(seed.field);
        assert_eq!(order.seed_node(&s, inner), Some(seed));
        assert_eq!(Order::Shuffled.seed_node(&s, inner), None);
    }
}
