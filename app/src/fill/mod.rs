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
use fieldform_engine::validate::{Issue, validate};
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
    // *Finish* was pressed: from then on the list of what is left is shown
    // (live), and each page shows its problems when reached.
    let attempted = RwSignal::new(false);
    // *Finish* found nothing left.
    let completed = RwSignal::new(false);
    // What the last *Finish* found: those problems are shown when their
    // page is reached. Questions that were not relevant then (everything
    // after a consent not yet given) are not among them.
    let flagged: StoredValue<std::collections::HashSet<NodeRef>> =
        StoredValue::new(Default::default());
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
    Effect::new(move || crate::set_document_language(&session.lang(), dir() == "rtl"));
    let title = move || {
        let lang = session.lang();
        session.with(|s| s.form().form.title_in(&lang).to_owned())
    };
    // Stored so that `go` stays `Copy`.
    let reveal_pages = StoredValue::new(pages.clone());
    let go = move |i: usize| {
        current.set(i);
        completed.set(false);
        // After a Finish, a page shows the problems it found there as the
        // page is reached.
        if attempted.get_untracked()
            && let Some(page) = reveal_pages.with_value(|p| p.get(i).cloned())
        {
            let nodes: Vec<NodeRef> = session
                .with(|s| pages::page_nodes(s, &page))
                .into_iter()
                .filter(|n| flagged.with_value(|f| f.contains(n)))
                .collect();
            session.check(&nodes);
        }
        scroll_to_top();
        focus_heading();
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

    // The same sections as one drop-down, for phones (CSS picks one).
    let select_pages = pages.clone();
    let section_select = move || {
        select_pages
            .iter()
            .enumerate()
            .map(|(i, page)| {
                let relevant_page = page.clone();
                let page = page.clone();
                view! {
                    <option value=i.to_string()
                        prop:selected=move || current.get() == i
                        disabled=move || !page_relevant(session, &relevant_page)>
                        {move || page_title(session, &page)}
                    </option>
                }
            })
            .collect_view()
    };
    // "Page 2 of 7" among the pages that have something to ask now.
    let progress_pages = pages.clone();
    let progress = move || {
        let i = current.get();
        session.track_all_pages(&progress_pages);
        let relevant: Vec<usize> = session.with(|s| {
            (0..progress_pages.len())
                .filter(|&j| pages::page_relevant(s, &progress_pages[j]))
                .collect()
        });
        let of = relevant.len().max(1);
        let at = relevant.iter().position(|&j| j == i).map_or(1, |p| p + 1);
        let text = t(Msg::PageOf, &session.lang())
            .replace("{x}", &at.to_string())
            .replace("{y}", &of.to_string());
        view! {
            <div class="progress" data-page-of=format!("{at}/{of}")>
                <span class="page-of">{text}</span>
                // The text says it; the bar is for the eye.
                <progress max=of.to_string() value=at.to_string() aria-hidden="true"></progress>
            </div>
        }
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
                    <h3 class="page-title" tabindex="-1">{move || page_title(session, &heading)}</h3>
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
        let nodes = session.with(|s| pages::page_nodes(s, page));
        let Some(j) = session.with(|s| pages::step(s, &step_pages, i, true)) else {
            // Finish: the whole response is validated (relevant questions
            // only), but only this page's problems are shown here; the
            // others are listed below and shown page by page.
            let here = session.check(&nodes);
            let lang = untrack(|| session.lang());
            let all = session.with(|s| validate(s, &lang));
            let done = all.is_empty();
            flagged.set_value(all.iter().map(|i| i.node).collect());
            attempted.set(true);
            completed.set(done);
            if let Some(first) = here.first() {
                focus(first.node);
            }
            if done && let Some(hook) = on_complete.with_value(Clone::clone) {
                hook();
            }
            return;
        };
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
    let summary_at_end = is_last.clone();
    // Live: re-read whenever an answer, a relevance or the language
    // changes; grouped by section, in page order. Shown where *Finish* is,
    // not under every page the enumerator goes back to fix.
    let summary = move || {
        let lang = session.lang();
        if completed.get() {
            return Some(
                view! { <p class="summary complete" role="status">{t(Msg::Complete, &lang)}</p> }
                    .into_any(),
            );
        }
        if !attempted.get() || !summary_at_end() {
            return None;
        }
        let (issues, nodes) = session.with(|s| (validate(s, &lang), s.nodes()));
        for &n in &nodes {
            session.track(n);
            session.track_text(n.field);
        }
        if issues.is_empty() {
            return None;
        }
        let pages = summary_pages.clone();
        let form = session.form();
        let mut groups: Vec<(Option<usize>, Vec<Issue>)> = Vec::new();
        for issue in issues {
            let p = page_of(&form, &pages, issue.node);
            match groups.iter_mut().find(|(q, _)| *q == p) {
                Some((_, list)) => list.push(issue),
                None => groups.push((p, vec![issue])),
            }
        }
        fieldform_engine::sort::sort_by_key(&mut groups, |(p, _)| p.unwrap_or(usize::MAX));
        Some(
            view! {
                <div class="summary problems" role="status">
                    <p>{t(Msg::Problems, &lang)}</p>
                    {groups.into_iter().map(|(p, issues)| {
                        let heading = p
                            .and_then(|p| pages.get(p))
                            .map(|page| page_title(session, page))
                            .unwrap_or_default();
                        view! {
                            <section class="summary-section" data-page=p>
                                <h4>{heading}</h4>
                                <ul>
                                    {issues.into_iter().map(|issue| {
                                        let node = issue.node;
                                        let label = session.with(|s| s.label(node));
                                        view! {
                                            <li>
                                                <button type="button" class="summary-issue" on:click=move |_| {
                                                    if let Some(p) = p { go(p); }
                                                    focus(node);
                                                }>
                                                    <strong>{label}</strong> ": " {issue.message}
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }
                    }).collect_view()}
                </div>
            }
            .into_any(),
        )
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
                    <span class="language-word">{move || t(Msg::Language, &session.lang())}</span>
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
                <label class="section-picker">
                    <span class="visually-hidden">{move || t(Msg::Sections, &session.lang())}</span>
                    <select class="section-select" on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            go(i);
                        }
                    }>
                        {section_select}
                    </select>
                </label>
            </nav>
            {progress}
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

/// Moves focus to the new page's heading, once drawn, so a screen reader
/// announces the page and the keyboard starts at its top.
fn focus_heading() {
    request_animation_frame(|| {
        let heading = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(".page .page-title").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(heading) = heading {
            let _unfocusable = heading.focus();
        }
    });
}

/// Brings a question into view and puts the cursor in it, once it is drawn;
/// a folded roster card around it is unfolded first.
pub(crate) fn focus(node: NodeRef) {
    let id = dom_id(node);
    request_animation_frame(move || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id));
        let Some(element) = element else {
            return;
        };
        if tree::unfold_around(&element) {
            // The card shows its inputs once the page has redrawn.
            request_animation_frame(move || bring_into_view(element));
        } else {
            bring_into_view(element);
        }
    });
}

fn bring_into_view(element: web_sys::Element) {
    // The whole question, label first, at the top (not the input, which
    // would hide the label above the edge).
    match element.closest(".question").ok().flatten() {
        Some(question) => question.scroll_into_view_with_bool(true),
        None => element.scroll_into_view(),
    }
    if let Ok(input) = element.dyn_into::<web_sys::HtmlElement>() {
        let _unfocusable = input.focus();
    }
}
