//! The console's export of a form's submissions: format, codes or labels
//! in a language, select-multiple split, and the table's date and review
//! filters, fetched from `GET /api/forms/{id}/export` with the session
//! (a plain link could not send it) and saved as a file. The body is read
//! chunk by chunk, so the screen shows how much has arrived of how many
//! submissions (`X-Fieldform-Total`) while the server streams it.

use gloo_net::http::Request;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::Ctx;
use super::client::encode;
use super::sub_words::{S, s};
use super::submissions::Filters;
use crate::api::CatalogEntry;

const FORMATS: [(&str, &str); 5] = [
    ("csv", "CSV (zip)"),
    ("xlsx", "Excel (xlsx)"),
    ("json", "JSON"),
    ("ndjson", "NDJSON"),
    ("codebook", "Codebook (zip)"),
];

/// Where an export is.
#[derive(Debug, Clone, PartialEq)]
enum Progress {
    Idle,
    /// Submissions in the export, bytes received so far.
    Receiving {
        total: String,
        bytes: f64,
    },
    Done {
        file: String,
        total: String,
    },
    Failed(String),
}

/// The export request for these choices.
fn export_path(form: &str, format: &str, labels: &str, split: bool, filters: &Filters) -> String {
    let mut path = format!(
        "/api/forms/{}/export?format={}",
        encode(form),
        encode(format)
    );
    if !labels.is_empty() {
        path.push_str(&format!("&values=labels&lang={}", encode(labels)));
    }
    if split {
        path.push_str("&select_multiple=split");
    }
    for (key, value) in [
        ("from", &filters.from),
        ("to", &filters.to),
        ("review", &filters.review),
    ] {
        if !value.trim().is_empty() {
            path.push_str(&format!("&{key}={}", encode(value.trim())));
        }
    }
    path
}

/// `attachment; filename="x.zip"` → `x.zip`.
fn file_name(disposition: &str) -> Option<String> {
    let (_, rest) = disposition.split_once("filename=")?;
    let name = rest.trim().trim_matches('"');
    (!name.is_empty()).then(|| name.to_owned())
}

#[component]
pub(super) fn ExportPanel(ctx: Ctx, form: String, filters: RwSignal<Filters>) -> impl IntoView {
    let lang = ctx.lang.clone();
    let format = RwSignal::new("csv".to_owned());
    let labels = RwSignal::new(String::new());
    let split = RwSignal::new(false);
    let progress = RwSignal::new(Progress::Idle);
    let languages = RwSignal::new(Vec::<(String, String)>::new());
    {
        let form = form.clone();
        leptos::task::spawn_local(async move {
            if let Ok(catalog) = crate::api::fetch_catalog().await {
                let newest = catalog
                    .into_iter()
                    .filter(|e: &CatalogEntry| e.id == form)
                    .max_by_key(|e| e.published_at);
                if let Some(entry) = newest {
                    languages.try_set(
                        entry
                            .languages
                            .iter()
                            .map(|l| (l.code.clone(), l.name.clone()))
                            .collect(),
                    );
                }
            }
        });
    }
    let start_ctx = ctx.clone();
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let path = export_path(
            &form,
            &format.get_untracked(),
            &labels.get_untracked(),
            split.get_untracked(),
            &filters.get_untracked(),
        );
        progress.set(Progress::Receiving {
            total: String::new(),
            bytes: 0.0,
        });
        let ctx = start_ctx.clone();
        leptos::task::spawn_local(async move {
            let shown = match download(&path, progress).await {
                Ok(done) => done,
                Err(message) => Progress::Failed(format!(
                    "{} {message}",
                    super::words::c(super::words::C::Refused, &ctx.lang)
                )),
            };
            progress.try_set(shown);
        });
    };
    let progress_lang = lang.clone();
    let progress_view = move || {
        let lang = progress_lang.clone();
        match progress.get() {
            Progress::Idle => None,
            Progress::Receiving { total, bytes } => Some(
                view! {
                    <p class="status export-progress" role="status">
                        {s(S::Downloading, &lang).replace("{n}", &total).replace("{kb}", &format!("{:.0}", bytes / 1024.0))}
                    </p>
                }
                .into_any(),
            ),
            Progress::Done { file, total } => Some(
                view! {
                    <p class="status published export-done" role="status">
                        {s(S::Downloaded, &lang).replace("{file}", &file).replace("{n}", &total)}
                    </p>
                }
                .into_any(),
            ),
            Progress::Failed(message) => {
                Some(view! { <p class="status error" role="alert">{message}</p> }.into_any())
            }
        }
    };
    let busy = move || matches!(progress.get(), Progress::Receiving { .. });
    let format_options = FORMATS
        .iter()
        .map(|(value, name)| view! { <option value=*value>{*name}</option> })
        .collect_view();
    let label_options = move || {
        languages
            .get()
            .into_iter()
            .map(|(code, name)| view! { <option value=code.clone()>{name}</option> })
            .collect_view()
    };
    view! {
        <section class="export-panel">
            <h4>{s(S::Export, &lang)}</h4>
            <form class="export-form" on:submit=start>
                <label><span>{s(S::Format, &lang)}</span>
                    <select name="format" on:change=move |ev| format.set(event_target_value(&ev))>{format_options}</select></label>
                <label><span>{s(S::Values, &lang)}</span>
                    <select name="values" on:change=move |ev| labels.set(event_target_value(&ev))>
                        <option value="">{s(S::Codes, &lang)}</option>
                        <optgroup label=s(S::LabelsIn, &lang)>{label_options}</optgroup>
                    </select></label>
                <label class="check"><input type="checkbox" name="split"
                    on:change=move |ev| split.set(event_target_checked(&ev)) />
                    <span>{s(S::Split, &lang)}</span></label>
                <p class="hint">{s(S::ExportUsesFilters, &lang)}</p>
                <button type="submit" class="primary export-download" disabled=busy>{s(S::Download, &lang)}</button>
            </form>
            {progress_view}
        </section>
    }
}

