//! One module per screen.

pub mod backup;
pub mod catalog;
pub mod home;
