//! Saving every response on the device to one file, and reading such a
//! file back (on this device or another) without creating duplicates.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::env::BrowserEnvironment;
use crate::i18n::{Msg, t};
use crate::store::backup::{self, BackupError, MAX_BACKUP_BYTES};
use crate::store::{self, StoreError};
use fieldform_engine::env::Environment;

/// The two buttons and what the last one did. `refresh` is bumped after an
/// import so the lists reread the device.
#[component]
pub fn BackupControls(refresh: RwSignal<u32>) -> impl IntoView {
    let lang = crate::preferences::browser_language();
    let result: RwSignal<Option<Result<String, String>>> = RwSignal::new(None);
    let export_lang = lang.clone();
    let export = move |_| {
        let lang = export_lang.clone();
        leptos::task::spawn_local(async move {
            result.set(Some(save_backup(&lang).await.map_err(|e| e.to_string())));
        });
    };
    let import_lang = lang.clone();
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // The same file can be chosen again later.
        input.set_value("");
        let lang = import_lang.clone();
        leptos::task::spawn_local(async move {
            let outcome = restore(file, &lang).await.map_err(|e| e.to_string());
            result.set(Some(outcome));
            refresh.update(|n| *n += 1);
        });
    };
    let shown = move || {
        result.get().map(|r| match r {
            Ok(text) => view! { <p class="backup-result" role="status">{text}</p> }.into_any(),
            Err(text) => {
                view! { <p class="backup-result error" role="alert">{text}</p> }.into_any()
            }
        })
    };
    view! {
        <div class="backup">
            <button type="button" class="backup-export" on:click=export>{t(Msg::SaveBackup, &lang)}</button>
            <label class="backup-import-label button">
                {t(Msg::RestoreBackup, &lang)}
                <input type="file" class="backup-import" accept="application/json,.json" on:change=import />
            </label>
            {shown}
        </div>
    }
}

/// Writes the backup as a download; says how many responses it holds.
async fn save_backup(lang: &str) -> Result<String, StoreError> {
    let db = store::db().await?;
    let device = BrowserEnvironment::new("").device_id();
    let now = js_sys::Date::now();
    let backup = db.export_backup(&device, now).await?;
    let text = serde_json::to_string(&backup).map_err(|e| StoreError::Failed(e.to_string()))?;
    let stamp = {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(now));
        format!(
            "{:04}{:02}{:02}-{:02}{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        )
    };
    download(&format!("fieldform-backup-{stamp}.json"), &text)
        .map_err(|()| StoreError::Failed("the browser refused the download".to_owned()))?;
    Ok(format!(
        "{} {} {}",
        t(Msg::BackupSaved, lang),
        backup.responses.len(),
        t(Msg::Responses, lang)
    ))
}

fn download(name: &str, text: &str) -> Result<(), ()> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| ())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ())?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or(())?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

async fn restore(file: web_sys::File, lang: &str) -> Result<String, BackupError> {
    // Checked before reading: a tablet's memory is small.
    if file.size() > MAX_BACKUP_BYTES {
        return Err(BackupError::TooLarge {
            size_mb: file.size() / 1e6,
        });
    }
    let text = JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| BackupError::NotABackup("the file cannot be read".to_owned()))?;
    let parsed = backup::parse(&text)?;
    let db = store::db().await?;
    let report = db.import_backup(&parsed).await?;
    Ok(format!(
        "{} {}, {} {}, {} {}",
        report.added,
        t(Msg::Added, lang),
        report.updated,
        t(Msg::Updated, lang),
        report.unchanged,
        t(Msg::AlreadyHere, lang)
    ))
}