/// Fetches the export with the session, counting the bytes as they come,
/// then saves it under the server's file name.
async fn download(path: &str, progress: RwSignal<Progress>) -> Result<Progress, String> {
    let mut request = Request::get(path);
    if let Some(token) = crate::sync::credential::token() {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| {
                let error = &v["error"];
                let fields: Vec<String> = error["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| {
                        Some(format!(
                            "{}: {}",
                            f["field"].as_str()?,
                            f["message"].as_str()?
                        ))
                    })
                    .collect();
                if fields.is_empty() {
                    error["message"].as_str().map(str::to_owned)
                } else {
                    Some(fields.join("; "))
                }
            })
            .unwrap_or_else(|| status.to_string());
        return Err(message);
    }
    let headers = response.headers();
    let total = headers.get("x-fieldform-total").unwrap_or_default();
    let content_type = headers.get("content-type").unwrap_or_default();
    let file = headers
        .get("content-disposition")
        .and_then(|d| file_name(&d))
        .unwrap_or_else(|| "export".to_owned());
    let stream = response.body().ok_or("the export has no body")?;
    let chunks = js_sys::Array::new();
    let mut bytes = 0.0;
    let js = |e: JsValue| format!("{e:?}");
    let get_reader: Function = Reflect::get(&stream, &"getReader".into())
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    let reader = get_reader.call0(&stream).map_err(js)?;
    let read: Function = Reflect::get(&reader, &"read".into())
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    loop {
        let next: Promise = read.call0(&reader).map_err(js)?.dyn_into().map_err(js)?;
        // A connection cut mid-way rejects here: the server aborts a failed
        // export rather than ending it, so nothing truncated is saved.
        let result = JsFuture::from(next).await.map_err(js)?;
        if Reflect::get(&result, &"done".into()).map_err(js)?.as_bool() != Some(false) {
            break;
        }
        let value = Reflect::get(&result, &"value".into()).map_err(js)?;
        bytes += f64::from(Uint8Array::new(&value).length());
        chunks.push(&value);
        progress.try_set(Progress::Receiving {
            total: total.clone(),
            bytes,
        });
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&content_type);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&chunks, &options).map_err(js)?;
    save(&file, &blob).map_err(js)?;
    Ok(Progress::Done { file, total })
}

/// Saves `blob` as a download named `name`.
fn save(name: &str, blob: &web_sys::Blob) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoked later: the browser reads the blob after the click returns.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _gone = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn reads_the_servers_file_name() {
        assert_eq!(
            file_name("attachment; filename=\"ggs-2026.1-2026-11-30.zip\"").as_deref(),
            Some("ggs-2026.1-2026-11-30.zip")
        );
        assert_eq!(file_name("attachment"), None);
    }
}
