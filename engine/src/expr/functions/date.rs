//! Date and time functions. See [`crate::expr::date`] for the representation.

use super::{Func, arg};
use crate::env::{Environment, local_to_utc};
use crate::expr::ast::Expr;
use crate::expr::date::{self, Fields, MS_PER_DAY, Parsed};
use crate::expr::eval::EvalContext;
use crate::expr::value::Value;

pub(super) fn call(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let env = ctx.env();
    let date_arg = |i: usize| arg(args, i, ctx).as_date_like(env);
    match func {
        // The device's local date, at the offset in force now.
        Func::Today => {
            let now = env.now_millis();
            Value::Date(local_days(now, env.utc_offset_minutes_at(now)))
        }
        Func::Now => {
            let now = env.now_millis();
            Value::DateTime {
                millis: now,
                offset_minutes: env.utc_offset_minutes_at(now),
            }
        }
        // Numbers are days since the epoch (truncated); a date-time is an
        // instant whose date is taken in the device's zone, whatever offset
        // it was written with (JavaRosa's `DateUtils.parseTime` moves it to
        // the default zone), as `format-date` shows it; anything
        // unconvertible gives "".
        Func::Date => match arg(args, 0, ctx) {
            Value::Number(n) if n.is_finite() && n.abs() < 1e8 => Value::Date(n.trunc() as i64),
            Value::Number(_) => Value::empty(),
            other => match other.as_date_like(env) {
                Some(Parsed::Date(d)) => Value::Date(d),
                Some(Parsed::DateTime { millis, .. }) => {
                    Value::Date(local_days(millis, env.utc_offset_minutes_at(millis)))
                }
                None => Value::empty(),
            },
        },
        Func::DateTime => match date_arg(0) {
            Some(p) => to_datetime(p, env),
            None => Value::empty(),
        },
        // Fractional days since 1970-01-01T00:00Z; a date counts from its
        // local midnight.
        Func::DecimalDateTime => match date_arg(0) {
            Some(p) => match to_datetime(p, env) {
                Value::DateTime { millis, .. } => Value::Number(millis as f64 / MS_PER_DAY as f64),
                _ => Value::Number(f64::NAN),
            },
            None => Value::Number(f64::NAN),
        },
        Func::DecimalTime => Value::Number(decimal_time(&arg(args, 0, ctx), env)),
        // Both accept dates and date-times; a date has time 00:00:00. A
        // date-time is shown in the device's zone, whatever offset it was
        // written with, as JavaRosa does (its `Date` is an instant, shown
        // with the default zone), at the offset in force at that instant.
        Func::FormatDate | Func::FormatDateTime => {
            let pattern = arg(args, 1, ctx).as_string();
            let fields = match date_arg(0) {
                Some(Parsed::Date(d)) => Fields::from_days(d),
                Some(Parsed::DateTime { millis, .. }) => {
                    Fields::from_millis(millis, env.utc_offset_minutes_at(millis))
                }
                None => return Value::empty(),
            };
            Value::String(date::format_pattern(&fields, &pattern))
        }
        _ => Value::empty(),
    }
}

fn local_days(millis: i64, offset_minutes: i32) -> i64 {
    (millis + i64::from(offset_minutes) * 60_000).div_euclid(MS_PER_DAY)
}

/// A date becomes its local midnight in the device's zone (with the offset
/// in force at that midnight, which daylight saving time may change).
fn to_datetime(p: Parsed, env: &dyn Environment) -> Value {
    match p {
        Parsed::Date(d) => {
            let (millis, offset_minutes) = local_to_utc(env, d * MS_PER_DAY);
            Value::DateTime {
                millis,
                offset_minutes,
            }
        }
        Parsed::DateTime {
            millis,
            offset_minutes,
        } => Value::DateTime {
            millis,
            offset_minutes,
        },
    }
}

/// `decimal-time`: the fraction of the (device-local) day, from a time
/// (`14:30:00.000+02:00`), a date-time, or a number (its fractional part).
fn decimal_time(v: &Value, env: &dyn Environment) -> f64 {
    let local = |millis: i64| millis + i64::from(env.utc_offset_minutes_at(millis)) * 60_000;
    let local_ms = match v {
        Value::Number(n) => return n - n.floor(),
        Value::DateTime { millis, .. } => local(*millis),
        other => {
            let s = other.as_string();
            match date::parse_time(&s) {
                // A time with a zone is moved to the device's zone (at
                // today's offset: a time alone has no date).
                Some((ms, Some(zone))) => ms + i64::from(env.utc_offset_minutes() - zone) * 60_000,
                Some((ms, None)) => ms,
                None => match date::parse_iso_in(&s, env) {
                    Some(Parsed::DateTime { millis, .. }) => local(millis),
                    _ => return f64::NAN,
                },
            }
        }
    };
    local_ms.rem_euclid(MS_PER_DAY) as f64 / MS_PER_DAY as f64
}

