//! The console's submissions of a form: a table filtered (dates, sender,
//! review status, free text), sorted by clicking a column's header and
//! paged, all by the server (`GET /api/forms/{id}/submissions/table`), with
//! the total; each row opens the submission. The export panel below uses
//! the same filters.
//!
//! Where the screen is comes from the console's fragment: `#/submissions`
//! (pick a form), `#/submissions/{form}` (its table),
//! `#/submission/{instance_id}` (one submission).

use gloo_net::http::Method;
use leptos::prelude::*;
use serde_json::Value;

use super::charts::SummaryCharts;
use super::client::{Body, call, encode};
use super::date_time;
use super::export_button::ExportPanel;
use super::sub_words::{S, s, status_word};
use super::{Ctx, Tab};
use crate::api::CatalogEntry;

/// Rows in a page of the table.
const PAGE: i64 = 50;
const STATUSES: [&str; 4] = ["received", "approved", "has_issues", "rejected"];

/// Which submission screen the fragment names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    PickForm,
    Form(String),
    Instance(String),
}

impl Target {
    /// Reads `#/submissions[/{form}]` or `#/submission/{id}`.
    pub fn parse(hash: &str) -> Target {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            ["submissions", form] if !form.is_empty() => Target::Form(decode(form)),
            ["submission", id] if !id.is_empty() => Target::Instance(decode(id)),
            _ => Target::PickForm,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Target::PickForm => format!("#/{}", Tab::Submissions.key()),
            Target::Form(form) => format!("#/submissions/{}", encode(form)),
            Target::Instance(id) => format!("#/submission/{}", encode(id)),
        }
    }

    /// The fragment of the page now.
    pub fn current() -> Target {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        Target::parse(&hash)
    }
}

fn decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    js_sys::decode_uri_component(s)
        .map(String::from)
        .unwrap_or_else(|_| s.to_owned())
}

/// The table's filters, as the server's query parameters name them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub from: String,
    pub to: String,
    pub submitted_by: String,
    pub review: String,
    pub q: String,
}

impl Filters {
    /// `&from=…&to=…` for the parameters that are set.
    pub fn query(&self) -> String {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("submitted_by", &self.submitted_by),
            ("review", &self.review),
            ("q", &self.q),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("&{k}={}", encode(v.trim())))
        .collect()
    }
}

/// The submissions screen the fragment names.
#[component]
pub(super) fn SubmissionsPage(ctx: Ctx) -> impl IntoView {
    match Target::current() {
        Target::PickForm => view! { <PickForm ctx /> }.into_any(),
        Target::Form(form) => view! { <FormTable ctx form /> }.into_any(),
        Target::Instance(instance_id) => {
            view! { <super::submission_detail::SubmissionDetail ctx instance_id /> }.into_any()
        }
    }
}

