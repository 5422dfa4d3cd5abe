//! `fieldform expr` reads dates and times in the `TZ` time zone (else the
//! system's), with its daylight saving time, not always in UTC.

use std::process::Command;

fn expr_in(tz: &str, expression: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_fieldform"))
        .env("TZ", tz)
        .args(["expr", expression])
        .output()
        .expect("run fieldform");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn tz_sets_the_zone_of_local_times() {
    // Noon, local time, in Chișinău: 09:00 UTC in summer, 10:00 in winter.
    let summer = "decimal-date-time('2024-07-01T12:00:00') * 24 mod 24";
    let winter = "decimal-date-time('2024-01-15T12:00:00') * 24 mod 24";
    assert_eq!(expr_in("Europe/Chisinau", summer), "9 (number)\n");
    assert_eq!(expr_in("Europe/Chisinau", winter), "10 (number)\n");
    assert_eq!(expr_in("UTC", summer), "12 (number)\n");
    assert_eq!(expr_in("Asia/Kathmandu", winter), "6.25 (number)\n");
    // The local midnight of a date, around the autumn change.
    assert_eq!(
        expr_in("Europe/Chisinau", "string(date-time('2024-10-27'))"),
        "2024-10-27T00:00:00.000+03:00 (string)\n"
    );
    assert_eq!(
        expr_in("Europe/Chisinau", "string(date-time('2024-10-28'))"),
        "2024-10-28T00:00:00.000+02:00 (string)\n"
    );
}

#[test]
fn now_is_shown_at_the_zone_s_offset() {
    let offset = expr_in("Asia/Kathmandu", "substring(string(now()), 24)");
    assert_eq!(offset, "+05:45 (string)\n");
    let offset = expr_in("UTC", "substring(string(now()), 24)");
    assert_eq!(offset, "+00:00 (string)\n");
}

#[test]
fn time_zone_option_overrides_tz() {
    let out = Command::new(env!("CARGO_BIN_EXE_fieldform"))
        .env("TZ", "UTC")
        .args([
            "expr",
            "--time-zone",
            "Europe/Chisinau",
            "string(date-time('2024-07-01'))",
        ])
        .output()
        .expect("run fieldform");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2024-07-01T00:00:00.000+03:00 (string)\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_fieldform"))
        .args(["expr", "--time-zone", "Mars/Olympus", "today()"])
        .output()
        .expect("run fieldform");
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "fieldform: unknown time zone `Mars/Olympus`\n"
    );
}
