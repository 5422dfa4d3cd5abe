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
    static SIGNALS: (RwSignal<SyncStatus>, RwSignal<u32>) = {
        let owner = Owner::new_root(None);
        let signals = owner.with(|| (RwSignal::new(SyncStatus::default()), RwSignal::new(0)));
        std::mem::forget(owner);
        signals
    };
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
