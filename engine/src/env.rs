//! What the engine needs from the outside world, behind one small trait.
//!
//! The engine never reads the clock, a random source, the time zone or the
//! device identity itself: the app (browser) and the server (native)
//! implement [`Environment`], and tests use [`FixedEnvironment`] so that
//! `today()`, `now()`, `random()` and `uuid()` are deterministic.

use std::cell::Cell;

const MS_PER_MINUTE: i64 = 60_000;

/// The outside world as the expression language sees it.
pub trait Environment {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_millis(&self) -> i64;
    /// The device's offset from UTC in minutes at the instant `millis`
    /// (milliseconds since the epoch), e.g. +180 for Chișinău in summer and
    /// +120 in winter. It depends on the instant because of daylight saving
    /// time: `today()`, local midnight of a date and zone-less date-times
    /// all use the offset in force at the instant concerned.
    fn utc_offset_minutes_at(&self, millis: i64) -> i32;
    /// The device's offset from UTC now.
    fn utc_offset_minutes(&self) -> i32 {
        self.utc_offset_minutes_at(self.now_millis())
    }
    /// A uniformly distributed number in [0, 1).
    fn random(&self) -> f64;
    /// Fills `out` with random bytes. The default draws them from
    /// [`Environment::random`]; real environments use the system's source.
    fn random_bytes(&self, out: &mut [u8]) {
        for b in out {
            *b = (self.random() * 256.0) as u8;
        }
    }
    /// `uuid()`: a random version-4 UUID (RFC 9562), as the ODK XForms spec
    /// requires. Instance ids are UUID v7 instead (`response::uuid_v7`).
    fn uuid(&self) -> String {
        let mut bytes = [0u8; 16];
        self.random_bytes(&mut bytes);
        uuid_v4(bytes)
    }
    /// The device identifier (for the `deviceid` metadata field).
    fn device_id(&self) -> String;
    /// The logged-in enumerator's user name (for the `username` metadata field).
    fn username(&self) -> String;
}

/// The version-4 UUID made of 16 random bytes (version and variant bits set).
pub fn uuid_v4(bytes: [u8; 16]) -> String {
    uuid_text(4, bytes)
}

/// The text of a UUID (RFC 9562) of `version` (1 to 15) made of `bytes`:
/// the version and variant bits are set over what `bytes` holds there,
/// then the 32 lower-case hex digits in groups of 8-4-4-4-12. Shared by
/// `uuid()` (v4) and instance ids (`response::uuid_v7`).
pub fn uuid_text(version: u8, mut bytes: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    debug_assert!((1..16).contains(&version), "UUID version {version}");
    bytes[6] = (version << 4) | (bytes[6] & 0x0f);
    bytes[8] = 0x80 | (bytes[8] & 0x3f); // RFC 9562 variant
    let mut text = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push(char::from(HEX[usize::from(b >> 4)]));
        text.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    text
}

/// The instant of a local wall-clock time (milliseconds since the epoch *as
/// if* the local time were UTC) in the environment's zone, with the offset
/// in force then. A time skipped by a daylight-saving jump (02:30 on the
/// night clocks go forward) is read with the offset before the jump, so it
/// lands after it (03:30), as `java.util.Calendar` does; a repeated time
/// (the night clocks go back) is the first of the two.
pub fn local_to_utc(env: &dyn Environment, local_millis: i64) -> (i64, i32) {
    let at = |offset: i32| local_millis.saturating_sub(i64::from(offset) * MS_PER_MINUTE);
    // The offsets a day either side decide; where the one before still
    // holds there is no transition near, the usual case.
    let before = env.utc_offset_minutes_at(local_millis.saturating_sub(86_400_000));
    let after = env.utc_offset_minutes_at(local_millis.saturating_add(86_400_000));
    let first = env.utc_offset_minutes_at(at(before));
    if first == before {
        return (at(before), before);
    }
    let second = env.utc_offset_minutes_at(at(after));
    if second == after {
        return (at(after), after);
    }
    // In a gap: neither offset gives back itself. Use the earlier offset.
    (at(before), env.utc_offset_minutes_at(at(before)))
}

/// A deterministic environment for tests.
#[derive(Debug, Clone)]
pub struct FixedEnvironment {
    pub now_millis: i64,
    /// The offset from UTC before the first of `transitions` (or always).
    pub utc_offset_minutes: i32,
    /// A time zone's changes of offset: from each instant (milliseconds
    /// since the epoch, ascending) on, the given offset applies. Empty for
    /// a fixed offset.
    pub transitions: Vec<(i64, i32)>,
    pub device_id: String,
    pub username: String,
    /// State of a small xorshift generator, so `random()` varies between
    /// calls but is reproducible.
    seed: Cell<u64>,
    uuid_counter: Cell<u64>,
}

impl FixedEnvironment {
    /// An environment frozen at `now_millis`, in UTC.
    pub fn at(now_millis: i64) -> Self {
        Self {
            now_millis,
            utc_offset_minutes: 0,
            transitions: Vec::new(),
            device_id: "test-device".to_owned(),
            username: "test-user".to_owned(),
            seed: Cell::new(0x2545_f491_4f6c_dd1d),
            uuid_counter: Cell::new(0),
        }
    }

