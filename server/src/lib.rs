//! Fieldform's collection server: form catalog, submissions, accounts, and
//! the release build of the app, over one SQLite (or PostgreSQL) database.

pub mod accounts;
pub mod attachments;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod environment;
pub mod error;
pub mod exports;
pub mod http;
mod server;
pub mod store;
pub mod submissions;

pub use server::{RunningServer, start, start_with};
