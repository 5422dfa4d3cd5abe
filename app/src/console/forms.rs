//! The console's forms: publish a form or a new version (an XLSForm
//! workbook or a form file), with the import errors by sheet, row and
//! column; every form and version on the server with its state; opening,
//! closing and previewing them.

use gloo_net::http::Method;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::client::{Body, Failure, call, encode};
use super::located::{Located, locate};
use super::words::{C, c};
use super::{Ctx, date_time};
use crate::api::CatalogEntry;
use crate::route::ConsoleRoute;

/// What publishing gave.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Busy,
    Done(String),
    /// The form's errors, located.
    Invalid(Vec<Located>),
    Failed(String),
}

/// The content type the server reads a file name's kind by.
fn content_type(file_name: &str) -> Option<&'static str> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls" => "application/vnd.ms-excel",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "csv" => "text/csv",
        "json" => "application/json",
        _ => return None,
    })
}

#[component]
pub(super) fn FormsPage(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang.clone();
    let reload = RwSignal::new(0u32);
    let list: RwSignal<Option<Result<Vec<CatalogEntry>, String>>> = RwSignal::new(None);
    let list_ctx = ctx.clone();
    Effect::new(move |_| {
        reload.track();
        let ctx = list_ctx.clone();
        leptos::task::spawn_local(async move {
            let answer = match call(Method::GET, "/api/forms", Body::None).await {
                Ok(value) => {
                    serde_json::from_value::<Vec<CatalogEntry>>(value).map_err(|e| e.to_string())
                }
                Err(failure) => Err(ctx.failure(&failure)),
            };
            list.try_set(Some(answer));
        });
    });

    let outcome = RwSignal::new(None::<Outcome>);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let data_input = NodeRef::<leptos::html::Input>::new();
    let publish_ctx = ctx.clone();
    let publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let file = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else { return };
        let Some(kind) = content_type(&file.name()) else {
            outcome.set(Some(Outcome::Failed(format!(
                "{}: .xlsx, .xls, .ods, .csv, .json",
                file.name()
            ))));
            return;
        };
        let data_files: Vec<web_sys::File> = data_input
            .get_untracked()
            .and_then(|input| input.files())
            .map(|files| (0..files.length()).filter_map(|i| files.get(i)).collect())
            .unwrap_or_default();
        // With data files: one multipart upload, the form and its files.
        let body = if data_files.is_empty() {
            Body::Raw(file.unchecked_into(), kind.to_owned())
        } else {
            match multipart(&file, &data_files) {
                Ok(form) => Body::Multipart(form),
                Err(message) => {
                    outcome.set(Some(Outcome::Failed(message)));
                    return;
                }
            }
        };
        outcome.set(Some(Outcome::Busy));
        let ctx = publish_ctx.clone();
        leptos::task::spawn_local(async move {
            let result = call(Method::POST, "/api/forms", body).await;
            let lang = &ctx.lang;
            let shown = match result {
                Ok(reply) => {
                    let word = if reply["status"] == "already_published" {
                        C::AlreadyPublished
                    } else {
                        C::Published
                    };
                    reload.try_update(|n| *n += 1);
                    Outcome::Done(
                        c(word, lang)
                            .replace("{form}", reply["id"].as_str().unwrap_or_default())
                            .replace("{version}", reply["version"].as_str().unwrap_or_default()),
                    )
                }
                Err(Failure::Refused { error, .. }) if error["code"] == "invalid_form" => {
                    let lines: Vec<Located> = error["errors"]
                        .as_array()
                        .map(|errors| {
                            errors
                                .iter()
                                .filter_map(|e| e.as_str())
                                .map(locate)
                                .collect()
                        })
                        .unwrap_or_default();
                    if lines.is_empty() {
                        Outcome::Invalid(vec![locate(
                            error["message"].as_str().unwrap_or_default(),
                        )])
                    } else {
                        Outcome::Invalid(lines)
                    }
                }
                Err(Failure::Refused { error, .. }) if error["fields"].is_array() => {
                    let fields: Vec<String> = error["fields"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|f| f["message"].as_str().map(str::to_owned))
                        .collect();
                    Outcome::Failed(format!("{} {}", c(C::Refused, lang), fields.join("; ")))
                }
                Err(failure) => Outcome::Failed(ctx.failure(&failure)),
            };
            outcome.try_set(Some(shown));
        });
    };

    let outcome_lang = lang.clone();
    let outcome_view = move || {
        let lang = outcome_lang.clone();
        outcome.get().map(|o| match o {
            Outcome::Busy => {
                view! { <p class="status" role="status">{c(C::Publishing, &lang)}</p> }.into_any()
            }
            Outcome::Done(text) => {
                view! { <p class="status published" role="status">{text}</p> }.into_any()
            }
            Outcome::Failed(text) => {
                view! { <p class="status error" role="alert">{text}</p> }.into_any()
            }
            Outcome::Invalid(errors) => {
                view! { <ErrorTable errors lang=lang.clone() /> }.into_any()
            }
        })
    };

    let list_lang = lang.clone();
    let list_view = move || {
        let lang = list_lang.clone();
        match list.get() {
            None => view! { <p class="status">{c(C::Loading, &lang)}</p> }.into_any(),
            Some(Err(message)) => {
                view! { <p class="status error" role="alert">{message}</p> }.into_any()
            }
            Some(Ok(entries)) if entries.is_empty() => {
                view! { <p class="status">{c(C::NoForms, &lang)}</p> }.into_any()
            }
            Some(Ok(entries)) => group(entries)
                .into_iter()
                .map(|versions| form_card(versions, &ctx, reload))
                .collect_view()
                .into_any(),
        }
    };

    view! {
        <section class="console-publish">
            <h3>{c(C::PublishHeading, &lang)}</h3>
            <form class="publish-form" on:submit=publish>
                <label class="file-label">
                    <span>{c(C::FormFile, &lang)}</span>
                    <input type="file" name="form-file" class="form-file" node_ref=file_input required
                        accept=".xlsx,.xls,.ods,.csv,.json" />
                </label>
                <label class="file-label">
                    <span>{c(C::DataFiles, &lang)}</span>
                    <input type="file" name="data-files" class="data-files" node_ref=data_input multiple
                        accept=".csv,.xml,.geojson" />
                </label>
                <button type="submit" class="primary publish" disabled=move || outcome.get() == Some(Outcome::Busy)>
                    {c(C::Publish, &lang)}
                </button>
            </form>
            {outcome_view}
        </section>
        <section class="console-forms">
            <h3>{c(C::FormsOnServer, &lang)}</h3>
            {list_view}
        </section>
    }
}

