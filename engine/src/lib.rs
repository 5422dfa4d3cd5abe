//! Fieldform's form engine.
//!
//! Pure Rust: no browser code, no threads, no files, no system clock. The
//! app runs it as WebAssembly, the server natively; whatever the engine needs
//! from the outside world (time, randomness, device identity) reaches it
//! through [`env::Environment`].

pub mod compile;
pub mod computed;
pub mod draft;
pub mod env;
pub mod expr;
pub mod external;
pub mod model;
pub mod response;
pub mod sort;
pub mod state;
pub mod validate;
pub mod wire;

pub use external::{AttachmentError, Attachments, compile_with};

#[cfg(test)]
pub(crate) mod testing;

// Engine tests also run in a real browser (see `cargo xtask test`).
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
