//! Filling in a form: load its definition, compile it with the engine and
//! render it page by page in the language the enumerator picks.

pub mod autosave;
pub mod interview;
mod open;
mod pages;
mod question;
mod review;
pub mod session;
mod tree;
mod widgets;

use std::rc::Rc;
use std::sync::Arc;

use fieldform_engine::compile::CompiledForm;
use fieldform_engine::state::{InstanceId, NodeRef};
use fieldform_engine::validate::Issue;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use open::{NewResponse, OpenResponse};
pub use pages::{Page, dom_id, page_of, pages};
use session::Session;

use crate::env::BrowserEnvironment;
use crate::i18n::{Msg, t};
use crate::preferences;

/// A compiled form, filled in from blank and kept only in memory (tests,
/// previews): [`NewResponse`] is the same with storage.
#[component]
pub fn FormView(form: Arc<CompiledForm>) -> impl IntoView {
    let session = Session::new(form.clone(), BrowserEnvironment::new(""));
    open_in_preferred_language(session);
    let pages: Arc<Vec<Page>> = Arc::new(pages(&form));
    let page = RwSignal::new(first_page(session, &pages));
    // Nothing is stored: closing or reloading the page asks first.
    let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if session.has_answers() {
            ev.prevent_default();
            ev.set_return_value("");
        }
    });
    on_cleanup(move || unload.remove());
    form_body(
        session,
        page,
        Hooks {
            on_complete: None,
            ask_before_leaving: true,
        },
    )
}

/// Opens a new response in the language last chosen for the form, else
/// the browser's, else the form's default.
fn open_in_preferred_language(session: Session) {
    let form = session.form();
    let opening = preferences::initial_language(
        &form.form.id,
        &form.form.languages,
        &form.form.default_language,
    );
    if opening != form.form.default_language {
        session.set_language(&opening);
    }
}

/// What the screen around the form decides.
pub struct Hooks {
    /// Called when *Finish* finds no problem (else the screen says it is
    /// complete).
    pub on_complete: Option<Rc<dyn Fn()>>,
    /// Leaving by the Forms link asks first when there are answers (they
    /// are not stored).
    pub ask_before_leaving: bool,
}

