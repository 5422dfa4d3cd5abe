//! The harness shared by the server's integration tests: the two backends
//! and `on_both_backends!` ([`backend`]), an in-process server to call
//! ([`app`]), SQL behind its back ([`db`]), ids and error codes
//! ([`data`]), a fresh PostgreSQL database ([`pg`]) and the `fieldform`
//! binary ([`cli`]).
//!
//! Each file in `tests/` is its own crate and uses only part of this, so
//! what one file leaves unused (items, re-exports) is not dead code.
#![allow(dead_code, unused_imports)]

#[macro_use]
pub mod backend;
pub mod app;
pub mod cli;
pub mod data;
pub mod db;
#[path = "../pg/mod.rs"]
pub mod pg;

pub use app::{PASSWORD, TestApp, TestServer, json_or_text};
pub use backend::{Backend, database_url};
pub use cli::{Run, fieldform, forms};
pub use data::{error_code, error_fields, unzip, uuid};
