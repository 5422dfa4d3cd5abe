//! Fieldform's engine behind the interface `bench/peers.js` gives the two
//! peer engines, so `bench/page.mjs` drives all three the same way in the
//! same page: load a form file and fill its repeats, find nodes by the
//! workload's paths, edit, read values, relevance and choices, validate.

use std::sync::Arc;

use fieldform_engine::compile::compile;
use fieldform_engine::env::FixedEnvironment;
use fieldform_engine::model::Form;
use fieldform_engine::state::{FormState, NodeRef};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use wasm_bindgen::prelude::*;

// Counts allocations, so the memory benchmark sees what the engine keeps.
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// A loaded response: the form file parsed and compiled, the state built
/// and the roster filled, as the peers' `load` does.
#[wasm_bindgen]
pub struct Loaded {
    state: FormState,
    env: FixedEnvironment,
    /// Nodes handed out by [`Loaded::node`], so an edit does not parse a path.
    nodes: Vec<NodeRef>,
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl Loaded {
    /// Parses and compiles `form_json` and builds an empty response.
    #[wasm_bindgen(constructor)]
    pub fn new(form_json: &str) -> Result<Loaded, JsError> {
        let form = Form::from_json(form_json).map_err(js_error)?;
        let compiled = compile(&form).map_err(|errors| {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            JsError::new(&text.join("; "))
        })?;
        let env = FixedEnvironment::default();
        let state = FormState::new(Arc::new(compiled), &env);
        Ok(Loaded {
            state,
            env,
            nodes: Vec::new(),
        })
    }

    /// Adds `count` instances of the repeat at `path` (`members`,
    /// `hh[3]/member`).
    pub fn add(&mut self, path: &str, count: u32) -> Result<(), JsError> {
        for _ in 0..count {
            self.state.add(path, &self.env).map_err(js_error)?;
        }
        Ok(())
    }

    /// Removes the repeat instance at `path` (`members[3]`).
    pub fn remove(&mut self, path: &str) -> Result<(), JsError> {
        self.state.remove(path, &self.env).map_err(js_error)?;
        Ok(())
    }

    /// Bytes allocated and not yet freed, by everything in this wasm (the
    /// wasm memory itself only grows, so it shows the high-water mark).
    pub fn live_bytes() -> f64 {
        let stats = GLOBAL.stats();
        stats
            .bytes_allocated
            .saturating_sub(stats.bytes_deallocated) as f64
    }

    /// A handle for the node at `path` (`b5_a`, `members[3]/m0_age`).
    pub fn node(&mut self, path: &str) -> Result<u32, JsError> {
        let node = self.state.node(path).map_err(js_error)?;
        self.nodes.push(node);
        Ok((self.nodes.len() - 1) as u32)
    }

    /// Sets the node at `path` without keeping a handle for it (for loops
    /// over instances that come and go, so the harness keeps nothing).
    pub fn set_path(&mut self, path: &str, value: &str) -> Result<(), JsError> {
        let node = self.state.node(path).map_err(js_error)?;
        self.state
            .set_value(node, value, &self.env)
            .map_err(js_error)?;
        Ok(())
    }

    pub fn set(&mut self, node: u32, value: &str) -> Result<(), JsError> {
        let node = *self
            .nodes
            .get(node as usize)
            .ok_or_else(|| JsError::new("unknown node handle"))?;
        self.state
            .set_value(node, value, &self.env)
            .map_err(js_error)?;
        Ok(())
    }

    pub fn value(&self, path: &str) -> Result<String, JsError> {
        let node = self.state.node(path).map_err(js_error)?;
        Ok(self.state.value(node).to_owned())
    }

    pub fn relevant(&self, path: &str) -> Result<bool, JsError> {
        let node = self.state.node(path).map_err(js_error)?;
        Ok(self.state.relevant(node))
    }

    /// How many choices the select at `path` offers now (after its filter).
    pub fn choices(&self, path: &str) -> Result<u32, JsError> {
        let node = self.state.node(path).map_err(js_error)?;
        Ok(self.state.choices(node).len() as u32)
    }

    /// Validates the whole response; the number of questions with a problem.
    pub fn errors(&self) -> u32 {
        fieldform_engine::validate::validate(&self.state, "en").len() as u32
    }
}
