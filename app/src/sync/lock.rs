//! One sync run at a time across tabs, windows and the service worker:
//! the browser's Web Locks (`navigator.locks`), which the browser releases
//! when the page holding one goes away (a reload, a crash), so a lock is
//! never left stuck. Where Web Locks are missing, a flag in this page.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

const NAME: &str = "fieldform-sync";

thread_local! {
    static HELD_HERE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work` holding the sync lock; `None` if someone else holds it.
pub async fn exclusive<T: 'static>(work: impl Future<Output = T> + 'static) -> Option<T> {
    if HELD_HERE.with(Cell::get) {
        return None;
    }
    HELD_HERE.with(|h| h.set(true));
    let result = match web_locks() {
        Some(locks) => with_web_lock(&locks, work).await,
        None => Some(work.await),
    };
    HELD_HERE.with(|h| h.set(false));
    result
}

fn web_locks() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}

async fn with_web_lock<T: 'static>(
    locks: &JsValue,
    work: impl Future<Output = T> + 'static,
) -> Option<T> {
    let slot: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let filled = Rc::clone(&slot);
    let mut work = Some(work);
    // Called with the lock, or with `null` when it is taken
    // (`ifAvailable`); the lock is held until the returned promise settles.
    let callback = Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
        if lock.is_null() {
            return js_sys::Promise::resolve(&JsValue::FALSE);
        }
        let Some(work) = work.take() else {
            return js_sys::Promise::resolve(&JsValue::FALSE);
        };
        wasm_bindgen_futures::future_to_promise(async move {
            let out = work.await;
            *filled.borrow_mut() = Some(out);
            Ok(JsValue::TRUE)
        })
    });
    let options = js_sys::Object::new();
    let _set = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let request: js_sys::Function = js_sys::Reflect::get(locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = request
        .call3(locks, &JsValue::from_str(NAME), &options, &callback)
        .ok()?
        .dyn_into()
        .ok()?;
    let _settled = wasm_bindgen_futures::JsFuture::from(promise).await;
    slot.borrow_mut().take()
}
