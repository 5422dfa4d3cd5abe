//! Sync: every finalized response reaches the server exactly once,
//! whatever the network does.
//!
//! - `credential`: the device token or sign-in the device sends with.
//! - `protocol`: batches, reading the server's receipts (a captive
//!   portal's page is never one), backoff; pure and natively tested.
//! - `run`: one run: check the credential, take back responses a reviewer
//!   sent back, refresh the forms, then send the outbox batch by batch.
//! - `schedule`: when runs happen: at start, when the network comes back,
//!   after a finalize, on *Send now*, and on a timer (backoff after a
//!   failure, longer and longer while idle); never two at once (`lock`).
//!
//! A response leaves the outbox only when the server's receipt names it;
//! it stays on the device, marked sent, until the enumerator clears it.

pub mod credential;
pub mod lock;
pub mod protocol;
pub mod run;
pub mod schedule;
pub mod words;

use leptos::prelude::*;

pub use schedule::{request, start};

/// What sync is doing, for the screens.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncStatus {
    pub activity: Activity,
    /// When a run last reached the server and finished (Unix ms).
    pub last_success: Option<f64>,
    /// Why the last run stopped short, in words for the enumerator.
    pub problem: Option<Problem>,
    /// When the next automatic attempt is due (Unix ms).
    pub next_try: Option<f64>,
    /// Finalized responses waiting for the server.
    pub queued: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Activity {
    #[default]
    Idle,
    /// Talking to the server before sending (credential, forms).
    Checking,
    Sending {
        done: usize,
        total: usize,
    },
}

/// Why sync is not getting through.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The device says it has no network.
    Offline,
    /// No answer from the server.
    Network(String),
    /// Something else answered (a Wi-Fi login page).
    NotTheServer(String),
    /// The server failed or is overloaded.
    Server(String),
    /// The device has no credential yet.
    NotEnrolled,
    /// The server refused the credential (its words).
    CredentialRefused(String),
    /// The device's storage failed.
    Storage(String),
}

thread_local! {
    // Owned by a root of their own, never disposed: the signals live as
    // long as the page, whichever screen first asked for them.
    static SIGNALS: (RwSignal<SyncStatus>, RwSignal<u32>) =
        page_long(|| (RwSignal::new(SyncStatus::default()), RwSignal::new(0)));
}

/// Makes reactive nodes owned by a root of their own, never disposed, and
/// leaves the current owner as it was. `Owner::new_root` also makes itself
/// the current owner, for good: without giving the rendering component its
/// owner back, everything built after the first `status()` (the rest of a
/// screen) belonged to this root, was never disposed, and lost the app's
/// contexts (the home screen then never heard of the draft just left).
fn page_long<T>(make: impl FnOnce() -> T) -> T {
    let rendering = Owner::current();
    let owner = Owner::new_root(None);
    let made = owner.with(make);
    match rendering {
        Some(rendering) => rendering.set(),
        None => owner.clone().unset(),
    }
    std::mem::forget(owner);
    made
}

/// The app-wide sync status.
pub fn status() -> RwSignal<SyncStatus> {
    SIGNALS.with(|s| s.0)
}

/// Bumped when a run changed stored responses, and only then: what
/// screens that reread responses track (tracking the whole status would
/// reread them on every batch's progress). A signal of its own, not a
/// memo of the status: a screen's memo of a page-long signal outlived
/// the screen and woke its disposed resources.
pub fn responses_changed() -> ReadSignal<u32> {
    SIGNALS.with(|s| s.1.read_only())
}

/// Says that a run changed stored responses.
pub(crate) fn mark_responses_changed() {
    SIGNALS.with(|s| s.1.try_update(|n| *n = n.wrapping_add(1)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_long_nodes_leave_the_rendering_owner_in_place() {
        let screen = Owner::new();
        screen.with(|| {
            provide_context(7u8);
            let signal = page_long(|| RwSignal::new(1u32));
            assert_eq!(Owner::current(), Some(screen.clone()));
            assert_eq!(use_context::<u8>(), Some(7), "the screen's contexts");
            screen.cleanup();
            assert_eq!(signal.try_get_untracked(), Some(1), "outlives the screen");
        });
    }
}
