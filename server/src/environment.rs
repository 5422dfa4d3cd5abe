//! The engine's view of the outside world on the server: the system clock,
//! the OS random source, the configured time zone, and this host as the
//! "device".

use std::sync::OnceLock;

use fieldform_engine::env::Environment;
use jiff::tz::TimeZone;
use rand::Rng;

/// [`Environment`] backed by the system clock, the OS random source and a
/// time zone: the `TZ` variable's, else the system's (`/etc/localtime`),
/// else UTC.
#[derive(Debug, Clone)]
pub struct SystemEnvironment {
    /// Reported as the `username` metadata (the server's own evaluations).
    pub username: String,
    zone: TimeZone,
}

impl Default for SystemEnvironment {
    fn default() -> Self {
        Self::in_zone(process_zone().clone())
    }
}

impl SystemEnvironment {
    /// An environment whose dates and times are in `zone`.
    pub fn in_zone(zone: TimeZone) -> Self {
        Self {
            username: "fieldform-server".into(),
            zone,
        }
    }
}

/// The zone of this process, worked out once: evaluations are frequent and
/// the answer does not change while the server runs.
fn process_zone() -> &'static TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| {
        std::env::var("TZ")
            .ok()
            .and_then(|tz| zone_named(&tz))
            .unwrap_or_else(TimeZone::system)
    })
}

/// A time zone as `TZ` names it: an IANA name (`Europe/Chisinau`), a TZif
/// file's path, or a POSIX rule (`EST5EDT,M3.2.0,M11.1.0`); an optional
/// leading `:` is ignored, as POSIX allows. `None` if it names none.
pub fn zone_named(tz: &str) -> Option<TimeZone> {
    let name = tz.trim();
    let name = name.strip_prefix(':').unwrap_or(name);
    if name.is_empty() {
        return None;
    }
    if name.starts_with('/') {
        let data = std::fs::read(name).ok()?;
        return TimeZone::tzif(name, &data).ok();
    }
    TimeZone::get(name).or_else(|_| TimeZone::posix(name)).ok()
}

impl Environment for SystemEnvironment {
    fn now_millis(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }

    fn utc_offset_minutes_at(&self, millis: i64) -> i32 {
        // Instants outside jiff's range (years ±9999) take the offset of
        // one just inside it (a day in, clear of the edge's rounding).
        const DAY: i64 = 86_400_000;
        let clamped = millis.clamp(
            jiff::Timestamp::MIN.as_millisecond() + DAY,
            jiff::Timestamp::MAX.as_millisecond() - DAY,
        );
        jiff::Timestamp::from_millisecond(clamped)
            .map_or(0, |t| self.zone.to_offset(t).seconds() / 60)
    }

    fn random(&self) -> f64 {
        rand::thread_rng().r#gen::<f64>()
    }

    fn random_bytes(&self, out: &mut [u8]) {
        rand::thread_rng().fill(out);
    }

    fn device_id(&self) -> String {
        "server".into()
    }

    fn username(&self) -> String {
        self.username.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldform_engine::state::evaluate_alone;

    fn zone(name: &str) -> SystemEnvironment {
        SystemEnvironment::in_zone(zone_named(name).expect("known zone"))
    }

    /// 2024-03-31 and 2024-10-27: Moldova's clocks change at 00:00 UTC.
    #[test]
    fn offsets_follow_daylight_saving_time() {
        let env = zone("Europe/Chisinau");
        let spring = 1_711_843_200_000; // 2024-03-31T00:00:00Z
        let autumn = 1_729_987_200_000; // 2024-10-27T00:00:00Z
        assert_eq!(env.utc_offset_minutes_at(spring - 1), 120);
        assert_eq!(env.utc_offset_minutes_at(spring), 180);
        assert_eq!(env.utc_offset_minutes_at(autumn - 1), 180);
        assert_eq!(env.utc_offset_minutes_at(autumn), 120);
        assert_eq!(env.utc_offset_minutes_at(i64::MAX), 120);
    }

    #[test]
    fn dates_are_local_to_the_zone() {
        let eval = |env: &SystemEnvironment, e: &str| {
            evaluate_alone(e, env).expect("evaluates").as_string()
        };
        let chisinau = zone("Europe/Chisinau");
        // Zone-less date-times are local: summer time on 31 March.
        assert_eq!(
            eval(&chisinau, "string(date-time('2024-03-31T12:00:00'))"),
            "2024-03-31T12:00:00.000+03:00"
        );
        assert_eq!(
            eval(&chisinau, "string(date-time('2024-03-30T12:00:00'))"),
            "2024-03-30T12:00:00.000+02:00"
        );
        // Local midnight of the day clocks go back is still summer time.
        assert_eq!(
            eval(&chisinau, "decimal-date-time(date('2024-10-27'))"),
            "20022.875"
        );
        let utc = zone("UTC");
        assert_eq!(eval(&utc, "decimal-date-time(date('2024-10-27'))"), "20023");
        let kathmandu = zone("Asia/Kathmandu");
        assert_eq!(
            eval(&kathmandu, "string(date-time('2024-01-01'))"),
            "2024-01-01T00:00:00.000+05:45"
        );
    }

    #[test]
    fn tz_values_name_zones() {
        assert!(zone_named("Europe/Chisinau").is_some());
        assert!(zone_named(":Europe/Chisinau").is_some());
        assert!(zone_named("/usr/share/zoneinfo/Europe/Chisinau").is_some());
        let posix = zone_named("EST5EDT,M3.2.0,M11.1.0").expect("POSIX rule");
        let env = SystemEnvironment::in_zone(posix);
        assert_eq!(env.utc_offset_minutes_at(1_705_314_600_000), -300);
        assert!(zone_named("").is_none());
        assert!(zone_named("Not/AZone").is_none());
    }

    #[test]
    fn uuid_is_random_version_4() {
        let env = SystemEnvironment::default();
        let (a, b) = (env.uuid(), env.uuid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4", "{a}");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }
}
