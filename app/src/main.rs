//! The enumerator app's entry point (`/`, what a tablet downloads): mount
//! the app on `<body>`, then start what runs beside it: the service worker
//! (offline shell, updates that wait for the enumerator), the install
//! offer, the request for persistent storage, and sync. The console is
//! another binary (`src/bin/console.rs`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(fieldform_app::App);
    fieldform_app::device::start();
    fieldform_app::sync::start();
}
