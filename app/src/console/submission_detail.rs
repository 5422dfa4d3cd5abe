//! One submission in the console (`GET /api/submissions/{instance_id}`):
//! every revision (a picker; the last is current), its questions and
//! answers by their labels in a chosen language of the form, repeats as
//! sub-tables, and the review panel.
//!
//! A revision is shown through the engine: the stored answers are loaded
//! into a `FormState` of the revision's own form version
//! (`FormState::from_response`), so what the form makes non-relevant is
//! hidden exactly as on the tablet, and choice names read as their labels.

use std::sync::Arc;

use fieldform_engine::compile::{CompiledForm, FieldId, FieldKind};
use fieldform_engine::model::QuestionType;
use fieldform_engine::response::{Meta, Response, Status};
use fieldform_engine::state::{FormState, InstanceId, NodeRef};
use gloo_net::http::Method;
use leptos::prelude::*;
use serde_json::Value;

use super::Ctx;
use super::client::{Body, call, encode};
use super::date_time;
use super::review::ReviewPanel;
use super::sub_words::{S, s, status_word};
use super::submissions::{Target, refusal};
use super::words::{C, c};

#[component]
pub(super) fn SubmissionDetail(ctx: Ctx, instance_id: String) -> impl IntoView {
    let lang = ctx.lang.clone();
    let reload = RwSignal::new(0u32);
    let detail: RwSignal<Option<Result<Value, String>>> = RwSignal::new(None);
    // The revision shown, by position (`None`: the current one).
    let chosen = RwSignal::new(None::<usize>);
    let load_ctx = ctx.clone();
    let path = format!("/api/submissions/{}", encode(&instance_id));
    Effect::new(move |_| {
        reload.track();
        let (ctx, path) = (load_ctx.clone(), path.clone());
        leptos::task::spawn_local(async move {
            let answer = call(Method::GET, &path, Body::None)
                .await
                .map_err(|f| refusal(&ctx, &f));
            detail.try_set(Some(answer));
        });
    });

    let body_ctx = ctx.clone();
    let body = move || {
        let ctx = body_ctx.clone();
        let lang = ctx.lang.clone();
        match detail.get() {
            None => view! { <p class="status" role="status">{c(C::Loading, &lang)}</p> }.into_any(),
            Some(Err(message)) => {
                view! { <p class="status error" role="alert">{message}</p> }.into_any()
            }
            Some(Ok(detail)) => {
                let revisions = detail["revisions"].as_array().cloned().unwrap_or_default();
                let Some(last) = revisions.len().checked_sub(1) else {
                    return view! { <p class="status">{s(S::NoAnswers, &lang)}</p> }.into_any();
                };
                let form_id = detail["form_id"].as_str().unwrap_or_default().to_owned();
                let reviews = detail["reviews"].as_array().cloned().unwrap_or_default();
                let current_revision = revisions[last]["revision"].as_i64().unwrap_or(1);
                let status = reviews
                    .iter()
                    .rev()
                    .find(|r| r["revision"].as_i64() == Some(current_revision))
                    .and_then(|r| r["status"].as_str())
                    .unwrap_or("received")
                    .to_owned();
                let back = Target::Form(form_id.clone()).href();
                let picker_lang = lang.clone();
                let options = revisions
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let n = r["revision"].as_i64().unwrap_or(1);
                        let state = if r["superseded"].as_bool().unwrap_or(false) {
                            s(S::Superseded, &picker_lang)
                        } else {
                            s(S::Current, &picker_lang)
                        };
                        let text = format!(
                            "{} {n} · {} · {state}",
                            s(S::Revision, &picker_lang),
                            date_time(r["received_at"].as_f64().unwrap_or(0.0))
                        );
                        view! { <option value=i.to_string() selected=move || chosen.get().unwrap_or(last) == i>{text}</option> }
                    })
                    .collect_view();
                let revision_view = {
                    let revisions = revisions.clone();
                    let lang = lang.clone();
                    move || {
                        let at = chosen.get().unwrap_or(last).min(last);
                        view! { <RevisionView revision=revisions[at].clone() lang=lang.clone() /> }
                    }
                };
                view! {
                    <p><a class="button back-to-table" href=back>{s(S::BackToTable, &lang)}</a></p>
                    <h3 class="submission-title">{s(S::Submission, &lang)} " " <code>{detail["instance_id"].as_str().unwrap_or_default().to_owned()}</code></h3>
                    <p class="submission-status">{s(S::Review, &lang)} ": "
                        <span class=format!("review-status {status}")>{status_word(&status, &lang)}</span></p>
                    <label class="revision-picker"><span>{s(S::Revision, &lang)}</span>
                        <select name="revision" on:change=move |ev| {
                            chosen.set(event_target_value(&ev).parse().ok());
                        }>{options}</select></label>
                    {revision_view}
                    <ReviewPanel ctx=ctx.clone() instance_id=detail["instance_id"].as_str().unwrap_or_default().to_owned()
                        reviews current_revision reload />
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="console-submission" data-instance-id=instance_id.clone()>
            <h3 class="visually-hidden">{s(S::Submission, &lang)}</h3>
            {body}
        </section>
    }
}

/// Compiled form versions already fetched, by `(form, version)`.
type Compiled = Result<Arc<CompiledForm>, String>;

/// One revision: when and by whom, then its answers in the chosen language.
#[component]
fn RevisionView(revision: Value, lang: String) -> impl IntoView {
    let form_id = revision["form_id"].as_str().unwrap_or_default().to_owned();
    let version = revision["form_version"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let compiled: RwSignal<Option<Compiled>, LocalStorage> = RwSignal::new_local(None);
    {
        let (form_id, version) = (form_id.clone(), version.clone());
        leptos::task::spawn_local(async move {
            // With the form's data files (`select_one_from_file`, `pulldata()`).
            let result = crate::library::fetch_compiled(&form_id, &version).await;
            compiled.try_set(Some(result));
        });
    }
    // The form's language: the console's if the form has it, else the form's default.
    let form_lang = RwSignal::new(None::<String>);
    let meta = &revision["meta"];
    let facts = [
        (
            s(S::Received, &lang),
            date_time(revision["received_at"].as_f64().unwrap_or(0.0)),
        ),
        (
            s(S::SubmittedBy, &lang),
            revision["submitted_by"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ),
        (
            s(S::Enumerator, &lang),
            meta["enumerator"].as_str().unwrap_or_default().to_owned(),
        ),
        (
            s(S::Device, &lang),
            meta["device"].as_str().unwrap_or_default().to_owned(),
        ),
        (
            "start",
            meta["start"].as_str().unwrap_or_default().to_owned(),
        ),
        ("end", meta["end"].as_str().unwrap_or_default().to_owned()),
        (c(C::Version, &lang), version.clone()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
    .collect_view();

    let number = revision["revision"].as_i64().unwrap_or(1);
    let answers_lang = lang.clone();
    let answers = move || {
        let lang = answers_lang.clone();
        match compiled.get() {
            None => view! { <p class="status">{c(C::Loading, &lang)}</p> }.into_any(),
            Some(Err(message)) => view! {
                <p class="status error" role="alert">{s(S::CannotShow, &lang)} " " {message}</p>
            }
            .into_any(),
            Some(Ok(form)) => {
                let languages: Vec<(String, String)> = form
                    .form
                    .languages
                    .iter()
                    .map(|l| (l.code.clone(), l.name.clone()))
                    .collect();
                let shown = form_lang.get().unwrap_or_else(|| {
                    let console = fieldform_engine::model::primary_subtag(&lang);
                    languages
                        .iter()
                        .find(|(code, _)| fieldform_engine::model::primary_subtag(code) == console)
                        .map(|(code, _)| code.clone())
                        .unwrap_or_else(|| form.form.default_language.clone())
                });
                let picker = languages
                    .into_iter()
                    .map(|(code, name)| {
                        let selected = code == shown;
                        view! { <option value=code.clone() selected=selected>{name}</option> }
                    })
                    .collect_view();
                let body = match load(&form, &revision, &shown) {
                    Ok(state) => answers_view(&state, &shown, &lang).into_any(),
                    Err(message) => view! {
                        <p class="status error" role="alert">{s(S::CannotShow, &lang)} " " {message}</p>
                    }
                    .into_any(),
                };
                let rtl = form.form.languages.iter().any(|l| l.code == shown && l.rtl);
                view! {
                    <label class="form-language"><span>{s(S::Language, &lang)}</span>
                        <select name="form-language" on:change=move |ev| form_lang.set(Some(event_target_value(&ev)))>
                            {picker}
                        </select></label>
                    <div class="submission-answers" lang=shown.clone() dir=if rtl { "rtl" } else { "ltr" }>{body}</div>
                }
                .into_any()
            }
        }
    };
    view! {
        <article class="submission-revision" data-revision=number>
            <h4>{s(S::Metadata, &lang)}</h4>
            <dl class="submission-meta">{facts}</dl>
            {answers}
        </article>
    }
}

/// The revision loaded into the engine, in `lang`.
fn load(form: &Arc<CompiledForm>, revision: &Value, lang: &str) -> Result<FormState, String> {
    let response = Response {
        instance_id: revision["instance_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        form_id: revision["form_id"].as_str().unwrap_or_default().to_owned(),
        form_version: revision["form_version"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        status: Status::Submitted,
        meta: serde_json::from_value::<Meta>(revision["meta"].clone()).unwrap_or_default(),
        answers: revision["answers"].clone(),
    };
    let env = crate::env::BrowserEnvironment::new("");
    let mut state =
        FormState::from_response(form.clone(), &response, &env).map_err(|e| e.to_string())?;
    state.set_language(lang, &env).map_err(|e| e.to_string())?;
    Ok(state)
}

/// Whether a question is shown: answered by a person (not metadata, a
/// calculation or a note).
fn shown_question(kind: QuestionType) -> bool {
    !(kind.is_metadata() || kind == QuestionType::Calculate || kind == QuestionType::Note)
}

/// An answer as people read it: choices by their labels.
fn answer_text(state: &FormState, node: NodeRef, kind: QuestionType, lang: &str) -> String {
    let value = state.value(node);
    if !kind.has_choices() {
        return value.to_owned();
    }
    value
        .split_whitespace()
        .map(|name| state.label_of_choice(node, name, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

fn answers_view(state: &FormState, lang: &str, console_lang: &str) -> AnyView {
    let top: Vec<FieldId> = state.form().top_level().collect();
    let items = fields_view(state, &top, InstanceId::ROOT, lang);
    if items.is_empty() {
        return view! { <p class="status">{s(S::NoAnswers, console_lang)}</p> }.into_any();
    }
    view! { <div class="answers-tree">{items}</div> }.into_any()
}

/// The relevant, answered questions among `fields` of instance `inst`;
/// groups as titled sections, repeats as sub-tables.
fn fields_view(
    state: &FormState,
    fields: &[FieldId],
    inst: InstanceId,
    lang: &str,
) -> Vec<AnyView> {
    let form = state.form().clone();
    let mut out = Vec::new();
    let mut pairs = Vec::new();
    let flush = |pairs: &mut Vec<(String, String)>, out: &mut Vec<AnyView>| {
        if pairs.is_empty() {
            return;
        }
        let items = std::mem::take(pairs)
            .into_iter()
            .map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> })
            .collect_view();
        out.push(view! { <dl class="answers">{items}</dl> }.into_any());
    };
    for &field in fields {
        let f = form.field(field);
        match f.kind {
            FieldKind::Question(kind) => {
                let node = NodeRef {
                    field,
                    instance: inst,
                };
                if !shown_question(kind) || !state.relevant(node) || state.value(node).is_empty() {
                    continue;
                }
                pairs.push((state.label(node), answer_text(state, node, kind, lang)));
            }
            FieldKind::Group => {
                let node = NodeRef {
                    field,
                    instance: inst,
                };
                if !state.relevant(node) {
                    continue;
                }
                let inner = fields_view(state, &f.children, inst, lang);
                if inner.is_empty() {
                    continue;
                }
                flush(&mut pairs, &mut out);
                out.push(
                    view! {
                        <section class="answer-group" data-name=f.name.clone()>
                            <h5>{state.label(node)}</h5>
                            {inner}
                        </section>
                    }
                    .into_any(),
                );
            }
            FieldKind::Repeat => {
                if let Some(table) = repeat_table(state, field, inst, lang) {
                    flush(&mut pairs, &mut out);
                    out.push(table);
                }
            }
        }
    }
    flush(&mut pairs, &mut out);
    out
}

/// The columns of a repeat's sub-table: its questions (through groups)
/// and its nested repeats (a cell holding their own sub-table).
fn columns(form: &CompiledForm, repeat: FieldId) -> Vec<FieldId> {
    let mut out = Vec::new();
    let mut stack: Vec<FieldId> = form.field(repeat).children.iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        let f = form.field(id);
        match f.kind {
            FieldKind::Question(kind) if shown_question(kind) => out.push(id),
            FieldKind::Question(_) => {}
            FieldKind::Repeat => out.push(id),
            FieldKind::Group => stack.extend(f.children.iter().rev().copied()),
        }
    }
    out
}

/// A repeat's relevant instances in `parent` as a table, one row each;
/// `None` when it has none.
fn repeat_table(
    state: &FormState,
    repeat: FieldId,
    parent: InstanceId,
    lang: &str,
) -> Option<AnyView> {
    let form = state.form().clone();
    let instances: Vec<InstanceId> = state
        .instances(repeat, parent)
        .iter()
        .copied()
        .filter(|&i| {
            state.relevant(NodeRef {
                field: repeat,
                instance: i,
            })
        })
        .collect();
    let first = *instances.first()?;
    let columns = columns(&form, repeat);
    // Headers from the first instance (labels may show its values).
    let headers = columns
        .iter()
        .map(|&col| {
            let label = state.label(NodeRef {
                field: col,
                instance: first,
            });
            view! { <th scope="col">{label}</th> }
        })
        .collect_view();
    let rows = instances
        .iter()
        .map(|&inst| {
            let cells = columns
                .iter()
                .map(|&col| {
                    let node = NodeRef {
                        field: col,
                        instance: inst,
                    };
                    match form.field(col).kind {
                        FieldKind::Question(kind) => {
                            let text = if state.relevant(node) {
                                answer_text(state, node, kind, lang)
                            } else {
                                String::new()
                            };
                            view! { <td>{text}</td> }.into_any()
                        }
                        _ => {
                            let nested = repeat_table(state, col, inst, lang);
                            view! { <td class="nested">{nested}</td> }.into_any()
                        }
                    }
                })
                .collect_view();
            let n = state.position(inst).unwrap_or(0);
            view! { <tr><th scope="row">{n}</th>{cells}</tr> }
        })
        .collect_view();
    let title = state.label(NodeRef {
        field: repeat,
        instance: first,
    });
    let name = form.field(repeat).name.clone();
    Some(
        view! {
            <div class="repeat-table table-scroll" data-name=name>
                <table>
                    <caption>{title}</caption>
                    <thead><tr><th scope="col">{s(S::Entry, lang)}</th>{headers}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any(),
    )
}
