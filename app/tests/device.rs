//! The device components in a real browser (headless Chromium, via
//! wasm-bindgen-test): what can be checked without a second deployment.
//! A real update is tested end to end (`tests/e2e/update.test.mjs`).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fieldform_app::device::install::{InstallButton, can_install, capture_install_prompt};
use fieldform_app::device::storage::{StorageStatus, request_persistence};
use fieldform_app::device::update::{UpdateBanner, update_ready};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> HtmlElement {
    let document = document();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: HtmlElement = host.unchecked_into();
    leptos::mount::mount_to(host.clone(), view).forget();
    host
}

/// Lets effects and redraws run.
async fn settle() {
    for _ in 0..4 {
        leptos::task::tick().await;
    }
}

/// A real pause, for the browser's own promises (storage estimates).
/// (A tiny timer future: the app has no futures crate for JS promises.)
async fn sleep(ms: i32) {
    struct Sleep(Rc<RefCell<(bool, Option<Waker>)>>);
    impl Future for Sleep {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut state = self.0.borrow_mut();
            if state.0 {
                Poll::Ready(())
            } else {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
    let state = Rc::new(RefCell::new((false, None::<Waker>)));
    let fired = Rc::clone(&state);
    let wake = Closure::once_into_js(move || {
        let waker = {
            let mut state = fired.borrow_mut();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    });
    window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(wake.unchecked_ref(), ms)
        .unwrap();
    Sleep(state).await;
}

fn find(host: &HtmlElement, selector: &str) -> Option<HtmlElement> {
    host.query_selector(selector)
        .unwrap()
        .map(|e| e.unchecked_into())
}

/// Waits (up to 10 s) until `selector` has text, and returns it.
async fn text_of(host: &HtmlElement, selector: &str) -> String {
    for _ in 0..100 {
        settle().await;
        if let Some(text) = find(host, selector)
            .and_then(|e| e.text_content())
            .filter(|t| !t.is_empty())
        {
            return text;
        }
        sleep(100).await;
    }
    panic!("no text in {selector} after 10 s: {}", host.inner_html());
}

/// "12.3 MB" or "1.2 GB" (with a no-break space).
fn has_size(text: &str) -> bool {
    text.split('\u{a0}')
        .collect::<Vec<_>>()
        .windows(2)
        .any(|pair| {
            let number = pair[0].rsplit(' ').next().unwrap_or("");
            let unit = pair[1];
            number.split_once('.').is_some_and(|(whole, tenth)| {
                !whole.is_empty()
                    && whole.chars().all(|c| c.is_ascii_digit())
                    && tenth.len() == 1
                    && tenth.chars().all(|c| c.is_ascii_digit())
            }) && (unit.starts_with("MB") || unit.starts_with("GB"))
        })
}

#[wasm_bindgen_test]
async fn storage_status_shows_the_space_used_and_available() {
    let refresh = RwSignal::new(0_u32);
    let host = mount(move || {
        view! { <StorageStatus refresh=refresh lang=Signal::stored("en".to_owned()) /> }
    });
    let usage = text_of(&host, ".storage-status .storage-usage").await;
    assert!(usage.contains(" used, "), "{usage}");
    assert!(usage.ends_with(" available"), "{usage}");
    assert!(has_size(&usage), "no sizes in {usage:?}");
    let persistence = text_of(&host, ".storage-status .storage-persistence").await;
    assert!(persistence.starts_with("Storage is"), "{persistence}");
    let attr = find(&host, ".storage-status")
        .unwrap()
        .get_attribute("data-persistent");
    assert!(
        matches!(attr.as_deref(), Some("true" | "false")),
        "{attr:?}"
    );

    // A refresh reads again and still shows the sizes.
    refresh.update(|n| *n += 1);
    settle().await;
    let usage = text_of(&host, ".storage-status .storage-usage").await;
    assert!(has_size(&usage), "no sizes in {usage:?} after a refresh");
}

#[wasm_bindgen_test]
async fn storage_status_speaks_the_ui_language() {
    let host = mount(|| view! { <StorageStatus lang=Signal::stored("fr".to_owned()) /> });
    let usage = text_of(&host, ".storage-usage").await;
    assert!(usage.contains(" utilisés, "), "{usage}");
    assert!(
        usage.contains('\u{a0}') && (usage.contains("Mo") || usage.contains("Go")),
        "{usage}"
    );
}

#[wasm_bindgen_test]
async fn persistence_is_requested_without_panicking() {
    request_persistence();
    request_persistence();
    // Let the browser answer: a panic in the callback would fail the test.
    sleep(200).await;
}

#[wasm_bindgen_test]
async fn no_banner_without_a_waiting_worker() {
    let host = mount(|| view! { <UpdateBanner /> });
    settle().await;
    assert!(!update_ready());
    let banner = find(&host, ".update-banner").expect("the live region is always there");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("status"));
    // Empty, so the CSS hides it.
    assert!(banner.matches(":empty").unwrap(), "{}", banner.outer_html());
    assert!(find(&host, ".update-reload").is_none());
}

#[wasm_bindgen_test]
async fn no_install_button_until_the_browser_offers_it_then_it_prompts() {
    capture_install_prompt();
    let host = mount(|| view! { <InstallButton lang=Signal::stored("es".to_owned()) /> });
    settle().await;
    assert!(!can_install());
    assert!(find(&host, ".install-app").is_none());

    // Chrome's offer, imitated: an event with a `prompt()` that records the call.
    let init = EventInit::new();
    init.set_cancelable(true);
    let offer = Event::new_with_event_init_dict("beforeinstallprompt", &init).unwrap();
    let prompt =
        js_sys::Function::new_no_args("window.__prompted = true; return Promise.resolve();");
    js_sys::Reflect::set(&offer, &"prompt".into(), &prompt).unwrap();
    window().dispatch_event(&offer).unwrap();
    // The browser's own infobar is kept away.
    assert!(offer.default_prevented());
    settle().await;
    let button = find(&host, ".install-app").expect("an install button once offered");
    assert_eq!(
        button.text_content().unwrap(),
        "Instalar Fieldform en este dispositivo para que el navegador no borre sus datos"
    );

    button.click();
    settle().await;
    let prompted = js_sys::Reflect::get(&window(), &"__prompted".into()).unwrap();
    assert_eq!(prompted, JsValue::TRUE);
    // An offer is good for one prompt only.
    assert!(find(&host, ".install-app").is_none());
}
