//! Enrolling this tablet from a coordinator's provisioning link
//! (`#/provision?token=…`): the token is checked with the server and kept,
//! then sync starts. The token leaves the address bar at once, so it is
//! not left in the browser's history.

use leptos::prelude::*;

use crate::route::{Route, go, replace_href};
use crate::sync::credential::{self, EnrolError};
use crate::sync::words::{W, w};

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Working,
    Done { name: String, forms: Vec<String> },
    Failed(EnrolError),
}

/// See the module docs.
#[component]
pub fn Provision(token: String) -> impl IntoView {
    let lang = crate::preferences::browser_language();
    crate::set_document_language(&lang, crate::is_rtl(&lang));
    replace_href("#/provision");
    let step = RwSignal::new(Step::Working);
    let token = StoredValue::new(token);
    let attempt = move || {
        step.set(Step::Working);
        let token = token.get_value();
        leptos::task::spawn_local(async move {
            let result = credential::enrol_device(&token).await;
            step.try_set(match result {
                Ok(c) => {
                    crate::sync::request();
                    Step::Done {
                        name: c.name,
                        forms: c.forms,
                    }
                }
                Err(e) => Step::Failed(e),
            });
        });
    };
    attempt();
    let view_lang = lang.clone();
    let body = move || {
        let lang = view_lang.clone();
        match step.get() {
            Step::Working => {
                view! { <p class="status" role="status">{w(W::Enrolling, &lang)}</p> }.into_any()
            }
            Step::Done { name, forms } => view! {
                <p class="status enrolled" role="status">
                    {w(W::Enrolled, &lang)} " " <strong class="device-name">{name}</strong>
                </p>
                <p class="device-forms-list">{forms.join(" · ")}</p>
                <button type="button" class="primary continue" on:click=move |_| go(&Route::Home)>
                    {w(W::Continue, &lang)}
                </button>
            }
            .into_any(),
            Step::Failed(error) => {
                let (words, detail) = match &error {
                    EnrolError::Network(_) => (w(W::EnrolUnreachable, &lang), String::new()),
                    other => (w(W::EnrolFailed, &lang), other.to_string()),
                };
                view! {
                    <p class="status error" role="alert">{words} " " <span class="detail">{detail}</span></p>
                    <button type="button" class="retry" on:click=move |_| attempt()>
                        {w(W::TryAgain, &lang)}
                    </button>
                    <button type="button" class="continue" on:click=move |_| go(&Route::Home)>
                        {w(W::Continue, &lang)}
                    </button>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="provision">
            <h2>{w(W::Heading, &lang)}</h2>
            {body}
        </section>
    }
}
