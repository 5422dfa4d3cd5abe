//! The smallest leptos app worth measuring: one component rendering one
//! input bound to a signal. `cargo xtask bench-app` builds it as the app's
//! wasm is built and reports its size beside the app's, as the part of the
//! download any leptos app pays.

use leptos::prelude::*;

#[component]
fn Floor() -> impl IntoView {
    let text = RwSignal::new(String::new());
    view! { <input type="text" bind:value=text /> }
}

fn main() {
    leptos::mount::mount_to_body(Floor);
}