#[cfg(test)]
mod tests {
    use crate::env::FixedEnvironment;
    use crate::expr::date::days_from_civil;
    use crate::expr::testing::{Ctx, eval, eval_num, eval_str, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn today_and_now_use_the_environment() {
        // FixedEnvironment::default() is 2024-01-15T10:30:00Z.
        assert_eq!(eval("today()"), Value::Date(days_from_civil(2024, 1, 15)));
        assert_eq!(eval_str("today()"), "2024-01-15");
        assert_eq!(eval_str("now()"), "2024-01-15T10:30:00.000+00:00");
        // 14 hours ahead of UTC it is already the 16th.
        let tokyo_ish = Ctx::new().offset(14 * 60);
        assert_eq!(
            eval_with(&tokyo_ish, "string(today())"),
            Value::from("2024-01-16")
        );
        assert_eq!(
            eval_with(&tokyo_ish, "string(now())"),
            Value::from("2024-01-16T00:30:00.000+14:00")
        );
        let west = Ctx::new().offset(-11 * 60);
        assert_eq!(
            eval_with(&west, "string(today())"),
            Value::from("2024-01-14")
        );
        assert_eq!(eval("today() < now()"), Value::Bool(true));
    }

    /// Europe/Chișinău: +02:00 in winter, +03:00 from 2024-03-31T00:00Z
    /// to 2024-10-27T00:00Z.
    fn chisinau_at(iso_utc: &str) -> Ctx {
        let millis = match crate::expr::date::parse_iso(iso_utc, 0) {
            Some(crate::expr::date::Parsed::DateTime { millis, .. }) => millis,
            other => panic!("{iso_utc}: {other:?}"),
        };
        let mut c = Ctx::new();
        c.env = FixedEnvironment::chisinau(millis);
        c
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn local_date_follows_daylight_saving_time() {
        // 22:30 UTC on 30 March is 00:30 on the 31st (winter time, +2).
        let c = chisinau_at("2024-03-30T22:30:00Z");
        assert_eq!(eval_with(&c, "string(today())"), Value::from("2024-03-31"));
        assert_eq!(
            eval_with(&c, "string(now())"),
            Value::from("2024-03-31T00:30:00.000+02:00")
        );
        // 21:30 UTC on 26 October is 00:30 on the 27th only in summer time
        // (+3); a fixed winter offset would still say the 26th.
        let c = chisinau_at("2024-10-26T21:30:00Z");
        assert_eq!(eval_with(&c, "string(today())"), Value::from("2024-10-27"));
        assert_eq!(
            eval_with(&c, "string(now())"),
            Value::from("2024-10-27T00:30:00.000+03:00")
        );
        // An hour later clocks have gone back: 23:30 UTC is 01:30 (+2).
        let c = chisinau_at("2024-10-26T23:30:00Z");
        assert_eq!(
            eval_with(&c, "format-date-time(now(), '%Y-%m-%d %H:%M')"),
            Value::from("2024-10-27 02:30")
        );
        let c = chisinau_at("2024-10-27T00:30:00Z");
        assert_eq!(
            eval_with(&c, "format-date-time(now(), '%Y-%m-%d %H:%M')"),
            Value::from("2024-10-27 02:30")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn local_midnights_and_times_use_the_offset_then() {
        // Evaluated in January: dates in summer still get summer time.
        let c = chisinau_at("2024-01-15T10:30:00Z");
        assert_eq!(
            eval_with(&c, "string(date-time('2024-07-01'))"),
            Value::from("2024-07-01T00:00:00.000+03:00")
        );
        assert_eq!(
            eval_with(&c, "string(date-time('2024-12-01'))"),
            Value::from("2024-12-01T00:00:00.000+02:00")
        );
        // Midnight of the day clocks go back is still summer time.
        assert_eq!(
            eval_with(&c, "decimal-date-time(date('2024-10-27'))"),
            Value::Number(20_023.0 - 3.0 / 24.0)
        );
        // Zone-less date-times are local wall-clock time.
        assert_eq!(
            eval_with(&c, "decimal-date-time('2024-07-01T03:00:00')"),
            Value::Number(19_905.0)
        );
        assert_eq!(
            eval_with(&c, "string(date-time('2024-03-31T02:30:00'))"),
            Value::from("2024-03-31T03:30:00.000+03:00")
        );
        // decimal-time of a date-time: the time of day in the device's zone.
        assert_eq!(
            eval_with(&c, "decimal-time('2024-07-01T00:00:00.000Z')"),
            Value::Number(3.0 / 24.0)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn date_arithmetic() {
        assert_eq!(
            eval_str("format-date(date('2020-02-29') + 1, '%Y-%m-%d')"),
            "2020-03-01"
        );
        assert_eq!(eval_str("date(date('2020-02-29') + 1)"), "2020-03-01");
        assert_eq!(eval_num("date('2020-03-01') - date('2020-02-01')"), 29.0);
        assert_eq!(eval_num("today() - date('2024-01-01')"), 14.0);
        let c = Ctx::new().with("dob", Value::Date(days_from_civil(2000, 6, 15)));
        assert_eq!(
            eval_with(&c, "int((today() - ${dob}) div 365.25)"),
            Value::Number(23.0)
        );
        assert!(eval_num("date('') + 1").is_nan());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn date_conversion() {
        assert_eq!(eval("date(0)"), Value::Date(0));
        assert_eq!(eval_str("date(18322)"), "2020-03-01");
        assert_eq!(eval_str("date(18322.9)"), "2020-03-01");
        assert_eq!(eval_str("date(-1)"), "1969-12-31");
        assert_eq!(eval_str("date('2020-03-01T23:30:00+02:00')"), "2020-03-01");
        assert_eq!(eval("date('')"), Value::from(""));
        assert_eq!(eval("date('not a date')"), Value::from(""));
        assert_eq!(eval("date(0 div 0)"), Value::from(""));
        assert_eq!(eval("date('2021-02-29')"), Value::from(""));
        // Numbers are whole days whatever the device's offset.
        let far_east = Ctx::new().offset(14 * 60);
        assert_eq!(
            eval_with(&far_east, "string(date(18322.9))"),
            Value::from("2020-03-01")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn date_time_conversion() {
        assert_eq!(eval_str("date-time(0.5)"), "1970-01-01T12:00:00.000+00:00");
        assert_eq!(
            eval_str("date-time('2020-01-01')"),
            "2020-01-01T00:00:00.000+00:00"
        );
        let c = Ctx::new().offset(120);
        assert_eq!(
            eval_with(&c, "string(date-time('2020-01-01'))"),
            Value::from("2020-01-01T00:00:00.000+02:00")
        );
        assert_eq!(
            eval_str("date-time('2020-01-01T10:00:00.250-05:00')"),
            "2020-01-01T10:00:00.250-05:00"
        );
        assert_eq!(eval("date-time('x')"), Value::from(""));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn decimal_date_time() {
        assert_eq!(eval_num("decimal-date-time('1970-01-02T12:00:00Z')"), 1.5);
        assert_eq!(
            eval_num("decimal-date-time('2020-01-01T06:00:00.000+06:00')"),
            18_262.0
        );
        assert_eq!(eval_num("decimal-date-time(date('1970-01-11'))"), 10.0);
        assert_eq!(eval_num("decimal-date-time(now())"), 19_737.437_5);
        assert!(eval_num("decimal-date-time('')").is_nan());
        // Inverse of date() for whole days.
        assert_eq!(
            eval_str("date(decimal-date-time('2020-03-01'))"),
            "2020-03-01"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn decimal_time() {
        assert_eq!(eval_num("decimal-time('12:00:00.000')"), 0.5);
        assert_eq!(eval_num("decimal-time('18:00:00.000+00:00')"), 0.75);
        let c = Ctx::new().offset(120);
        assert_eq!(
            eval_with(&c, "decimal-time('14:00:00.000+02:00')"),
            Value::Number(14.0 / 24.0)
        );
        assert_eq!(
            eval_with(&c, "decimal-time('12:00:00Z')"),
            Value::Number(14.0 / 24.0)
        );
        assert_eq!(eval_num("decimal-time(now())"), 0.4375);
        assert!(eval_num("decimal-time('later')").is_nan());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn format_date() {
        assert_eq!(
            eval_str("format-date('2024-03-05', '%e %b %Y (%a)')"),
            "5 Mar 2024 (Tue)"
        );
        assert_eq!(
            eval_str("format-date('2024-03-05', '%d/%m/%y %n')"),
            "05/03/24 3"
        );
        assert_eq!(eval_str("format-date(today(), '%Y')"), "2024");
        assert_eq!(eval_str("format-date('', '%Y')"), "");
        assert_eq!(eval_str("format-date('garbage', '%Y')"), "");
        assert_eq!(eval_str("format-date(0, '%Y-%m-%d')"), "1970-01-01");
        let c = Ctx::new().with("d", Value::Date(days_from_civil(1999, 12, 31)));
        assert_eq!(
            eval_with(&c, "format-date(${d}, '%d.%m.%Y')"),
            Value::from("31.12.1999")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn format_date_time() {
        assert_eq!(
            eval_with(
                &Ctx::new().offset(120),
                "format-date-time('2024-01-15T07:05:09.045+02:00', '%Y-%m-%d %H:%M:%S.%3 %h')"
            ),
            Value::from("2024-01-15 07:05:09.045 7")
        );
        assert_eq!(eval_str("format-date-time(now(), '%H:%M')"), "10:30");
        assert_eq!(eval_str("format-date-time('2024-01-15', '%H:%M')"), "00:00");
        let c = Ctx::new().offset(-300);
        assert_eq!(
            eval_with(&c, "format-date-time(now(), '%e %b %H:%M')"),
            Value::from("15 Jan 05:30")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn format_date_shows_a_date_time_in_the_devices_zone() {
        // Written at +02:00, shown on a UTC device: two hours earlier.
        assert_eq!(
            eval_str("format-date-time('2024-01-15T07:05:00.000+02:00', '%Y-%m-%d %H:%M')"),
            "2024-01-15 05:05"
        );
        // The local date can change too.
        assert_eq!(
            eval_str("format-date('2024-01-15T01:00:00-05:00', '%Y-%m-%d')"),
            "2024-01-15"
        );
        assert_eq!(
            eval_str("format-date('2024-01-15T23:00:00-05:00', '%Y-%m-%d')"),
            "2024-01-16"
        );
        let east = Ctx::new().offset(180);
        assert_eq!(
            eval_with(&east, "format-date-time('2024-01-15T07:05:00Z', '%H:%M')"),
            Value::from("10:05")
        );
        // Without an offset it is already local.
        assert_eq!(
            eval_with(&east, "format-date-time('2024-01-15T07:05:00', '%H:%M')"),
            Value::from("07:05")
        );
        // At the offset in force at that instant: summer time in Chișinău
        // (+03:00) for a July time, seen in January.
        let c = chisinau_at("2024-01-15T10:30:00Z");
        assert_eq!(
            eval_with(&c, "format-date-time('2024-07-01T07:00:00Z', '%H:%M')"),
            Value::from("10:00")
        );
        assert_eq!(
            eval_with(&c, "format-date-time('2024-01-01T07:00:00Z', '%H:%M')"),
            Value::from("09:00")
        );
    }

    /// As JavaRosa: `DateUtils.parseTime` turns a written offset into the
    /// device's zone before the date is taken, so `date()` agrees with
    /// `format-date`.
    #[wasm_bindgen_test(unsupported = test)]
    fn date_of_a_date_time_is_its_date_in_the_devices_zone() {
        // 23:00 at -05:00 is 04:00 the next day in UTC.
        assert_eq!(eval_str("date('2024-01-15T23:00:00-05:00')"), "2024-01-16");
        assert_eq!(eval_str("date('2024-01-16T01:00:00+03:00')"), "2024-01-15");
        assert_eq!(
            eval_num("date('2024-01-15T23:00:00-05:00') - date('2024-01-16')"),
            0.0
        );
        let east = Ctx::new().offset(180);
        assert_eq!(
            eval_with(&east, "string(date('2024-01-15T22:30:00Z'))"),
            Value::from("2024-01-16")
        );
        // Without an offset it is already local: its own date.
        assert_eq!(
            eval_with(&east, "string(date('2024-01-15T23:30:00'))"),
            Value::from("2024-01-15")
        );
        let west = Ctx::new().offset(-300);
        assert_eq!(
            eval_with(&west, "string(date('2024-01-16T02:00:00+02:00'))"),
            Value::from("2024-01-15")
        );
        // The date agrees with format-date's at every offset.
        for offset in [-720, -300, 0, 180, 840] {
            let c = Ctx::new().offset(offset);
            for written in ["2024-01-15T23:00:00-05:00", "2024-01-15T00:30:00+14:00"] {
                assert_eq!(
                    eval_with(&c, &format!("string(date('{written}'))")),
                    eval_with(&c, &format!("format-date('{written}', '%Y-%m-%d')")),
                    "{written} at {offset}"
                );
            }
        }
        // At the offset in force at that instant: summer time (+03:00)
        // makes 21:30Z the next day; winter time (+02:00) needs 22:00Z.
        let c = chisinau_at("2024-01-15T10:30:00Z");
        assert_eq!(
            eval_with(&c, "string(date('2024-07-01T21:30:00Z'))"),
            Value::from("2024-07-02")
        );
        assert_eq!(
            eval_with(&c, "string(date('2024-01-01T22:30:00Z'))"),
            Value::from("2024-01-02")
        );
    }
}