    /// Europe/Chișinău's offsets from 2023 to 2025 (EET, +120, with EEST,
    /// +180, from the last Sunday of March to the last Sunday of October,
    /// both changes at 00:00 UTC): a zone with daylight saving time for tests.
    pub fn chisinau(now_millis: i64) -> Self {
        // 2023-03-26, 2023-10-29, 2024-03-31, 2024-10-27, 2025-03-30, 2025-10-26.
        let days = [19_442, 19_659, 19_813, 20_023, 20_177, 20_387];
        let transitions = days
            .iter()
            .enumerate()
            .map(|(i, d)| (d * 86_400_000, if i % 2 == 0 { 180 } else { 120 }))
            .collect();
        Self {
            utc_offset_minutes: 120,
            transitions,
            ..Self::at(now_millis)
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

    fn utc_offset_minutes_at(&self, millis: i64) -> i32 {
        self.transitions
            .iter()
            .take_while(|(from, _)| *from <= millis)
            .last()
            .map_or(self.utc_offset_minutes, |(_, offset)| *offset)
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

    /// Counted rather than random, so tests can name the value: the n-th
    /// call gives `00000000-0000-4000-8000-<n in 12 hex digits>`.
    fn uuid(&self) -> String {
        let n = self.uuid_counter.get() + 1;
        self.uuid_counter.set(n);
        format!("00000000-0000-4000-8000-{n:012x}")
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
    use crate::expr::date::{MS_PER_DAY, days_from_civil};
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

    /// An environment that keeps the trait's own `uuid()`.
    struct Plain(FixedEnvironment);
    impl Environment for Plain {
        fn now_millis(&self) -> i64 {
            self.0.now_millis()
        }
        fn utc_offset_minutes_at(&self, millis: i64) -> i32 {
            self.0.utc_offset_minutes_at(millis)
        }
        fn random(&self) -> f64 {
            self.0.random()
        }
        fn device_id(&self) -> String {
            self.0.device_id()
        }
        fn username(&self) -> String {
            self.0.username()
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn default_uuid_is_version_4() {
        let env = Plain(FixedEnvironment::default());
        let (a, b) = (env.uuid(), env.uuid());
        assert_ne!(a, b);
        for id in [a, b] {
            let bytes = id.as_bytes();
            assert_eq!(id.len(), 36, "{id}");
            assert_eq!(bytes[14], b'4', "{id}");
            assert!(b"89ab".contains(&bytes[19]), "{id}");
            assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        }
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn uuid_text_sets_version_and_variant_and_groups_the_digits() {
        let counting: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(
            uuid_text(7, counting),
            "00010203-0405-7607-8809-0a0b0c0d0e0f"
        );
        assert_eq!(
            uuid_text(7, [0xff; 16]),
            "ffffffff-ffff-7fff-bfff-ffffffffffff"
        );
        assert_eq!(
            uuid_text(4, [0xa5; 16]),
            "a5a5a5a5-a5a5-45a5-a5a5-a5a5a5a5a5a5"
        );
        // Every byte other than the version's and the variant's is kept, in order.
        let bytes: [u8; 16] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5c);
        let digits: String = uuid_text(1, bytes).split('-').collect();
        for (i, b) in bytes.iter().enumerate().filter(|(i, _)| *i != 6 && *i != 8) {
            assert_eq!(&digits[2 * i..2 * i + 2], format!("{b:02x}"), "byte {i}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn offsets_follow_transitions() {
        let env = FixedEnvironment::chisinau(0);
        let spring = days_from_civil(2024, 3, 31) * MS_PER_DAY;
        let autumn = days_from_civil(2024, 10, 27) * MS_PER_DAY;
        assert_eq!(env.utc_offset_minutes_at(spring - 1), 120);
        assert_eq!(env.utc_offset_minutes_at(spring), 180);
        assert_eq!(env.utc_offset_minutes_at(autumn - 1), 180);
        assert_eq!(env.utc_offset_minutes_at(autumn), 120);
        assert_eq!(env.utc_offset_minutes_at(i64::MIN), 120);
        // `utc_offset_minutes()` is the offset now.
        assert_eq!(FixedEnvironment::chisinau(spring).utc_offset_minutes(), 180);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn local_times_around_daylight_saving_changes() {
        let env = FixedEnvironment::chisinau(0);
        let h = 3_600_000;
        let spring_day = days_from_civil(2024, 3, 31) * MS_PER_DAY;
        // Midnight exists: 2024-03-31T00:00+02:00.
        assert_eq!(local_to_utc(&env, spring_day), (spring_day - 2 * h, 120));
        // 02:30 does not (02:00 → 03:00): read as 03:30 summer time.
        assert_eq!(
            local_to_utc(&env, spring_day + 2 * h + h / 2),
            (spring_day + h / 2, 180)
        );
        assert_eq!(
            local_to_utc(&env, spring_day + 4 * h),
            (spring_day + h, 180)
        );
        let autumn_day = days_from_civil(2024, 10, 27) * MS_PER_DAY;
        // 02:30 happens twice (03:00 → 02:00): the first, summer time.
        assert_eq!(
            local_to_utc(&env, autumn_day + 2 * h + h / 2),
            (autumn_day - h / 2, 180)
        );
        assert_eq!(
            local_to_utc(&env, autumn_day + 12 * h),
            (autumn_day + 10 * h, 120)
        );
        // The extremes saturate instead of overflowing.
        assert_eq!(local_to_utc(&env, i64::MIN).0, i64::MIN);
        assert_eq!(
            local_to_utc(&FixedEnvironment::default(), i64::MAX).0,
            i64::MAX
        );
    }
}
