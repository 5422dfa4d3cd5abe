//! One module per screen.

pub mod catalog;
