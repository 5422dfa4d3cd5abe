//! The app as an installed program on a shared tablet: new versions that
//! wait for the enumerator (`update`), installing to the home screen
//! (`install`), and storage the browser should not clear (`storage`).
//!
//! Mount [`update::UpdateBanner`], [`install::InstallButton`] and
//! [`storage::StorageStatus`] where they fit; [`start`] (from `main`) sets
//! up what must run before any of them is on screen.

pub mod install;
pub mod storage;
pub mod update;

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Everything that must start with the page: the service worker and its
/// update checks, catching the install prompt (it may fire before the
/// button is mounted), and asking for persistent storage.
pub fn start() {
    install::capture_install_prompt();
    update::register_service_worker();
    storage::request_persistence();
}

/// Calls `done` once `promise` settles, with its value or its error.
/// (The app has no futures executor for JS promises, and callbacks keep
/// these few one-shot waits simple.) The callback that does not run stays
/// allocated: a few bytes per call, and calls are rare.
pub(crate) fn on_settled(
    promise: &js_sys::Promise,
    done: impl FnOnce(Result<JsValue, JsValue>) + 'static,
) {
    let done = Rc::new(Cell::new(Some(done)));
    let on_error = Rc::clone(&done);
    let ok = Closure::once_into_js(move |value: JsValue| {
        if let Some(done) = done.take() {
            done(Ok(value));
        }
    });
    let err = Closure::once_into_js(move |error: JsValue| {
        if let Some(done) = on_error.take() {
            done(Err(error));
        }
    });
    // `then` through `Reflect`: js-sys's `then2` wants `Closure` handles,
    // which would have to be leaked whole; these free themselves once run.
    if let Ok(then) = js_sys::Reflect::get(promise, &JsValue::from_str("then"))
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _chained = then.call2(promise, &ok, &err);
    }
}

/// Listens to `event` on `target` for the rest of the page's life.
pub(crate) fn listen(
    target: &web_sys::EventTarget,
    event: &str,
    handler: impl FnMut(JsValue) + 'static,
) {
    let handler = Closure::<dyn FnMut(JsValue)>::new(handler);
    // Only fails for a non-function listener, which this is not.
    let _added = target.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    handler.forget();
}

/// `object[key]`, or `undefined`.
pub(crate) fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `navigator[key]` exists (service workers and storage exist only in
/// secure contexts, localhost included).
pub(crate) fn navigator_has(key: &str) -> bool {
    web_sys::window().is_some_and(|w| {
        js_sys::Reflect::has(&w.navigator(), &JsValue::from_str(key)).unwrap_or(false)
    })
}

/// Calls `handler` whenever the service worker posts `{type: kind}` to
/// this page (it asks the page to sync when the browser's Background Sync
/// fires while the app is open).
pub fn on_service_worker_message(kind: &'static str, handler: fn()) {
    if !navigator_has("serviceWorker") {
        return;
    }
    let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    listen(&container, "message", move |event| {
        let data = get(&event, "data");
        if get(&data, "type").as_string().as_deref() == Some(kind) {
            handler();
        }
    });
}

/// Asks the browser to wake the service worker when the network is back
/// (Background Sync, where the browser has it), so the outbox drains even
/// if the app is closed by then.
pub fn request_background_sync() {
    if !navigator_has("serviceWorker") {
        return;
    }
    let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    let Ok(ready) = container.ready() else {
        return;
    };
    on_settled(&ready, |registration| {
        let Ok(registration) = registration else {
            return;
        };
        let sync = get(&registration, "sync");
        let register = get(&sync, "register");
        if let Ok(register) = register.dyn_into::<js_sys::Function>() {
            // Refused without permission or support: the page's own
            // timers and `online` events still send.
            if let Ok(promise) = register.call1(&sync, &JsValue::from_str("fieldform-outbox"))
                && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
            {
                on_settled(&promise, |_| {});
            }
        }
    });
}
