//! The engine's view of the outside world in the browser: the device clock,
//! its time zone, the Web Crypto random source and a device identifier kept
//! in `localStorage`.

use fieldform_engine::env::Environment;
use fieldform_engine::response::uuid_v7;

const DEVICE_KEY: &str = "fieldform.device-id";

/// [`Environment`] backed by the browser.
#[derive(Debug, Clone)]
pub struct BrowserEnvironment {
    device_id: String,
    username: String,
}

impl BrowserEnvironment {
    /// The environment of this device; the device id is created on first use
    /// and kept, so `deviceid` stays the same across sessions.
    pub fn new(username: &str) -> Self {
        let mut env = Self {
            device_id: String::new(),
            username: username.to_owned(),
        };
        env.device_id = stored_device_id().unwrap_or_else(|| {
            let id = format!("fieldform:{}", uuid_v7(&env));
            store_device_id(&id);
            id
        });
        env
    }
}

/// This origin's `localStorage`, where the browser offers one.
pub(crate) fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored_device_id() -> Option<String> {
    local_storage()?.get_item(DEVICE_KEY).ok().flatten()
}

fn store_device_id(id: &str) {
    // Private browsing may refuse storage: the id then lasts this session.
    if let Some(s) = local_storage() {
        let _refused = s.set_item(DEVICE_KEY, id);
    }
}

impl Environment for BrowserEnvironment {
    fn now_millis(&self) -> i64 {
        js_sys::Date::now() as i64
    }

    fn utc_offset_minutes_at(&self, millis: i64) -> i32 {
        // getTimezoneOffset is UTC minus local, in minutes, for that
        // instant in the device's zone (daylight saving time included).
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
        let offset = date.get_timezone_offset();
        // An instant beyond the Date range (±8.64e15 ms) gives NaN.
        if offset.is_finite() {
            -(offset as i32)
        } else {
            -(js_sys::Date::new_0().get_timezone_offset() as i32)
        }
    }

    fn random(&self) -> f64 {
        let mut bytes = [0u8; 8];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
        if !filled {
            return js_sys::Math::random();
        }
        (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn random_bytes(&self, out: &mut [u8]) {
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(out).is_ok());
        if !filled {
            for b in out {
                *b = (js_sys::Math::random() * 256.0) as u8;
            }
        }
    }

    fn device_id(&self) -> String {
        self.device_id.clone()
    }

    fn username(&self) -> String {
        self.username.clone()
    }
}
