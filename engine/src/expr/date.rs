//! Civil-calendar arithmetic, ISO 8601 parsing/formatting and the
//! `format-date` patterns, hand-written to keep the wasm small (no chrono).
//!
//! Dates are days since 1970-01-01 in the proleptic Gregorian calendar;
//! date-times are milliseconds since the epoch (UTC) plus the UTC offset in
//! minutes they were recorded in, which is needed to print them back as ODK
//! does (`2024-01-15T12:30:00.000+02:00`).

use crate::env::{Environment, local_to_utc};

pub const MS_PER_DAY: i64 = 86_400_000;
const MS_PER_MINUTE: i64 = 60_000;

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day number.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both are small and positive by construction.
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// 0 = Sunday ... 6 = Saturday.
pub fn weekday(days: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    u32::try_from((days + 4).rem_euclid(7)).unwrap_or(0)
}

/// A date or a date-time read from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    Date(i64),
    DateTime { millis: i64, offset_minutes: i32 },
}

/// Parse `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH[:MM]]`.
///
/// A date-time without a zone is local time, i.e. `default_offset` minutes
/// from UTC (a fixed offset; [`parse_iso_in`] uses the device's zone, with
/// its daylight saving time). Like JavaRosa we accept unpadded month and
/// day (`2020-1-5`); we also accept a space instead of `T`.
pub fn parse_iso(s: &str, default_offset: i32) -> Option<Parsed> {
    Some(match parse_written(s)? {
        Written::Date(days) => Parsed::Date(days),
        Written::Zoned {
            millis,
            offset_minutes,
        } => Parsed::DateTime {
            millis,
            offset_minutes,
        },
        Written::Local(local) => Parsed::DateTime {
            millis: local - i64::from(default_offset) * MS_PER_MINUTE,
            offset_minutes: default_offset,
        },
    })
}

/// [`parse_iso`], with a zone-less date-time read as wall-clock time in
/// the environment's time zone (the offset in force at that time).
pub fn parse_iso_in(s: &str, env: &dyn Environment) -> Option<Parsed> {
    Some(match parse_written(s)? {
        Written::Date(days) => Parsed::Date(days),
        Written::Zoned {
            millis,
            offset_minutes,
        } => Parsed::DateTime {
            millis,
            offset_minutes,
        },
        Written::Local(local) => {
            let (millis, offset_minutes) = local_to_utc(env, local);
            Parsed::DateTime {
                millis,
                offset_minutes,
            }
        }
    })
}

/// A date or date-time as written, before any time zone is applied.
enum Written {
    Date(i64),
    Zoned {
        millis: i64,
        offset_minutes: i32,
    },
    /// Wall-clock milliseconds since 1970-01-01T00:00 with no zone.
    Local(i64),
}

fn parse_written(s: &str) -> Option<Written> {
    let s = s.trim();
    let (date_part, time_part) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let days = parse_date(date_part)?;
    let Some(time_part) = time_part else {
        return Some(Written::Date(days));
    };
    let (ms, offset) = parse_time(time_part)?;
    let local = days * MS_PER_DAY + ms;
    Some(match offset {
        Some(offset) => Written::Zoned {
            millis: local - i64::from(offset) * MS_PER_MINUTE,
            offset_minutes: offset,
        },
        None => Written::Local(local),
    })
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    // Years of up to 6 digits: beyond, milliseconds since the epoch would
    // overflow (and no survey asks about the year 1000000).
    if parts.next().is_some() || !(4..=6).contains(&y.len()) || m.len() > 2 || d.len() > 2 {
        return None;
    }
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    let year: i64 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// `HH:MM[:SS[.fff]][Z|±HH[:MM]]` to (milliseconds since midnight, offset).
pub fn parse_time(s: &str) -> Option<(i64, Option<i32>)> {
    let s = s.trim();
    let (clock, offset) = if let Some(rest) = s.strip_suffix('Z') {
        (rest, Some(0))
    } else if let Some(i) = s.rfind(['+', '-']) {
        (&s[..i], Some(parse_offset(&s[i..])?))
    } else {
        (s, None)
    };
    let mut parts = clock.split(':');
    let (h, m) = (parts.next()?, parts.next()?);
    let sec = parts.next();
    if parts.next().is_some() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    if !(all_digits(h) && all_digits(m)) {
        return None;
    }
    let hour: i64 = h.parse().ok()?;
    let minute: i64 = m.parse().ok()?;
    let (second, millis) = match sec {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            if whole.len() != 2 || !all_digits(whole) || !(frac.is_empty() || all_digits(frac)) {
                return None;
            }
            // Milliseconds: the first three fraction digits, right-padded.
            let ms: String = frac.chars().chain("000".chars()).take(3).collect();
            (whole.parse::<i64>().ok()?, ms.parse::<i64>().ok()?)
        }
    };
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some((((hour * 60 + minute) * 60 + second) * 1000 + millis, offset))
}

