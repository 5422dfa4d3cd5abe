//! What the engine needs from the outside world, behind one small trait.
//!
//! The engine never reads the clock, a random source or the device identity
//! itself: the app (browser) and the server (native) implement
//! [`Environment`], and tests use [`FixedEnvironment`] so that `today()`,
//! `now()`, `random()` and `uuid()` are deterministic.

use std::cell::Cell;

/// The outside world as the expression language sees it.
pub trait Environment {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_millis(&self) -> i64;
    /// The device's offset from UTC in minutes (e.g. +120 for Chișinău in summer).
    /// `today()` and local date formatting use it.
    fn utc_offset_minutes(&self) -> i32;
    /// A uniformly distributed number in [0, 1).
    fn random(&self) -> f64;
    /// A fresh UUID in its canonical textual form.
    fn uuid(&self) -> String;
    /// The device identifier (for the `deviceid` metadata field).
    fn device_id(&self) -> String;
    /// The logged-in enumerator's user name (for the `username` metadata field).
    fn username(&self) -> String;
}

/// A deterministic environment for tests and for the command-line evaluator.
#[derive(Debug, Clone)]
pub struct FixedEnvironment {
    pub now_millis: i64,
    pub utc_offset_minutes: i32,
    pub device_id: String,
    pub username: String,
    /// State of a small linear congruential generator, so `random()` varies
    /// between calls but is reproducible.
    seed: Cell<u64>,
    uuid_counter: Cell<u64>,
}

impl FixedEnvironment {
    /// An environment frozen at `now_millis` (UTC).
    pub fn at(now_millis: i64) -> Self {
        Self {
            now_millis,
            utc_offset_minutes: 0,
            device_id: "test-device".to_owned(),
            username: "test-user".to_owned(),
            seed: Cell::new(0x2545_f491_4f6c_dd1d),
            uuid_counter: Cell::new(0),
        }
    }
}

impl Default for FixedEnvironment {
    /// 2024-01-15T10:30:00Z: a fixed, unremarkable instant.
    fn default() -> Self {
        Self::at(1_705_314_600_000)
    }
}

impl Environment for FixedEnvironment {
    fn now_millis(&self) -> i64 {
        self.now_millis
    }

    fn utc_offset_minutes(&self) -> i32 {
        self.utc_offset_minutes
    }

    fn random(&self) -> f64 {
        // xorshift64*: good enough for reproducible tests.
        let mut x = self.seed.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.seed.set(x);
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn uuid(&self) -> String {
        let n = self.uuid_counter.get() + 1;
        self.uuid_counter.set(n);
        format!("00000000-0000-7000-8000-{n:012x}")
    }

    fn device_id(&self) -> String {
        self.device_id.clone()
    }

    fn username(&self) -> String {
        self.username.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn random_is_in_unit_interval_and_varies() {
        let env = FixedEnvironment::default();
        let a = env.random();
        let b = env.random();
        assert!((0.0..1.0).contains(&a) && (0.0..1.0).contains(&b));
        assert_ne!(a, b);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn uuids_are_distinct() {
        let env = FixedEnvironment::default();
        assert_ne!(env.uuid(), env.uuid());
    }
}
