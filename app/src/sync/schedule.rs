//! When sync runs: at start, when the browser says the network is back,
//! after a response is finalized, on *Send now*, and on a timer: soon
//! after a failure (exponential backoff with jitter, never giving up),
//! rarely when there is nothing to do. A request during a run makes
//! another run right after it, so nothing finalized meanwhile waits for
//! the timer.

use std::cell::{Cell, RefCell};

use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use super::run::{self, Report, Stopped};
use super::{Activity, Problem, lock, status};
use crate::store;

/// Where the last successful run's time is kept.
const LAST_SUCCESS: &str = "sync.last_success";

thread_local! {
    static TIMER: RefCell<Option<Timeout>> = const { RefCell::new(None) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    static FAILURES: Cell<u32> = const { Cell::new(0) };
    static IDLE: Cell<u32> = const { Cell::new(0) };
    static STARTED: Cell<bool> = const { Cell::new(false) };
}

/// Starts sync with the page: loads the credential, listens for the
/// network coming back, and runs once.
pub fn start() {
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    if let Some(window) = web_sys::window() {
        gloo_events::EventListener::new(&window, "online", |_| {
            IDLE.with(|i| i.set(0));
            request();
        })
        .forget();
        gloo_events::EventListener::new(&window, "offline", |_| {
            status().try_update(|s| s.problem = Some(Problem::Offline));
        })
        .forget();
    }
    crate::device::on_service_worker_message("sync", request);
    leptos::task::spawn_local(async {
        if let Ok(db) = store::db().await
            && let Ok(Some(at)) = db.setting::<f64>(LAST_SUCCESS).await
        {
            status().try_update(|s| s.last_success = Some(at));
        }
        super::credential::load().await;
        request();
    });
}

/// Asks for a run now (or right after the one under way).
pub fn request() {
    if RUNNING.with(Cell::get) {
        AGAIN.with(|a| a.set(true));
        return;
    }
    TIMER.with(|t| t.borrow_mut().take());
    RUNNING.with(|r| r.set(true));
    leptos::task::spawn_local(async {
        loop {
            AGAIN.with(|a| a.set(false));
            let outcome = lock::exclusive(run::run()).await;
            let again = AGAIN.with(Cell::get);
            let delay = settle(outcome, again).await;
            if !again {
                RUNNING.with(|r| r.set(false));
                if let Some(ms) = delay {
                    schedule_in(ms);
                }
                break;
            }
        }
    });
}

fn schedule_in(ms: f64) {
    status().try_update(|s| s.next_try = Some(js_sys::Date::now() + ms));
    let timeout = Timeout::new(ms.clamp(0.0, f64::from(u32::MAX)) as u32, request);
    TIMER.with(|t| *t.borrow_mut() = Some(timeout));
}

/// Records what a run did on the status; returns when to look again.
async fn settle(outcome: Option<Result<Report, Stopped>>, again: bool) -> Option<f64> {
    let now = js_sys::Date::now();
    let random = js_sys::Math::random();
    let Some(result) = outcome else {
        // Another tab or the service worker is syncing: look again soon.
        return Some(10_000.0);
    };
    match result {
        Ok(report) => {
            if let Ok(db) = store::db().await {
                let _not_kept = db.put_setting(LAST_SUCCESS, &now).await;
            }
            let failures = if report.remaining > 0 {
                FAILURES.with(|f| f.replace(f.get() + 1))
            } else {
                FAILURES.with(|f| f.replace(0));
                0
            };
            status().try_update(|s| {
                s.activity = Activity::Idle;
                s.last_success = Some(now);
                s.problem = None;
                s.next_try = None;
            });
            if again {
                return None;
            }
            if report.remaining > 0 {
                crate::device::request_background_sync();
                return Some(super::protocol::backoff_ms(failures, random));
            }
            let busy = report.sent + report.refused + report.corrections > 0;
            let idle = if busy {
                IDLE.with(|i| i.replace(0));
                0
            } else {
                IDLE.with(|i| i.replace(i.get() + 1))
            };
            Some(super::protocol::idle_ms(idle))
        }
        Err(Stopped { problem, report }) => {
            // Responses wait: let the browser wake the service worker when
            // the network is back, even if the app is closed by then.
            if report.remaining > 0 {
                crate::device::request_background_sync();
            }
            status().try_update(|s| {
                s.activity = Activity::Idle;
                s.problem = Some(problem.clone());
                s.next_try = None;
            });
            match problem {
                // Waits for enrolment, or for the network to come back.
                Problem::NotEnrolled | Problem::CredentialRefused(_) | Problem::Offline => None,
                _ => {
                    let failures = FAILURES.with(|f| f.replace(f.get() + 1));
                    let backoff = super::protocol::backoff_ms(failures, random);
                    Some(report.wait.map_or(backoff, |w| w.max(backoff)))
                }
            }
        }
    }
}
