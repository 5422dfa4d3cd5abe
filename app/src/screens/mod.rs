//! One module per screen.

pub mod backup;
pub mod catalog;
pub mod home;
pub mod provision;
pub mod sign_in;
pub mod sync_panel;

/// Asks `question` in the browser's dialog; no window means no.
pub(crate) fn confirmed(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