/// The form (part `form`) and its data files (parts `attachment`), as the
/// server's publishing route reads them.
fn multipart(form: &web_sys::File, files: &[web_sys::File]) -> Result<web_sys::FormData, String> {
    let failed = |_| "the browser cannot build the upload".to_owned();
    let data = web_sys::FormData::new().map_err(failed)?;
    data.append_with_blob_and_filename("form", form, &form.name())
        .map_err(failed)?;
    for file in files {
        data.append_with_blob_and_filename("attachment", file, &file.name())
            .map_err(failed)?;
    }
    Ok(data)
}

/// Import errors, one row each: sheet, row, column, problem.
#[component]
fn ErrorTable(errors: Vec<Located>, lang: String) -> impl IntoView {
    let (sheet, row, column, problem) = (
        c(C::Sheet, &lang),
        c(C::Row, &lang),
        c(C::Column, &lang),
        c(C::Problem, &lang),
    );
    let rows = errors
        .into_iter()
        .map(|e| {
            view! {
                <tr class="import-error">
                    <td data-label=sheet class="error-sheet">{e.sheet.unwrap_or_default()}</td>
                    <td data-label=row class="error-row">{e.row.map(|r| r.to_string()).unwrap_or_default()}</td>
                    <td data-label=column class="error-column">{e.column.unwrap_or_default()}</td>
                    <td data-label=problem class="error-message">{e.message}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="import-errors" role="alert">
            <p class="status error">{c(C::ImportErrors, &lang)}</p>
            <table>
                <thead>
                    <tr><th scope="col">{sheet}</th><th scope="col">{row}</th><th scope="col">{column}</th><th scope="col">{problem}</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The catalog by form (in the server's order), newest version first.
fn group(entries: Vec<CatalogEntry>) -> Vec<Vec<CatalogEntry>> {
    let mut forms: Vec<Vec<CatalogEntry>> = Vec::new();
    for entry in entries {
        match forms.iter_mut().find(|f| f[0].id == entry.id) {
            Some(form) => form.push(entry),
            None => forms.push(vec![entry]),
        }
    }
    for form in &mut forms {
        form.sort_by_key(|v| std::cmp::Reverse(v.published_at));
    }
    forms
}

/// One form: its title, and each version with its state and actions.
fn form_card(versions: Vec<CatalogEntry>, ctx: &Ctx, reload: RwSignal<u32>) -> impl IntoView {
    let lang = ctx.lang.clone();
    let newest = versions[0].clone();
    let id = newest.id.clone();
    let any_open = versions.iter().any(|v| v.open);
    let rows = versions
        .into_iter()
        .map(|v| {
            let state = if v.open { C::IsOpen } else { C::IsClosed };
            let toggle = if v.open { C::Close } else { C::Open };
            let preview = ConsoleRoute::Preview {
                form: v.id.clone(),
                version: v.version.clone(),
            }
            .href();
            let ctx = ctx.clone();
            let (form, version, open) = (v.id.clone(), v.version.clone(), v.open);
            let label = format!("{} {} {}", c(toggle, &lang), c(C::Version, &lang), v.version);
            let preview_label = format!("{} {} {}", c(C::Preview, &lang), c(C::Version, &lang), v.version);
            view! {
                <li class="console-version" data-version=v.version.clone() data-open=v.open.to_string()>
                    <span class="version-name">{c(C::Version, &lang)} " " <strong>{v.version.clone()}</strong></span>
                    <span class=if v.open { "version-state open" } else { "version-state closed" }>{c(state, &lang)}</span>
                    <span class="version-published">{c(C::PublishedAt, &lang)} " " {date_time(v.published_at as f64)}</span>
                    <span class="version-actions">
                        <a class="button preview" href=preview aria-label=preview_label>{c(C::Preview, &lang)}</a>
                        <button type="button" class="toggle-open" aria-label=label on:click=move |_| {
                            set_open(ctx.clone(), form.clone(), Some(version.clone()), !open, reload);
                        }>{c(toggle, &lang)}</button>
                    </span>
                </li>
            }
        })
        .collect_view();
    let form_ctx = ctx.clone();
    let form_id = id.clone();
    let whole = if any_open { C::CloseForm } else { C::OpenForm };
    let whole_label = format!("{} ({id})", c(whole, &lang));
    view! {
        <section class="console-form" data-form-id=id.clone()>
            <div class="console-form-header">
                <h4>{newest.title_in(&lang).to_owned()} " " <span class="form-id">"(" {id.clone()} ")"</span></h4>
                <button type="button" class="toggle-form" aria-label=whole_label on:click=move |_| {
                    set_open(form_ctx.clone(), form_id.clone(), None, !any_open, reload);
                }>{c(whole, &lang)}</button>
            </div>
            <ul class="console-versions">{rows}</ul>
        </section>
    }
}

/// Opens or closes one version (or every version) of a form, then rereads.
fn set_open(ctx: Ctx, form: String, version: Option<String>, open: bool, reload: RwSignal<u32>) {
    let action = if open { "open" } else { "close" };
    let mut path = format!("/api/forms/{}/{action}", encode(&form));
    if let Some(version) = version {
        path.push_str(&format!("?version={}", encode(&version)));
    }
    leptos::task::spawn_local(async move {
        match call(Method::POST, &path, Body::None).await {
            Ok(_) => {}
            Err(failure) => {
                let message = ctx.failure(&failure);
                if let Some(window) = web_sys::window() {
                    let _closed = window.alert_with_message(&message);
                }
            }
        }
        reload.try_update(|n| *n += 1);
    });
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn sends_each_kind_of_file_with_its_type() {
        assert_eq!(
            content_type("Visit.XLSX"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert_eq!(content_type("visit.form.json"), Some("application/json"));
        assert_eq!(content_type("survey.csv"), Some("text/csv"));
        assert_eq!(content_type("notes.txt"), None);
        assert_eq!(content_type("noextension"), None);
    }
}
