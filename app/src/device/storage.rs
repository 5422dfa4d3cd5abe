//! Storage the browser should not clear. Without persistence a browser may
//! evict the app's data (answers not yet synced included) when the tablet
//! runs low on space; `persist()` asks it not to (Chrome decides by itself,
//! more readily for installed apps). `StorageStatus` shows the outcome and
//! how much space is left, so a coordinator can see trouble coming.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::{get, navigator_has, on_settled};
use crate::i18n::{Msg, t};

/// Asks the browser to keep this origin's data (only where
/// `navigator.storage` exists: secure contexts, recent browsers).
pub fn request_persistence() {
    let Some(storage) = storage_manager() else {
        return;
    };
    if let Ok(asking) = storage.persist() {
        on_settled(&asking, |_granted_or_refused| {});
    }
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    if !navigator_has("storage") {
        return None;
    }
    web_sys::window().map(|w| w.navigator().storage())
}

/// What the browser says about this origin's storage; `None`: it did not say.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Status {
    pub persistent: Option<bool>,
    /// Bytes used.
    pub usage: Option<f64>,
    /// Bytes this origin may use.
    pub quota: Option<f64>,
}

/// Reads persistence and the estimate, then calls `done`; `None` when the
/// browser has no `navigator.storage`.
fn read_status(done: impl FnOnce(Option<Status>) + 'static) {
    let Some(storage) = storage_manager() else {
        done(None);
        return;
    };
    let persisted = storage.persisted();
    let estimate = move |persistent: Option<bool>| {
        let Ok(estimating) = storage.estimate() else {
            done(Some(Status {
                persistent,
                ..Status::default()
            }));
            return;
        };
        on_settled(&estimating, move |result| {
            let estimate = result.unwrap_or(JsValue::UNDEFINED);
            done(Some(Status {
                persistent,
                usage: get(&estimate, "usage").as_f64(),
                quota: get(&estimate, "quota").as_f64(),
            }));
        });
    };
    match persisted {
        Ok(asking) => on_settled(&asking, move |result| {
            estimate(result.ok().and_then(|v| v.as_bool()))
        }),
        Err(_) => estimate(None),
    }
}

/// `bytes` in MB below a gigabyte, else in GB, with one decimal, the
/// language's decimal separator and unit (decimal units, as Android shows
/// storage: 1 MB = 1,000,000 bytes).
pub fn format_bytes(bytes: f64, lang: &str) -> String {
    // `max` also turns NaN into 0.
    let bytes = bytes.max(0.0);
    let tenths = |unit: f64| (bytes / unit * 10.0).round() / 10.0;
    let megabytes = tenths(1e6);
    let (value, unit) = if megabytes < 1000.0 {
        (megabytes, Msg::Megabytes)
    } else {
        (tenths(1e9), Msg::Gigabytes)
    };
    let number = format!("{value:.1}").replace('.', t(Msg::DecimalSeparator, lang));
    // A no-break space keeps the number and its unit on one line.
    format!("{number}\u{a0}{}", t(unit, lang))
}

/// "12.3 MB used, 1.2 GB available" in `lang`.
pub fn usage_text(usage: f64, quota: f64, lang: &str) -> String {
    t(Msg::StorageUsage, lang)
        .replace("{used}", &format_bytes(usage, lang))
        .replace("{free}", &format_bytes(quota - usage, lang))
}

