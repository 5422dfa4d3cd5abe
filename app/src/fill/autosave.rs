//! Keeps the response on the device as it is being filled in.
//!
//! **Invariant:** an answer on screen is in IndexedDB within 300 ms. The
//! first change after a save starts a short timer ([`DELAY_MS`]); changes
//! until it fires share its save (one transaction), so typing never waits
//! for storage and a save is never more than the delay plus one
//! transaction behind. Saves never overlap: one that arrives while another
//! is being written runs right after it. Leaving the page (`pagehide`,
//! hidden tab) saves at once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use fieldform_engine::response::Status;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use super::session::Session;
use crate::route::{Route, replace_url};
use crate::store::{self, ResponseRecord, ResponseState, StoreError};

/// How long changes are gathered before they are written.
pub const DELAY_MS: u32 = 150;

/// What the enumerator is told about saving.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveStatus {
    /// Nothing to save yet (a new response with no answer).
    Idle,
    /// A change is waiting for its save.
    Pending,
    /// Everything on screen is stored; Unix milliseconds.
    Saved(f64),
    /// The last save failed; what is on screen is not all stored.
    Failed(StoreError),
}

/// The record's fields that are not the answers.
#[derive(Debug, Clone)]
struct Meta {
    state: ResponseState,
    created: f64,
    finalized: Option<f64>,
    submission: Option<fieldform_engine::response::Response>,
    sync: crate::store::SyncInfo,
    /// Whether the record exists in storage yet.
    stored: bool,
}

struct Inner {
    session: Session,
    /// The interview is on screen (a save after it left must not touch
    /// the address bar).
    alive: Cell<bool>,
    page: RwSignal<usize>,
    meta: RefCell<Meta>,
    timer: RefCell<Option<Timeout>>,
    writing: Cell<bool>,
    again: Cell<bool>,
    status: RwSignal<SaveStatus>,
}

/// See the module docs. Cheap to clone; browser-only (not `Send`).
#[derive(Clone)]
pub struct Autosave {
    inner: Rc<Inner>,
}

