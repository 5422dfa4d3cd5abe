//! The browser's `Environment` in a real browser (headless Chromium):
//! `uuid()` is a random version-4 UUID and the UTC offset is the device
//! zone's at the instant asked about.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fieldform_app::env::BrowserEnvironment;
use fieldform_engine::env::Environment;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn uuid_is_random_version_4() {
    let env = BrowserEnvironment::new("");
    let ids: Vec<String> = (0..20).map(|_| env.uuid()).collect();
    for id in &ids {
        let b = id.as_bytes();
        assert_eq!(b.len(), 36, "{id}");
        assert_eq!(b[14], b'4', "{id}");
        assert!(b"89ab".contains(&b[19]), "{id}");
        assert!(
            id.chars()
                .enumerate()
                .all(|(i, c)| if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }),
            "{id}"
        );
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
}

#[wasm_bindgen_test]
fn offsets_are_the_zone_s_at_each_instant() {
    let env = BrowserEnvironment::new("");
    // Midwinter and midsummer (where the zone has daylight saving time the
    // two differ), and now.
    for millis in [1_705_314_600_000_i64, 1_719_835_200_000, env.now_millis()] {
        let date = js_sys::Date::new(&JsValue::from_f64(millis as f64));
        assert_eq!(
            env.utc_offset_minutes_at(millis),
            -(date.get_timezone_offset() as i32),
            "{millis}"
        );
    }
    assert_eq!(
        env.utc_offset_minutes(),
        env.utc_offset_minutes_at(env.now_millis())
    );
    // Beyond the range of a JavaScript Date: the offset now, not garbage.
    assert_eq!(
        env.utc_offset_minutes_at(i64::MAX),
        env.utc_offset_minutes()
    );
}
