//! Offline support: the service worker (`public/sw.js`, completed at build
//! time by `tools/precache.mjs`) caches the app shell.

/// Registers `/sw.js`. A browser without service workers still runs the app
/// online; a failed registration shows up in the console.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // `serviceWorker` is missing on insecure origins other than localhost.
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let _registration = navigator.service_worker().register("/sw.js");
}
