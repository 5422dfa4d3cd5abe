//! One module per screen.

pub mod backup;
pub mod catalog;
pub mod home;
pub mod provision;
pub mod sync_panel;