/// `+02:00`, `+0200`, `-05`.
fn parse_offset(s: &str) -> Option<i32> {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let digits: String = s[1..].chars().filter(|&c| c != ':').collect();
    if !all_digits(&digits) || !(digits.len() == 2 || digits.len() == 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if hours > 18 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 60 + minutes))
}

/// `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM:SS.mmm+HH:MM` in the value's own offset, as ODK writes
/// date-times (`Z` is not used, so every value has the same shape).
pub fn format_datetime(millis: i64, offset_minutes: i32) -> String {
    let f = Fields::from_millis(millis, offset_minutes);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let off = offset_minutes.unsigned_abs();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{sign}{:02}:{:02}",
        f.year,
        f.month,
        f.day,
        f.hour,
        f.minute,
        f.second,
        f.millis,
        off / 60,
        off % 60
    )
}

/// Broken-down local date and time, for formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
    /// 0 = Sunday.
    pub weekday: u32,
}

impl Fields {
    pub fn from_days(days: i64) -> Self {
        Self::from_local_millis(days * MS_PER_DAY)
    }

    pub fn from_millis(millis: i64, offset_minutes: i32) -> Self {
        Self::from_local_millis(millis + i64::from(offset_minutes) * MS_PER_MINUTE)
    }

    fn from_local_millis(local: i64) -> Self {
        let days = local.div_euclid(MS_PER_DAY);
        let ms = u32::try_from(local.rem_euclid(MS_PER_DAY)).unwrap_or(0);
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: ms / 3_600_000,
            minute: ms / 60_000 % 60,
            second: ms / 1000 % 60,
            millis: ms % 1000,
            weekday: weekday(days),
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Apply an ODK `format-date` / `format-date-time` pattern.
///
/// `%Y %y %m %n %b %d %e %H %h %M %S %3 %a` as in the ODK spec; `%%` is a
/// literal `%`. Month and day names are English (ODK uses the form's
/// locale). Unknown `%x` sequences are copied through (JavaRosa throws).
pub fn format_pattern(f: &Fields, pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(spec) = chars.next() else {
            out.push('%');
            break;
        };
        let month_index = usize::try_from(f.month.saturating_sub(1)).unwrap_or(0);
        let piece = match spec {
            'Y' => format!("{:04}", f.year),
            'y' => format!("{:02}", f.year.rem_euclid(100)),
            'm' => format!("{:02}", f.month),
            'n' => f.month.to_string(),
            'b' => MONTHS.get(month_index).copied().unwrap_or("").to_owned(),
            'd' => format!("{:02}", f.day),
            'e' => f.day.to_string(),
            'H' => format!("{:02}", f.hour),
            'h' => f.hour.to_string(),
            'M' => format!("{:02}", f.minute),
            'S' => format!("{:02}", f.second),
            '3' => format!("{:03}", f.millis),
            'a' => DAYS
                .get(usize::try_from(f.weekday).unwrap_or(0))
                .copied()
                .unwrap_or("")
                .to_owned(),
            '%' => "%".to_owned(),
            other => format!("%{other}"),
        };
        out.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            civil_from_days(days_from_civil(2020, 2, 29) + 1),
            (2020, 3, 1)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn weekdays() {
        assert_eq!(weekday(0), 4); // Thursday
        assert_eq!(weekday(days_from_civil(2024, 1, 15)), 1); // Monday
        assert_eq!(weekday(-1), 3);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn parse_dates() {
        assert_eq!(
            parse_iso("2020-02-29", 0),
            Some(Parsed::Date(days_from_civil(2020, 2, 29)))
        );
        assert_eq!(parse_iso("2021-02-29", 0), None);
        assert_eq!(parse_iso("2020-13-01", 0), None);
        assert_eq!(
            parse_iso("2020-1-5", 0),
            Some(Parsed::Date(days_from_civil(2020, 1, 5)))
        );
        assert_eq!(parse_iso("20-01-05", 0), None);
        assert_eq!(parse_iso("hello", 0), None);
        assert_eq!(parse_iso("", 0), None);
        assert_eq!(parse_iso("2020-01-01-01", 0), None);
        // Huge years are refused rather than overflowing.
        assert_eq!(
            parse_iso("999999-12-31T23:59", 0),
            Some(Parsed::DateTime {
                millis: days_from_civil(999_999, 12, 31) * MS_PER_DAY + 86_340_000,
                offset_minutes: 0
            })
        );
        assert_eq!(parse_iso("1000000-01-01", 0), None);
        assert_eq!(parse_iso("999999999999999999-01-01T10:00", 0), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn parse_datetimes() {
        let base = days_from_civil(2024, 1, 15) * MS_PER_DAY;
        assert_eq!(
            parse_iso("2024-01-15T10:30:00.000Z", 120),
            Some(Parsed::DateTime {
                millis: base + 37_800_000,
                offset_minutes: 0
            })
        );
        assert_eq!(
            parse_iso("2024-01-15T12:30:00.5+02:00", 0),
            Some(Parsed::DateTime {
                millis: base + 37_800_500,
                offset_minutes: 120
            })
        );
        assert_eq!(
            parse_iso("2024-01-15T05:30-0500", 0),
            Some(Parsed::DateTime {
                millis: base + 37_800_000,
                offset_minutes: -300
            })
        );
        // No zone: local time at the default offset.
        assert_eq!(
            parse_iso("2024-01-15T12:30", 120),
            Some(Parsed::DateTime {
                millis: base + 37_800_000,
                offset_minutes: 120
            })
        );
        assert_eq!(parse_iso("2024-01-15T25:00", 0), None);
        assert_eq!(parse_iso("2024-01-15T10:30+99:00", 0), None);
        assert_eq!(parse_iso("2024-01-15Tnoon", 0), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn format_iso() {
        assert_eq!(format_date(days_from_civil(2020, 3, 1)), "2020-03-01");
        let ms = days_from_civil(2024, 1, 15) * MS_PER_DAY + 37_800_123;
        assert_eq!(format_datetime(ms, 120), "2024-01-15T12:30:00.123+02:00");
        assert_eq!(format_datetime(ms, -330), "2024-01-15T05:00:00.123-05:30");
        assert_eq!(format_datetime(ms, 0), "2024-01-15T10:30:00.123+00:00");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn patterns() {
        let ms = days_from_civil(2024, 3, 5) * MS_PER_DAY + ((7 * 60 + 8) * 60 + 9) * 1000 + 45;
        let f = Fields::from_millis(ms, 0);
        assert_eq!(
            format_pattern(&f, "%Y|%y|%m|%n|%b|%d|%e|%a"),
            "2024|24|03|3|Mar|05|5|Tue"
        );
        assert_eq!(format_pattern(&f, "%H|%h|%M|%S|%3"), "07|7|08|09|045");
        assert_eq!(format_pattern(&f, "100%% %q %"), "100% %q %");
        assert_eq!(
            format_pattern(&Fields::from_days(-1), "%e %b %Y"),
            "31 Dec 1969"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn time_of_day() {
        assert_eq!(parse_time("12:00"), Some((43_200_000, None)));
        assert_eq!(
            parse_time("18:00:00.000+02:00"),
            Some((64_800_000, Some(120)))
        );
        assert_eq!(parse_time("7:5"), None);
    }
}
