//! Fieldform's collection server: form catalog, submissions, accounts, and
//! the release build of the app, over one SQLite (or PostgreSQL) database.

pub mod accounts;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
mod server;

pub use server::{RunningServer, start};