/// Whether storage is persistent and the space used and available, read
/// again whenever `refresh` changes (bump it after a save or an import).
/// `lang`: the UI language (default: the browser's).
#[component]
pub fn StorageStatus(
    #[prop(optional, into)] refresh: Signal<u32>,
    #[prop(optional, into)] lang: Option<Signal<String>>,
) -> impl IntoView {
    let lang = lang.unwrap_or_else(|| Signal::stored(crate::preferences::browser_language()));
    // Outer `None`: not read yet; inner `None`: the browser cannot say.
    let status = RwSignal::new(None::<Option<Status>>);
    // Only the latest reading is shown, whatever order the answers come in.
    let latest = StoredValue::new(0_u32);
    Effect::new(move |_| {
        // `try_`: a resource may run once more as its screen goes away.
        let _ = refresh.try_get();
        let reading = latest.get_value().wrapping_add(1);
        latest.set_value(reading);
        read_status(move |read| {
            // The component may be gone by now: then this does nothing.
            if latest.try_get_value() == Some(reading) {
                status.try_set(Some(read));
            }
        });
    });
    let persistence = move || {
        let lang = lang.get();
        match status.get() {
            None => None,
            Some(None) => Some(t(Msg::StorageUnknown, &lang)),
            Some(Some(s)) => s.persistent.map(|kept| {
                t(
                    if kept {
                        Msg::StoragePersistent
                    } else {
                        Msg::StorageNotPersistent
                    },
                    &lang,
                )
            }),
        }
    };
    let usage = move || match status.get() {
        Some(Some(Status {
            usage: Some(usage),
            quota: Some(quota),
            ..
        })) => Some(usage_text(usage, quota, &lang.get())),
        _ => None,
    };
    let persistent_attr = move || {
        status
            .get()
            .flatten()
            .and_then(|s| s.persistent)
            .map(|kept| kept.to_string())
    };
    view! {
        <div class="storage-status" data-persistent=persistent_attr>
            {move || persistence().map(|text| view! { <p class="storage-persistence">{text}</p> })}
            {move || usage().map(|text| view! { <p class="storage-usage">{text}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::{format_bytes, usage_text};

    #[test]
    fn megabytes_below_a_gigabyte() {
        assert_eq!(format_bytes(0.0, "en"), "0.0\u{a0}MB");
        assert_eq!(format_bytes(12_345_678.0, "en"), "12.3\u{a0}MB");
        assert_eq!(format_bytes(49_999.0, "en"), "0.0\u{a0}MB");
        assert_eq!(format_bytes(50_000.0, "en"), "0.1\u{a0}MB");
        assert_eq!(format_bytes(999_900_000.0, "en"), "999.9\u{a0}MB");
    }

    #[test]
    fn gigabytes_from_what_would_round_to_1000_megabytes() {
        assert_eq!(format_bytes(999_960_000.0, "en"), "1.0\u{a0}GB");
        assert_eq!(format_bytes(1_234_567_890.0, "en"), "1.2\u{a0}GB");
        assert_eq!(format_bytes(321_987_654_321.0, "en"), "322.0\u{a0}GB");
    }

    #[test]
    fn nonsense_reads_as_nothing() {
        assert_eq!(format_bytes(-5.0, "en"), "0.0\u{a0}MB");
        assert_eq!(format_bytes(f64::NAN, "en"), "0.0\u{a0}MB");
    }

    #[test]
    fn in_the_ui_language() {
        assert_eq!(format_bytes(12_345_678.0, "fr"), "12,3\u{a0}Mo");
        assert_eq!(format_bytes(1_234_567_890.0, "fr-CA"), "1,2\u{a0}Go");
        assert_eq!(format_bytes(12_345_678.0, "ru"), "12,3\u{a0}МБ");
        assert_eq!(format_bytes(12_345_678.0, "ro"), "12,3\u{a0}MB");
        assert_eq!(format_bytes(12_345_678.0, "es"), "12,3\u{a0}MB");
        assert_eq!(format_bytes(12_345_678.0, "ar"), "12.3\u{a0}ميغابايت");
        assert_eq!(format_bytes(12_345_678.0, "sw"), "12.3\u{a0}MB");
    }

    #[test]
    fn usage_and_what_is_left() {
        assert_eq!(
            usage_text(12_345_678.0, 2_012_345_678.0, "en"),
            "12.3\u{a0}MB used, 2.0\u{a0}GB available"
        );
        assert_eq!(
            usage_text(12_345_678.0, 2_012_345_678.0, "ru"),
            "Занято 12,3\u{a0}МБ, свободно 2,0\u{a0}ГБ"
        );
    }
}
