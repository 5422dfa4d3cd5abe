//! The coordinator console's entry point (`/console/`): mount the console
//! on `<body>`. No service worker registration, install offer or sync:
//! the console is used online, on a coordinator's computer, and the
//! enumerator's app at `/` does those.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(fieldform_app::ConsoleApp);
}
