//! Opening a response: a new one for a form version, or one kept on the
//! device (a draft to continue, a finalized one to look at).

use std::sync::Arc;

use fieldform_engine::compile::CompiledForm;
use fieldform_engine::state::{FormState, LastSaved};
use leptos::prelude::*;

use super::interview::interview;
use super::review::review;
use super::session::Session;
use super::{first_page, open_in_preferred_language, pages};
use crate::env::BrowserEnvironment;
use crate::i18n::{Msg, t};
use crate::store::{self, ResponseRecord};
use crate::{library, preferences};

/// A new response to `form` version `version`, saved on the device from
/// its first answer.
#[component]
pub fn NewResponse(form: String, version: String) -> impl IntoView {
    let loaded = LocalResource::new(move || {
        let (form, version) = (form.clone(), version.clone());
        async move {
            let version = library::version_for_new(&form, &version).await;
            let compiled = library::open_form(&form, &version).await?;
            let last_saved = last_saved(&compiled).await;
            Ok::<_, String>((compiled, last_saved))
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="status">"…"</p> }>
            {move || loaded.get().map(|result| match result {
                Ok((compiled, last_saved)) => start(compiled, last_saved).into_any(),
                Err(message) => failure(message).into_any(),
            })}
        </Suspense>
    }
}

/// The last finalized response's answers, for a form that reads
/// `${last-saved#name}`. A storage failure only loses the defaults: the
/// interview still starts.
async fn last_saved(compiled: &CompiledForm) -> LastSaved {
    if !LastSaved::wanted_by(&compiled.form) {
        return LastSaved::default();
    }
    match store::db().await {
        Ok(db) => db.last_saved(&compiled.form.id).await.unwrap_or_default(),
        Err(_) => LastSaved::default(),
    }
}

fn start(compiled: Arc<CompiledForm>, last_saved: LastSaved) -> impl IntoView {
    let env = BrowserEnvironment::new("");
    let state = FormState::new_with_last_saved(compiled.clone(), &env, last_saved);
    let session = Session::from_state(state, env);
    open_in_preferred_language(session);
    let page = RwSignal::new(first_page(session, &pages(&compiled)));
    interview(session, page, None)
}

/// A response kept on the device.
#[component]
pub fn OpenResponse(instance_id: String) -> impl IntoView {
    let loaded = LocalResource::new(move || {
        let id = instance_id.clone();
        async move { load(&id).await }
    });
    view! {
        <Suspense fallback=|| view! { <p class="status">"…"</p> }>
            {move || loaded.get().map(|result| match result {
                Ok((record, compiled)) => show(record, compiled),
                Err(message) => failure(message).into_any(),
            })}
        </Suspense>
    }
}

async fn load(instance_id: &str) -> Result<(ResponseRecord, Arc<CompiledForm>), String> {
    let db = store::db().await.map_err(|e| e.to_string())?;
    let record = db
        .response(instance_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| t(Msg::NoSuchResponse, &preferences::browser_language()).to_owned())?;
    let compiled = library::open_form(&record.form_id, &record.form_version).await?;
    Ok((record, compiled))
}

fn show(record: ResponseRecord, compiled: Arc<CompiledForm>) -> AnyView {
    let env = BrowserEnvironment::new("");
    let state = match FormState::from_draft(compiled, &record.draft, &env) {
        Ok(state) => state,
        Err(e) => return failure(e.to_string()).into_any(),
    };
    let session = Session::from_state(state, env);
    if !record.state.editable() {
        return review(session, record).into_any();
    }
    let last = pages(&session.form()).len().saturating_sub(1);
    let page = RwSignal::new((record.page as usize).min(last));
    interview(session, page, Some(record)).into_any()
}

fn failure(message: String) -> impl IntoView {
    view! {
        <p class="status error" role="alert">{message}</p>
        <a class="back-to-forms" href="#/">
            {t(Msg::Home, &preferences::browser_language())}
        </a>
    }
}
