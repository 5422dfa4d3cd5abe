//! Values and the ODK/XPath coercion rules.
//!
//! Conversions follow XPath 1.0 as amended by the ODK XForms spec and as
//! implemented by JavaRosa (ODK Collect), except where noted in the module
//! docs of [`super`].

use std::fmt;

use super::date::{self, MS_PER_DAY, Parsed};
use crate::env::Environment;

/// The result of evaluating an expression, and what an [`super::EvalContext`]
/// hands out for fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text; also every unanswered field (`""`).
    String(String),
    Number(f64),
    Bool(bool),
    /// A calendar date: days since 1970-01-01.
    Date(i64),
    /// An instant (milliseconds since the epoch, UTC) and the UTC offset in
    /// minutes it is to be shown in.
    DateTime {
        millis: i64,
        offset_minutes: i32,
    },
    /// The values of a field in every instance of a repeat, as seen from
    /// outside that repeat (or of a repeat itself: one entry per instance).
    Nodeset(Vec<Value>),
}

impl Default for Value {
    fn default() -> Self {
        Value::empty()
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl Value {
    /// The empty string: an unanswered field, a failed conversion.
    pub fn empty() -> Self {
        Value::String(String::new())
    }

    /// "Empty" as `coalesce` and `once` understand it: an empty string, NaN,
    /// or a node-set all of whose members are empty (JavaRosa's `isNull`).
    pub fn is_empty(&self) -> bool {
        match self {
            Value::String(s) => s.is_empty(),
            Value::Number(n) => n.is_nan(),
            Value::Bool(_) | Value::Date(_) | Value::DateTime { .. } => false,
            Value::Nodeset(items) => items.iter().all(Value::is_empty),
        }
    }

    /// XPath `boolean()`: non-empty string, non-zero non-NaN number,
    /// non-empty node-set; dates are always true.
    pub fn as_bool(&self) -> bool {
        match self {
            Value::String(s) => !s.is_empty(),
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Bool(b) => *b,
            Value::Date(_) | Value::DateTime { .. } => true,
            Value::Nodeset(items) => !items.is_empty(),
        }
    }

    /// XPath `number()`. Strings must be an optionally signed decimal
    /// (`-12.5`, `.5`) with optional surrounding whitespace, anything else
    /// (including `""`, `1e3`, `+1`) is NaN. Dates count days since the
    /// epoch; date-times count fractional days (UTC). A node-set converts
    /// its first member (NaN when empty).
    pub fn as_number(&self) -> f64 {
        match self {
            Value::String(s) => parse_number(s),
            Value::Number(n) => *n,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Date(days) => *days as f64,
            Value::DateTime { millis, .. } => *millis as f64 / MS_PER_DAY as f64,
            Value::Nodeset(items) => items.first().map_or(f64::NAN, Value::as_number),
        }
    }

    /// XPath `string()`: see [`format_number`] for numbers; dates as
    /// `YYYY-MM-DD`, date-times as ISO 8601 with milliseconds and offset;
    /// a node-set gives its first member (`""` when empty).
    pub fn as_string(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Number(n) => format_number(*n),
            Value::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
            Value::Date(days) => date::format_date(*days),
            Value::DateTime {
                millis,
                offset_minutes,
            } => date::format_datetime(*millis, *offset_minutes),
            Value::Nodeset(items) => items.first().map(Value::as_string).unwrap_or_default(),
        }
    }

    /// Read the value as a date or date-time, for date functions and date
    /// comparisons: dates and date-times as they are, ISO strings parsed
    /// (zone-less date-times as wall-clock time in `env`'s time zone),
    /// numbers as days since the epoch (the fraction being the time of day,
    /// UTC, shown at the device's offset then). `None` for anything else,
    /// including `""` and NaN.
    pub(crate) fn as_date_like(&self, env: &dyn Environment) -> Option<Parsed> {
        match self {
            Value::Date(d) => Some(Parsed::Date(*d)),
            Value::DateTime {
                millis,
                offset_minutes,
            } => Some(Parsed::DateTime {
                millis: *millis,
                offset_minutes: *offset_minutes,
            }),
            Value::String(s) => date::parse_iso_in(s, env),
            Value::Number(n) if n.is_finite() && n.abs() < 1e8 => {
                if n.fract() == 0.0 {
                    Some(Parsed::Date(*n as i64))
                } else {
                    let millis = (n * MS_PER_DAY as f64).round() as i64;
                    Some(Parsed::DateTime {
                        millis,
                        offset_minutes: env.utc_offset_minutes_at(millis),
                    })
                }
            }
            Value::Nodeset(items) => items.first()?.as_date_like(env),
            Value::Number(_) | Value::Bool(_) => None,
        }
    }

    /// Structural identity, for "did this field's value change?" checks:
    /// unlike `==`, NaN is identical to NaN (so an always-NaN calculation
    /// does not look changed on every pass), and `Number(1)` is not
    /// identical to `String("1")`.
    pub fn is_identical(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::Nodeset(a), Value::Nodeset(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.is_identical(y))
            }
            _ => self == other,
        }
    }

    pub(crate) fn is_date_like(&self) -> bool {
        matches!(self, Value::Date(_) | Value::DateTime { .. })
    }
}

