//! Validation times: Unix seconds or RFC 3339 timestamps, and back.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time in seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Parses `--at`: decimal Unix seconds, or an RFC 3339 date-time such as
/// `2026-11-28T13:00:00Z` or `2026-11-28T14:00:00+01:00` (fractions of a
/// second are dropped).
pub fn parse(text: &str) -> Result<u64, String> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map_err(|_| "Unix seconds out of range".to_owned());
    }
    rfc3339(text).ok_or_else(|| {
        "expected Unix seconds or an RFC 3339 time such as 2026-11-28T13:00:00Z".to_owned()
    })
}

fn rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = b.get(19..)?;
    if let Some((b'.', after)) = rest.split_first() {
        let digits = after.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = after.get(digits..)?;
    }
    let offset = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    u64::try_from(seconds).ok()
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `seconds` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX / 2);
    let rem = seconds % 86_400;
    // Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, expected Unix seconds)
    const CASES: &[(&str, Option<u64>)] = &[
        ("1795870800", Some(1_795_870_800)),
        ("0", Some(0)),
        ("2026-11-28T13:00:00Z", Some(1_795_870_800)),
        ("2026-11-28t13:00:00z", Some(1_795_870_800)),
        ("2026-11-28 13:00:00Z", Some(1_795_870_800)),
        ("2026-11-28T14:00:00+01:00", Some(1_795_870_800)),
        ("2026-11-28T08:30:00-04:30", Some(1_795_870_800)),
        ("2026-11-28T13:00:00.999Z", Some(1_795_870_800)),
        ("1970-01-01T00:00:00Z", Some(0)),
        ("2025-01-01T00:00:00Z", Some(1_735_689_600)),
        ("2035-01-01T00:00:00Z", Some(2_051_222_400)),
        ("2024-02-29T00:00:00Z", Some(1_709_164_800)),
        ("2025-02-29T00:00:00Z", None),
        ("2026-13-01T00:00:00Z", None),
        ("2026-11-28T24:00:00Z", None),
        ("2026-11-28T13:00:00", None),
        ("2026-11-28T13:00:00.Z", None),
        ("2026-11-28T13:00Z", None),
        ("2026-11-28", None),
        ("1969-12-31T23:59:59Z", None),
        ("-5", None),
        ("", None),
        ("99999999999999999999999", None),
    ];

    #[test]
    fn parses_unix_seconds_and_rfc_3339() {
        for (text, expected) in CASES {
            assert_eq!(parse(text).ok(), *expected, "{text:?}");
        }
    }

    #[test]
    fn format_round_trips() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "2026-11-28T13:00:00Z",
            "2035-01-01T00:00:00Z",
            "2099-12-31T23:59:59Z",
        ] {
            let seconds = parse(text).unwrap();
            assert_eq!(format(seconds), text);
        }
    }
}