impl Autosave {
    /// Saves `session` from now on. `existing` is the stored record it was
    /// restored from, if any.
    pub fn start(
        session: Session,
        page: RwSignal<usize>,
        existing: Option<&ResponseRecord>,
    ) -> Self {
        let meta = match existing {
            Some(r) => Meta {
                state: r.state,
                created: r.created,
                finalized: r.finalized,
                submission: r.submission.clone(),
                sync: r.sync.clone(),
                stored: true,
            },
            None => Meta {
                state: ResponseState::Draft,
                created: js_sys::Date::now(),
                finalized: None,
                submission: None,
                sync: Default::default(),
                stored: false,
            },
        };
        let status = RwSignal::new(match existing {
            Some(r) => SaveStatus::Saved(r.updated),
            None => SaveStatus::Idle,
        });
        let autosave = Autosave {
            inner: Rc::new(Inner {
                session,
                alive: Cell::new(true),
                page,
                meta: RefCell::new(meta),
                timer: RefCell::new(None),
                writing: Cell::new(false),
                again: Cell::new(false),
                status,
            }),
        };
        let on_edit = autosave.clone();
        session.on_edit(move || on_edit.schedule());
        // A page change is saved too (the draft reopens on it).
        let on_page = autosave.clone();
        Effect::new(move |first: Option<()>| {
            page.track();
            if first.is_some() {
                on_page.schedule();
            }
        });
        let flush = autosave.clone();
        let hide = window_event_listener(leptos::ev::pagehide, move |_| flush.flush());
        let flush = autosave.clone();
        let hidden = window_event_listener(leptos::ev::visibilitychange, move |_| {
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.hidden());
            if hidden {
                flush.flush();
            }
        });
        on_cleanup(move || {
            hide.remove();
            hidden.remove();
        });
        autosave
    }

    pub fn status(&self) -> RwSignal<SaveStatus> {
        self.inner.status
    }

    pub fn state(&self) -> ResponseState {
        self.inner.meta.borrow().state
    }

    /// Whether something on screen is not stored yet.
    pub fn unsaved(&self) -> bool {
        matches!(
            self.inner.status.try_get_untracked(),
            Some(SaveStatus::Pending | SaveStatus::Failed(_))
        )
    }

    /// A change happened: save it soon.
    pub fn schedule(&self) {
        if !self.state().editable() || !self.inner.alive.get() {
            return;
        }
        self.inner.status.try_set(SaveStatus::Pending);
        if self.inner.timer.borrow().is_some() {
            return;
        }
        let me = self.clone();
        let timer = Timeout::new(DELAY_MS, move || {
            me.inner.timer.borrow_mut().take();
            leptos::task::spawn_local(me.clone().save());
        });
        *self.inner.timer.borrow_mut() = Some(timer);
    }

    /// Saves now what is pending.
    pub fn flush(&self) {
        if self.inner.timer.borrow_mut().take().is_some() {
            leptos::task::spawn_local(self.clone().save());
        }
    }

    /// The interview leaves the screen: what is pending is read now, while
    /// the answers still exist, and written after.
    pub fn leave(&self) {
        self.inner.alive.set(false);
        if self.inner.timer.borrow_mut().take().is_none() {
            return;
        }
        if let Some(record) = self.record() {
            leptos::task::spawn_local(async move {
                if let Ok(db) = store::db().await {
                    let _failed = db.put_response(&record).await;
                }
            });
        }
    }

    /// Writes the current state; a save asked for meanwhile runs after it.
    pub async fn save(self) {
        if self.inner.writing.replace(true) {
            self.inner.again.set(true);
            return;
        }
        loop {
            self.inner.again.set(false);
            let started = precise_now();
            // The screen is gone (its last changes were written on leaving).
            let Some(record) = self.record() else {
                break;
            };
            let built = precise_now();
            let result = match store::db().await {
                Ok(db) => db.put_response(&record).await,
                Err(e) => Err(e),
            };
            report_cost(built - started, precise_now() - built);
            match result {
                Ok(()) => self.saved(&record),
                Err(e) => {
                    self.inner.status.try_set(SaveStatus::Failed(e));
                }
            }
            if !self.inner.again.get() {
                break;
            }
        }
        self.inner.writing.set(false);
    }

    fn saved(&self, record: &ResponseRecord) {
        let first = !self
            .inner
            .meta
            .replace_with(|m| Meta {
                stored: true,
                ..m.clone()
            })
            .stored;
        if first && self.inner.alive.get() {
            // A reload now reopens this response, not a blank form.
            replace_url(&Route::Response {
                instance_id: record.instance_id.clone(),
            });
        }
        if self.inner.timer.borrow().is_none() && !self.inner.again.get() {
            self.inner.status.try_set(SaveStatus::Saved(record.updated));
        }
    }

    fn record(&self) -> Option<ResponseRecord> {
        let session = self.inner.session;
        let meta = self.inner.meta.borrow().clone();
        let (draft, instance_name) = session.try_draft()?;
        let page = self.inner.page.try_get_untracked()?;
        Some(ResponseRecord {
            instance_id: draft.instance_id.clone(),
            form_id: draft.form_id.clone(),
            form_version: draft.form_version.clone(),
            state: meta.state,
            draft,
            submission: meta.submission,
            page: u32::try_from(page).unwrap_or(0),
            instance_name,
            created: meta.created,
            updated: js_sys::Date::now(),
            finalized: meta.finalized,
            sync: meta.sync,
        })
    }

    /// Marks the response finalized (read-only, time-stamped, waiting in
    /// the outbox) and stores it; on failure it stays a draft.
    pub async fn finalize(&self) -> Result<(), StoreError> {
        self.inner.timer.borrow_mut().take();
        let before = self.inner.meta.borrow().clone();
        let now = js_sys::Date::now();
        let Some(submission) = self.inner.session.try_response(Status::Complete) else {
            return Ok(());
        };
        {
            let mut meta = self.inner.meta.borrow_mut();
            // A response sent back is delivered again as a correction:
            // the server may hold the revision it replaces.
            if meta.state == ResponseState::NeedsCorrection {
                meta.sync.correction = true;
            }
            meta.sync.refusal = None;
            meta.state = ResponseState::Finalized;
            meta.finalized = Some(now);
            meta.submission = Some(submission);
        }
        let Some(record) = self.record() else {
            return Ok(());
        };
        let result = match store::db().await {
            Ok(db) => db.put_response(&record).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                self.saved(&record);
                Ok(())
            }
            Err(e) => {
                *self.inner.meta.borrow_mut() = before;
                self.inner.status.try_set(SaveStatus::Failed(e.clone()));
                Err(e)
            }
        }
    }
}

/// The cost of the last save, for `cargo xtask bench-app`: building the
/// record (draft, instance name) and the IndexedDB transaction, in ms, as
/// `window.__fieldformSave = {build, write}` (one object, overwritten).
fn report_cost(build: f64, write: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let cost = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&cost, &"build".into(), &build.into());
    let _ = js_sys::Reflect::set(&cost, &"write".into(), &write.into());
    let _ = js_sys::Reflect::set(&window, &"__fieldformSave".into(), &cost);
}

fn precise_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}