impl From<Parsed> for Value {
    fn from(p: Parsed) -> Self {
        match p {
            Parsed::Date(d) => Value::Date(d),
            Parsed::DateTime {
                millis,
                offset_minutes,
            } => Value::DateTime {
                millis,
                offset_minutes,
            },
        }
    }
}

/// XPath 1.0 `number()` of a string (no exponents, no `+`, no `Infinity`).
pub fn parse_number(s: &str) -> f64 {
    // An unanswered field, the most common text of all: no trim.
    if s.is_empty() {
        return f64::NAN;
    }
    whole_number(s).unwrap_or_else(|| any_number(s))
}

/// `parse_number` of any text: trimmed, then checked and parsed as a float.
fn any_number(s: &str) -> f64 {
    let t = s.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    if valid {
        t.parse().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// `parse_number` of a plain whole number (`42`, `-7`: ASCII digits, up to
/// 15 of them, so the value is exact), without its Unicode trim and float
/// parser: most stored numbers are this, and every edit reads some (in
/// wasm the general path costs a sixth of a top-level edit). `None` for
/// anything else.
fn whole_number(text: &str) -> Option<f64> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut n: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    let n = n as f64;
    Some(if negative { -n } else { n })
}

/// XPath `string()` of a number: integers without `.0`, `NaN`, `Infinity`,
/// `-Infinity`, never an exponent. Like JavaRosa, values within 1e-12 of an
/// integer print as that integer, so `0.1 * 30` shows `3`, not
/// `3.0000000000000004`.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let rounded = n.round();
    if (n - rounded).abs() < 1e-12 && rounded.abs() < 1e15 {
        // Exact in an i64 below 1e15; integer printing skips the float
        // formatter (a hot path: every numeric calculation ends here), and
        // -0 prints as 0.
        return (rounded as i64).to_string();
    }
    format!("{n}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// The fast path gives what `parse_number` gives, and leaves the rest to it.
    #[wasm_bindgen_test(unsupported = test)]
    fn whole_numbers_parse_as_parse_number_parses_them() {
        for text in [
            "0",
            "7",
            "-7",
            "007",
            "-0",
            "42",
            "999999999999999",
            "123456789012345",
        ] {
            let fast = whole_number(text).expect(text);
            let slow = any_number(text);
            assert_eq!(fast.to_bits(), slow.to_bits(), "{text}");
        }
        for text in [
            "",
            "-",
            "1.5",
            " 7",
            "7 ",
            "+7",
            "1e3",
            "--1",
            "1234567890123456",
            "٣",
            "12a",
        ] {
            assert_eq!(whole_number(text), None, "{text}");
        }
        // The empty text's shortcut.
        assert_eq!(parse_number("").to_bits(), any_number("").to_bits());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn whole_numbers_print_as_the_float_formatter_prints_them() {
        let mut n = 1.0_f64;
        while n < 1e15 {
            for v in [n, -n, n - 1.0, n + 1.0, n * 7.0] {
                if v.abs() < 1e15 {
                    assert_eq!(format_number(v), format!("{}", v + 0.0), "{v}");
                }
            }
            n *= 3.0;
        }
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(999_999_999_999_999.0), "999999999999999");
        assert_eq!(format_number(1e15), "1000000000000000");
        assert_eq!(format_number(2.5), "2.5");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn numbers_from_strings() {
        assert_eq!(parse_number("12"), 12.0);
        assert_eq!(parse_number(" -3.5 "), -3.5);
        assert_eq!(parse_number(".5"), 0.5);
        assert_eq!(parse_number("5."), 5.0);
        for bad in [
            "", " ", "-", ".", "abc", "1e3", "+1", "1.2.3", "Infinity", "1,5", "0x10",
        ] {
            assert!(parse_number(bad).is_nan(), "{bad:?} should be NaN");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn number_formatting() {
        assert_eq!(format_number(1.0), "1");
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(f64::NAN), "NaN");
        assert_eq!(format_number(f64::INFINITY), "Infinity");
        assert_eq!(format_number(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(format_number(0.1 * 30.0), "3");
        assert_eq!(format_number(1e20), "100000000000000000000");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_number(-2.25), "-2.25");
        assert_eq!(format_number(1e-7), "0.0000001");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn conversions() {
        assert!(Value::from("x").as_bool());
        assert!(!Value::empty().as_bool());
        assert!(!Value::from(f64::NAN).as_bool());
        assert!(!Value::from(0.0).as_bool());
        assert!(Value::from(-1.0).as_bool());
        assert!(!Value::Nodeset(vec![]).as_bool());
        assert!(Value::Nodeset(vec![Value::empty()]).as_bool());
        assert!(Value::Date(0).as_bool());

        assert_eq!(Value::Bool(true).as_number(), 1.0);
        assert_eq!(Value::Bool(false).as_string(), "false");
        assert_eq!(Value::Date(18_322).as_string(), "2020-03-01");
        assert_eq!(Value::Date(18_322).as_number(), 18_322.0);
        assert_eq!(
            Value::DateTime {
                millis: MS_PER_DAY / 2,
                offset_minutes: 60
            }
            .as_number(),
            0.5
        );
        assert_eq!(
            Value::DateTime {
                millis: 0,
                offset_minutes: 60
            }
            .as_string(),
            "1970-01-01T01:00:00.000+01:00"
        );
        let ns = Value::Nodeset(vec![Value::from("4"), Value::from("5")]);
        assert_eq!(ns.as_number(), 4.0);
        assert_eq!(ns.as_string(), "4");
        assert!(Value::Nodeset(vec![]).as_number().is_nan());
        assert_eq!(Value::Nodeset(vec![]).as_string(), "");
        assert_eq!(Value::from(2.5).to_string(), "2.5");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn identity() {
        let nan = Value::Number(f64::NAN);
        assert_ne!(nan, nan.clone());
        assert!(nan.is_identical(&nan.clone()));
        assert!(!Value::from(1.0).is_identical(&Value::from("1")));
        assert!(Value::Nodeset(vec![nan.clone()]).is_identical(&Value::Nodeset(vec![nan])));
        assert!(!Value::Nodeset(vec![]).is_identical(&Value::Nodeset(vec![Value::empty()])));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn emptiness() {
        assert!(Value::empty().is_empty());
        assert!(Value::from(f64::NAN).is_empty());
        assert!(!Value::from(0.0).is_empty());
        assert!(Value::Nodeset(vec![Value::empty()]).is_empty());
        assert!(!Value::Bool(false).is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn date_like() {
        let utc = FixedEnvironment::default();
        assert_eq!(
            Value::from("2020-01-02").as_date_like(&utc),
            Some(Parsed::Date(18_263))
        );
        assert_eq!(
            Value::from(18_263.0).as_date_like(&utc),
            Some(Parsed::Date(18_263))
        );
        assert_eq!(
            Value::from(0.5).as_date_like(&utc),
            Some(Parsed::DateTime {
                millis: MS_PER_DAY / 2,
                offset_minutes: 0
            })
        );
        assert_eq!(Value::empty().as_date_like(&utc), None);
        assert_eq!(Value::from(f64::NAN).as_date_like(&utc), None);
        assert_eq!(Value::from("soon").as_date_like(&utc), None);
        // Zone-less date-times are local time, summer or winter.
        let chisinau = FixedEnvironment::chisinau(0);
        let noon = |y, m, d| date::days_from_civil(y, m, d) * MS_PER_DAY + MS_PER_DAY / 2;
        assert_eq!(
            Value::from("2024-07-01T12:00").as_date_like(&chisinau),
            Some(Parsed::DateTime {
                millis: noon(2024, 7, 1) - 3 * 3_600_000,
                offset_minutes: 180
            })
        );
        assert_eq!(
            Value::from("2024-01-01 12:00").as_date_like(&chisinau),
            Some(Parsed::DateTime {
                millis: noon(2024, 1, 1) - 2 * 3_600_000,
                offset_minutes: 120
            })
        );
    }
}
