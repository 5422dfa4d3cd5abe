//! A form version as an enumerator sees it, in each of its languages
//! (the form's own language picker), kept only in memory: nothing is
//! saved on the device or sent (`fill::FormView`). Fetched from the
//! server with the session, so closed versions can be previewed too.

use std::sync::Arc;

use leptos::prelude::*;

use super::Tab;
use super::words::{C, c};
use crate::route::ConsoleRoute;

#[component]
pub fn Preview(form: String, version: String) -> impl IntoView {
    let lang = crate::preferences::browser_language();
    crate::set_document_language(&lang, crate::is_rtl(&lang));
    let loaded =
        RwSignal::new(None::<Result<Arc<fieldform_engine::compile::CompiledForm>, String>>);
    leptos::task::spawn_local(async move {
        if crate::sync::credential::current().is_none() {
            crate::sync::credential::load().await;
        }
        // With the form's data files (`select_one_from_file`, `pulldata()`).
        let result = crate::library::fetch_compiled(&form, &version).await;
        loaded.try_set(Some(result));
    });
    let back = ConsoleRoute::Tab(Tab::Forms).href();
    let body_lang = lang.clone();
    let body = move || match loaded.get() {
        None => view! { <p class="status">{c(C::Loading, &body_lang)}</p> }.into_any(),
        Some(Err(message)) => {
            view! { <p class="status error" role="alert">{message}</p> }.into_any()
        }
        Some(Ok(form)) => view! { <crate::fill::FormView form /> }.into_any(),
    };
    view! {
        <div class="console-preview">
            <p class="preview-notice" role="note">
                <span>{c(C::PreviewNotice, &lang)}</span>
                <a class="button back-to-console" href=back>{c(C::BackToConsole, &lang)}</a>
            </p>
            {body}
        </div>
    }
}
