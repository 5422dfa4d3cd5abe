//! Browser entry point: mount the app on `<body>` and register the service
//! worker that keeps the app shell available offline.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(fieldform_app::App);
    fieldform_app::offline::register_service_worker();
}
