//! Validation times: Unix seconds or RFC 3339 timestamps, and back.

use std::time::{SystemTime, UNIX_EPOCH};

use mxtrust::time::DateTime;

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
    let t = DateTime::parse_rfc3339(text)?;
    u64::try_from(t.unix_seconds()).ok()
}

/// `seconds` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (core's
/// calendar), or the number itself past the year 9999.
pub fn format(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(DateTime::from_unix_seconds)
        .map_or_else(|| seconds.to_string(), |t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, expected Unix seconds). The RFC 3339 grammar itself is
    /// core's (`mxtrust::time`), tested there; these rows are what this
    /// parser adds: plain Unix seconds, and no time before 1970.
    const CASES: &[(&str, Option<u64>)] = &[
        ("1795870800", Some(1_795_870_800)),
        ("0", Some(0)),
        ("2026-11-28T14:00:00+01:00", Some(1_795_870_800)),
        ("1970-01-01T00:00:00Z", Some(0)),
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