/// Every form on the server, each a link to its table.
#[component]
fn PickForm(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang.clone();
    let list: RwSignal<Option<Result<Vec<CatalogEntry>, String>>> = RwSignal::new(None);
    let load_ctx = ctx.clone();
    leptos::task::spawn_local(async move {
        let answer = match call(Method::GET, "/api/forms", Body::None).await {
            Ok(value) => {
                serde_json::from_value::<Vec<CatalogEntry>>(value).map_err(|e| e.to_string())
            }
            Err(failure) => Err(load_ctx.failure(&failure)),
        };
        list.try_set(Some(answer));
    });
    let body = move || {
        let lang = lang.clone();
        match list.get() {
            None => {
                view! { <p class="status">{super::words::c(super::words::C::Loading, &lang)}</p> }
                    .into_any()
            }
            Some(Err(message)) => {
                view! { <p class="status error" role="alert">{message}</p> }.into_any()
            }
            Some(Ok(entries)) => {
                let mut seen: Vec<CatalogEntry> = Vec::new();
                for entry in entries {
                    if !seen.iter().any(|e| e.id == entry.id) {
                        seen.push(entry);
                    }
                }
                view! {
                    <p>{s(S::PickForm, &lang)}</p>
                    <ul class="submission-forms">
                        {seen.into_iter().map(|e| {
                            let href = Target::Form(e.id.clone()).href();
                            view! {
                                <li><a class="button submissions-of" href=href data-form-id=e.id.clone()>
                                    {e.title_in(&lang).to_owned()} " (" {e.id.clone()} ")"
                                </a></li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="console-submissions">
            <h3>{s(S::Submissions, &ctx.lang)}</h3>
            {body}
        </section>
    }
}

/// One page of the table, as the server sent it.
#[derive(Debug, Clone, PartialEq)]
struct Page {
    total: i64,
    rows: Vec<Value>,
    submitters: Vec<String>,
}

#[component]
fn FormTable(ctx: Ctx, form: String) -> impl IntoView {
    let lang = ctx.lang.clone();
    // What the inputs hold, and what the table shows (applied on submit).
    let draft = RwSignal::new(Filters::default());
    let applied = RwSignal::new(Filters::default());
    let sort = RwSignal::new("-received_at".to_owned());
    let offset = RwSignal::new(0i64);
    let page: RwSignal<Option<Result<Page, String>>> = RwSignal::new(None);
    let submitters = RwSignal::new(Vec::<String>::new());

    let load_ctx = ctx.clone();
    let load_form = form.clone();
    Effect::new(move |_| {
        let query = format!(
            "/api/forms/{}/submissions/table?limit={PAGE}&offset={}&sort={}{}",
            encode(&load_form),
            offset.get(),
            encode(&sort.get()),
            applied.get().query()
        );
        let ctx = load_ctx.clone();
        leptos::task::spawn_local(async move {
            let answer = match call(Method::GET, &query, Body::None).await {
                Ok(value) => {
                    let list = |v: &Value| {
                        v.as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|x| x.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    let page = Page {
                        total: value["total"].as_i64().unwrap_or(0),
                        rows: value["rows"].as_array().cloned().unwrap_or_default(),
                        submitters: list(&value["submitters"]),
                    };
                    submitters.try_set(page.submitters.clone());
                    Ok(page)
                }
                Err(failure) => Err(refusal(&ctx, &failure)),
            };
            page.try_set(Some(answer));
        });
    });

    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        offset.set(0);
        applied.set(draft.get_untracked());
    };
    let clear = move |_| {
        draft.set(Filters::default());
        offset.set(0);
        applied.set(Filters::default());
    };

    let filters_view = {
        let lang = lang.clone();
        let field = move |get: fn(&Filters) -> &String, set: fn(&mut Filters, String)| {
            (
                move || get(&draft.get()).clone(),
                move |ev| {
                    let value = event_target_value(&ev);
                    draft.update(|f| set(f, value));
                },
            )
        };
        let (from_value, from_input) = field(|f| &f.from, |f, v| f.from = v);
        let (to_value, to_input) = field(|f| &f.to, |f, v| f.to = v);
        let (q_value, q_input) = field(|f| &f.q, |f, v| f.q = v);
        let (_, by_change) = field(|f| &f.submitted_by, |f, v| f.submitted_by = v);
        let (_, review_change) = field(|f| &f.review, |f, v| f.review = v);
        let status_options = {
            let lang = lang.clone();
            STATUSES
                .iter()
                .map(|st| {
                    view! {
                        <option value=*st selected=move || draft.get().review == *st>
                            {status_word(st, &lang)}
                        </option>
                    }
                })
                .collect_view()
        };
        let by_options = move || {
            submitters
                .get()
                .into_iter()
                .map(|who| {
                    let selected = draft.get().submitted_by == who;
                    view! { <option value=who.clone() selected=selected>{who.clone()}</option> }
                })
                .collect_view()
        };
        view! {
            <form class="submission-filters" on:submit=apply>
                <label><span>{s(S::From, &lang)}</span>
                    <input type="date" name="from" prop:value=from_value on:input=from_input /></label>
                <label><span>{s(S::To, &lang)}</span>
                    <input type="date" name="to" prop:value=to_value on:input=to_input /></label>
                <label><span>{s(S::SubmittedBy, &lang)}</span>
                    <select name="submitted_by" on:change=by_change>
                        <option value="" selected=move || draft.get().submitted_by.is_empty()>{s(S::Anyone, &lang)}</option>
                        {by_options}
                    </select></label>
                <label><span>{s(S::Review, &lang)}</span>
                    <select name="review" on:change=review_change>
                        <option value="" selected=move || draft.get().review.is_empty()>{s(S::AnyStatus, &lang)}</option>
                        {status_options}
                    </select></label>
                <label class="search"><span>{s(S::Search, &lang)}</span>
                    <input type="search" name="q" minlength="2" maxlength="200"
                        placeholder=s(S::SearchHint, &lang)
                        prop:value=q_value on:input=q_input /></label>
                <span class="filter-actions">
                    <button type="submit" class="primary apply-filters">{s(S::Apply, &lang)}</button>
                    <button type="button" class="clear-filters" on:click=clear>{s(S::Clear, &lang)}</button>
                </span>
            </form>
        }
    };

    let table_lang = lang.clone();
    let table_view = move || {
        let lang = table_lang.clone();
        match page.get() {
            None => view! { <p class="status" role="status">{super::words::c(super::words::C::Loading, &lang)}</p> }
                .into_any(),
            Some(Err(message)) => view! { <p class="status error" role="alert">{message}</p> }.into_any(),
            Some(Ok(page)) => table(page, sort, offset, &lang).into_any(),
        }
    };

    view! {
        <section class="console-submissions" data-form-id=form.clone()>
            <p><a class="button back-to-pick" href=Target::PickForm.href()>{s(S::Submissions, &lang)}</a></p>
            <h3>{s(S::Submissions, &lang)} " · " <span class="form-id">{form.clone()}</span></h3>
            {filters_view}
            {table_view}
            <SummaryCharts ctx=ctx.clone() form=form.clone() filters=applied />
            <ExportPanel ctx=ctx.clone() form=form.clone() filters=applied />
        </section>
    }
}

/// The server's refusal in the console's words, with the fields it names.
pub(super) fn refusal(ctx: &Ctx, failure: &super::client::Failure) -> String {
    if let super::client::Failure::Refused { error, .. } = failure
        && let Some(fields) = error["fields"].as_array()
    {
        let named: Vec<String> = fields
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    f["field"].as_str().unwrap_or_default(),
                    f["message"].as_str().unwrap_or_default()
                )
            })
            .collect();
        if !named.is_empty() {
            return format!(
                "{} {}",
                super::words::c(super::words::C::Refused, &ctx.lang),
                named.join("; ")
            );
        }
    }
    ctx.failure(failure)
}

/// The rows, the sortable headers, the total and the pages.
fn table(page: Page, sort: RwSignal<String>, offset: RwSignal<i64>, lang: &str) -> impl IntoView {
    let header = |key: &'static str, word: S| {
        let now = sort.get_untracked();
        let state = if now == key {
            "ascending"
        } else if now == format!("-{key}") {
            "descending"
        } else {
            "none"
        };
        let label = format!("{} {}", s(S::SortBy, lang), s(word, lang));
        let arrow = match state {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        view! {
            <th scope="col" aria-sort=state>
                <button type="button" class="sort" data-sort=key aria-label=label on:click=move |_| {
                    // Newest first at the first click on the date.
                    let next = match (key, state) {
                        ("received_at", "descending") => key.to_owned(),
                        ("received_at", _) => format!("-{key}"),
                        (_, "ascending") => format!("-{key}"),
                        _ => key.to_owned(),
                    };
                    offset.set(0);
                    sort.set(next);
                }>{s(word, lang)}{arrow}</button>
            </th>
        }
    };
    let total = page.total;
    let at = offset.get_untracked();
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    let current = at / PAGE + 1;
    if page.rows.is_empty() {
        return view! {
            <p class="status submissions-total" role="status">{s(S::NoSubmissions, lang)}</p>
        }
        .into_any();
    }
    let (received, by, enumerator, review, revision, submission) = (
        s(S::Received, lang),
        s(S::SubmittedBy, lang),
        s(S::Enumerator, lang),
        s(S::Review, lang),
        s(S::Revision, lang),
        s(S::Submission, lang),
    );
    let rows = page
        .rows
        .into_iter()
        .map(|row| {
            let id = row["instance_id"].as_str().unwrap_or_default().to_owned();
            let status = row["review"].as_str().unwrap_or("received").to_owned();
            let href = Target::Instance(id.clone()).href();
            let short = id.rsplit('-').next().unwrap_or(&id).to_owned();
            view! {
                <tr class="submission-row" data-instance-id=id.clone() data-review=status.clone()>
                    <td data-label=submission><a class="open-submission" href=href title=id.clone()>{short}</a></td>
                    <td data-label=received>{date_time(row["received_at"].as_f64().unwrap_or(0.0))}</td>
                    <td data-label=by class="submitted-by">{row["submitted_by"].as_str().unwrap_or_default().to_owned()}</td>
                    <td data-label=enumerator>{row["meta"]["enumerator"].as_str().unwrap_or_default().to_owned()}</td>
                    <td data-label=review><span class=format!("review-status {status}")>{status_word(&status, lang)}</span></td>
                    <td data-label=revision>{row["revision"].as_i64().unwrap_or(1)}</td>
                </tr>
            }
        })
        .collect_view();
    let (prev_word, next_word) = (s(S::Previous, lang), s(S::Next, lang));
    view! {
        <p class="submissions-total" role="status">{s(S::Total, lang).replace("{n}", &total.to_string())}</p>
        <div class="table-scroll">
            <table class="submissions-table">
                <thead><tr>
                    <th scope="col">{submission}</th>
                    {header("received_at", S::Received)}
                    {header("submitted_by", S::SubmittedBy)}
                    <th scope="col">{enumerator}</th>
                    <th scope="col">{review}</th>
                    <th scope="col">{revision}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pages" aria-label=s(S::Submissions, lang)>
            <button type="button" class="previous-page" disabled={at == 0}
                on:click=move |_| offset.set((at - PAGE).max(0))>{prev_word}</button>
            <span class="page-number">{s(S::PageOf, lang).replace("{page}", &current.to_string()).replace("{pages}", &pages.to_string())}</span>
            <button type="button" class="next-page" disabled={at + PAGE >= total}
                on:click=move |_| offset.set(at + PAGE)>{next_word}</button>
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn reads_which_screen() {
        assert_eq!(Target::parse("#/submissions"), Target::PickForm);
        assert_eq!(
            Target::parse("#/submissions/ggs_household"),
            Target::Form("ggs_household".into())
        );
        assert_eq!(
            Target::parse("#/submission/0195-ab"),
            Target::Instance("0195-ab".into())
        );
    }
}