/// The form, page by page, with its header, section bar and pager.
fn form_body(session: Session, current: RwSignal<usize>, hooks: Hooks) -> impl IntoView {
    let form = session.form();
    let pages: Arc<Vec<Page>> = Arc::new(pages(&form));
    let finished: RwSignal<Option<Vec<Issue>>> = RwSignal::new(None);
    let languages = form.form.languages.clone();
    let form_id = form.form.id.clone();
    let on_complete = StoredValue::new_local(hooks.on_complete);
    let ask_before_leaving = hooks.ask_before_leaving;

    let dir = move || {
        if session.language().is_some_and(|l| l.rtl) {
            "rtl"
        } else {
            "ltr"
        }
    };
    let title = move || {
        let lang = session.lang();
        session.with(|s| s.form().form.title_in(&lang).to_owned())
    };
    let go = move |i: usize| {
        current.set(i);
        finished.set(None);
        scroll_to_top();
    };

    let nav_pages = pages.clone();
    let sections = move || {
        nav_pages
            .iter()
            .enumerate()
            .map(|(i, page)| {
                let relevant_page = page.clone();
                let page = page.clone();
                let label = move || page_title(session, &page);
                view! {
                    <li>
                        <button type="button" class="section-link" data-page=i
                            class:current=move || current.get() == i
                            aria-current=move || (current.get() == i).then_some("step")
                            disabled=move || !page_relevant(session, &relevant_page)
                            on:click=move |_| go(i)>
                            {label}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    let page_pages = pages.clone();
    let page = move || {
        let i = current.get();
        let pages = page_pages.clone();
        untrack(move || {
            let Some(page) = pages.get(i).cloned() else {
                return ().into_any();
            };
            let heading = page.clone();
            view! {
                <section class="page" data-page=i>
                    <h3 class="page-title">{move || page_title(session, &heading)}</h3>
                    {section_body(session, &page)}
                </section>
            }
            .into_any()
        })
    };

    let step_pages = pages.clone();
    let next = move |_| {
        let i = current.get_untracked();
        let Some(page) = step_pages.get(i) else {
            return;
        };
        let Some(j) = session.with(|s| pages::step(s, &step_pages, i, true)) else {
            // Finish: everything is checked, and what is left is listed.
            let issues = session.check_all();
            let done = issues.is_empty();
            finished.set(Some(issues));
            if done && let Some(hook) = on_complete.with_value(Clone::clone) {
                hook();
            }
            return;
        };
        let nodes = session.with(|s| pages::page_nodes(s, page));
        match session.check(&nodes).first() {
            Some(first) => focus(first.node),
            None => go(j),
        }
    };
    let back_pages = pages.clone();
    let back = move |_| {
        let i = current.get_untracked();
        if let Some(j) = session.with(|s| pages::step(s, &back_pages, i, false)) {
            go(j);
        }
    };
    let end_pages = pages.clone();
    // No relevant page further that way (tracked: any answer can change it).
    let at_end = move |forward: bool| {
        let i = current.get();
        session.track_all_pages(&end_pages);
        session
            .with(|s| pages::step(s, &end_pages, i, forward))
            .is_none()
    };
    let is_last = {
        let at_end = at_end.clone();
        move || at_end(true)
    };
    let is_first = move || at_end(false);
    let summary_pages = pages.clone();
    let summary = move || {
        let lang = session.lang();
        finished.get().map(|issues| {
            if issues.is_empty() {
                return view! { <p class="summary complete" role="status">{t(Msg::Complete, &lang)}</p> }
                    .into_any();
            }
            let pages = summary_pages.clone();
            view! {
                <div class="summary problems" role="alert">
                    <p>{t(Msg::Problems, &lang)}</p>
                    <ul>
                        {issues.into_iter().map(|issue| {
                            let node = issue.node;
                            let label = session.with(|s| s.label(node));
                            let target = page_of(&session.form(), &pages, node);
                            view! {
                                <li>
                                    <button type="button" class="summary-issue" on:click=move |_| {
                                        if let Some(p) = target { go(p); }
                                        focus(node);
                                    }>
                                        <strong>{label}</strong> ": " {issue.message}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
            .into_any()
        })
    };

    view! {
        <article class="form" data-form-id=form_id lang=move || session.lang() dir=dir>
            <header class="form-header">
                <a class="back-to-forms" href="#/" on:click=move |ev| {
                    if ask_before_leaving && !may_leave(session) {
                        ev.prevent_default();
                    }
                }>{move || t(Msg::Forms, &session.lang())}</a>
                <h2 class="form-title">{title}</h2>
                <label class="language">
                    <span>{move || t(Msg::Language, &session.lang())}</span>
                    <select class="language-picker"
                        prop:value=move || session.lang()
                        on:change={
                            let form_id = form.form.id.clone();
                            move |ev| {
                                let code = event_target_value(&ev);
                                session.set_language(&code);
                                preferences::remember_language(&form_id, &code);
                            }
                        }>
                        {languages.iter().map(|l| {
                            // `prop:value` on the select runs before its
                            // options exist; each option says if it is chosen.
                            let code = l.code.clone();
                            view! {
                                <option value=l.code.clone()
                                    prop:selected=move || session.lang() == code>
                                    {l.name.clone()}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </label>
            </header>
            <nav class="sections" aria-label=move || t(Msg::Sections, &session.lang())>
                <ol>{sections}</ol>
            </nav>
            {page}
            <div class="pager">
                <button type="button" class="back" disabled=is_first on:click=back>
                    {move || t(Msg::Back, &session.lang())}
                </button>
                <button type="button" class="next" on:click=next>
                    {move || if is_last() { t(Msg::Finish, &session.lang()) } else { t(Msg::Next, &session.lang()) }}
                </button>
            </div>
            {summary}
        </article>
    }
}

/// A section page shows its group's items directly under the page title
/// (the group's label); other pages show their fields.
fn section_body(session: Session, page: &Page) -> AnyView {
    let form = session.form();
    match page.section.map(|f| (f, form.field(f))) {
        Some((_, field)) if field.kind == fieldform_engine::compile::FieldKind::Group => {
            tree::items(session, field.children.clone(), InstanceId::ROOT)
        }
        _ => tree::items(session, page.fields.clone(), InstanceId::ROOT),
    }
}

pub(crate) fn first_page(session: Session, pages: &[Page]) -> usize {
    session.with(|s| {
        (0..pages.len())
            .find(|&i| pages::page_relevant(s, &pages[i]))
            .unwrap_or(0)
    })
}

/// The section's label, or the form title for a page of loose questions.
fn page_title(session: Session, page: &Page) -> String {
    match page.section {
        Some(f) => session.label(NodeRef::root(f)),
        None => {
            let lang = session.lang();
            session.with(|s| s.form().form.title_in(&lang).to_owned())
        }
    }
}

fn page_relevant(session: Session, page: &Page) -> bool {
    for &f in &page.fields {
        session.track(NodeRef::root(f));
    }
    session.with(|s| pages::page_relevant(s, page))
}

impl Session {
    /// Subscribes to the relevance of every page.
    fn track_all_pages(&self, pages: &[Page]) {
        for page in pages {
            for &f in &page.fields {
                self.track(NodeRef::root(f));
            }
        }
    }
}

/// Leaving drops the answers (they are not saved on the device yet), so
/// ask when there are any.
fn may_leave(session: Session) -> bool {
    if !session.has_answers() {
        return true;
    }
    let lang = session.lang();
    web_sys::window()
        .and_then(|w| w.confirm_with_message(t(Msg::ConfirmLeave, &lang)).ok())
        .unwrap_or(true)
}

pub(crate) fn scroll_to_top() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Brings a question into view and puts the cursor in it, once it is drawn.
fn focus(node: NodeRef) {
    let id = dom_id(node);
    request_animation_frame(move || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id));
        if let Some(element) = element {
            element.scroll_into_view();
            if let Ok(input) = element.dyn_into::<web_sys::HtmlElement>() {
                let _unfocusable = input.focus();
            }
        }
    });
}
