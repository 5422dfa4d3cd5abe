//! A counting allocator: the fuzz binaries' `#[global_allocator]`, so that
//! "no unbounded allocation" is checked, not hoped for.
//!
//! Two tiers. Past the *soft* limits (one allocation of
//! [`SOFT_SINGLE`], or [`SOFT_LIVE`] live in the process) the allocation
//! still succeeds and the thread is marked; the driver reports the input as
//! a finding when it returns ([`take_over_limit`]), with its artifact. Past
//! the *hard* limits the input cannot be allowed to finish: the hook set by
//! the driver ([`set_hard_limit_hook`]) saves the input, then the allocation
//! fails, which aborts the process ("memory allocation of N bytes failed").
//!
//! This is the only unsafe code of the workspace: `GlobalAlloc` is an unsafe
//! trait and `System` is reached only through it. Each block just forwards
//! to `System` with the caller's own layout and pointer.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One allocation this large is a finding (no input here is near 1 MiB).
pub const SOFT_SINGLE: usize = 256 << 20;
/// Live bytes in the whole test process past which the allocating input is
/// a finding.
pub const SOFT_LIVE: usize = 2 << 30;
/// Refused outright (the process aborts after saving the input).
pub const HARD_SINGLE: usize = 2 << 30;
pub const HARD_LIVE: usize = 6 << 30;

pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static HOOK: OnceLock<fn(usize)> = OnceLock::new();

thread_local! {
    /// The largest request past a soft limit since the last
    /// [`take_over_limit`] (0: none).
    static OVER: Cell<usize> = const { Cell::new(0) };
    /// Set while the hook runs, so its own allocations are not checked.
    static IN_HOOK: Cell<bool> = const { Cell::new(false) };
}

/// Called with the request size just before a hard-limit allocation fails.
pub fn set_hard_limit_hook(hook: fn(usize)) {
    let _ = HOOK.set(hook);
}

/// The largest request past a soft limit on this thread since the last
/// call, if any.
pub fn take_over_limit() -> Option<usize> {
    let over = OVER.try_with(|o| o.replace(0)).unwrap_or(0);
    (over > 0).then_some(over)
}

/// Bytes currently allocated in the process.
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Whether an allocation of `size` may go ahead (false: fail it).
fn admit(size: usize) -> bool {
    if IN_HOOK.try_with(Cell::get).unwrap_or(true) {
        return true;
    }
    let live = LIVE.load(Ordering::Relaxed).saturating_add(size);
    if size >= HARD_SINGLE || live >= HARD_LIVE {
        if let Some(hook) = HOOK.get() {
            let _ = IN_HOOK.try_with(|h| h.set(true));
            hook(size);
            let _ = IN_HOOK.try_with(|h| h.set(false));
        }
        return false;
    }
    if size >= SOFT_SINGLE || live >= SOFT_LIVE {
        let _ = OVER.try_with(|o| o.set(o.get().max(size)));
    }
    true
}

// SAFETY (every block below): each call forwards the caller's layout and
// pointer unchanged to `System`, whose contract is the same as ours.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && !admit(new_size) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}
