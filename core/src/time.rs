//! Time: the civil calendar every date in mxtrust goes through.
//!
//! Checks take the validation time as an input (seconds since the Unix
//! epoch); certificates carry dates (RFC 5280 §4.1.2.5) and people type
//! them (RFC 3339). [`DateTime`] is the one conversion between the two, in
//! the proleptic Gregorian calendar, UTC, to the second, for the years 0
//! to 9999 that both formats can write. [`UnixTime`] (from
//! rustls-pki-types) is re-exported for callers that hold one, as a rustls
//! verifier does.

use core::fmt;

pub use rustls_pki_types::UnixTime;

/// A UTC date and time, to the second; valid by construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

/// Seconds in a day.
const DAY: i64 = 86_400;
/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds.
const MIN_UNIX: i64 = -62_167_219_200;
const MAX_UNIX: i64 = 253_402_300_799;

impl DateTime {
    /// A date and time, if it exists: year 0 to 9999, month 1 to 12, a day
    /// of that month, hour 0 to 23, minute and second 0 to 59.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::time::DateTime;
    /// let t = DateTime::new(2026, 11, 28, 13, 0, 0).unwrap();
    /// assert_eq!(t.unix_seconds(), 1_795_870_800);
    /// assert!(DateTime::new(2025, 2, 29, 0, 0, 0).is_none());
    /// ```
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let valid = year <= 9999
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour <= 23
            && minute <= 59
            && second <= 59;
        valid.then_some(Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// The date and time `seconds` after the Unix epoch (negative: before
    /// it), or `None` outside the years 0 to 9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        if !(MIN_UNIX..=MAX_UNIX).contains(&seconds) {
            return None;
        }
        let days = seconds.div_euclid(DAY);
        let rem = seconds.rem_euclid(DAY);
        let (year, month, day) = civil_from_days(days)?;
        Self::new(
            year,
            month,
            day,
            u8::try_from(rem.checked_div(3600)?).ok()?,
            u8::try_from(rem.checked_rem(3600)?.checked_div(60)?).ok()?,
            u8::try_from(rem.checked_rem(60)?).ok()?,
        )
    }

    /// Seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let within = i64::from(self.hour)
            .saturating_mul(3600)
            .saturating_add(i64::from(self.minute).saturating_mul(60))
            .saturating_add(i64::from(self.second));
        days.saturating_mul(DAY).saturating_add(within)
    }

    /// As a [`UnixTime`], or `None` before 1970.
    pub fn unix_time(&self) -> Option<UnixTime> {
        let seconds = u64::try_from(self.unix_seconds()).ok()?;
        Some(UnixTime::since_unix_epoch(core::time::Duration::from_secs(
            seconds,
        )))
    }

    /// Parses an RFC 3339 `date-time` (§5.6): `2026-11-28T13:00:00Z`,
    /// `2026-11-28T14:00:00+01:00`; `t`, `z` and a space for `T` are
    /// accepted (§5.6 NOTE), fractions of a second are dropped, and a leap
    /// second (`:60`) counts as the last second of its minute.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::time::DateTime;
    /// let t = DateTime::parse_rfc3339("2026-11-28T14:00:00+01:00").unwrap();
    /// assert_eq!(t.to_string(), "2026-11-28T13:00:00Z");
    /// ```
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
            return None;
        }
        let year = u16::try_from(digits(b.get(0..4)?)?).ok()?;
        let field = |range: core::ops::Range<usize>| -> Option<u8> {
            u8::try_from(digits(b.get(range)?)?).ok()
        };
        let (month, day) = (field(5..7)?, field(8..10)?);
        let (hour, minute, second) = (field(11..13)?, field(14..16)?, field(17..19)?);
        let local = Self::new(year, month, day, hour, minute, second.min(59))?;
        if second > 60 {
            return None;
        }
        let mut rest = b.get(19..)?;
        if let Some((b'.', after)) = rest.split_first() {
            let n = after.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = after.get(n..)?;
        }
        let offset_minutes: i64 = match rest {
            b"Z" | b"z" => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let h = digits(&[*h1, *h2])?;
                let m = digits(&[*m1, *m2])?;
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = h.checked_mul(60)?.checked_add(m)?;
                if *sign == b'+' {
                    minutes
                } else {
                    minutes.checked_neg()?
                }
            }
            _ => return None,
        };
        let utc = local
            .unix_seconds()
            .checked_sub(offset_minutes.checked_mul(60)?)?;
        Self::from_unix_seconds(utc)
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }
}

/// RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SSZ`.
impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Seconds since the Unix epoch as a [`UnixTime`].
pub fn unix_time(seconds: u64) -> UnixTime {
    UnixTime::since_unix_epoch(core::time::Duration::from_secs(seconds))
}

/// A decimal number of 1 to 4 digits, nothing else: RFC 3339 fields here,
/// and the fixed-width fields of a certificate time (`cert`).
pub(crate) fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    s.iter().try_fold(0i64, |acc, &b| {
        let d = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(i64::from(d))
    })
}

fn is_leap(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`); exact for years 0 to 9999, which bound every term.
#[allow(clippy::arithmetic_side_effects)]
fn days_from_civil(year: u16, month: u8, day: u8) -> i64 {
    let (year, month, day) = (i64::from(year), i64::from(month), i64::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (Hinnant's `civil_from_days`), for
/// the days of the years 0 to 9999.
#[allow(clippy::arithmetic_side_effects)]
fn civil_from_days(days: i64) -> Option<(u16, u8, u8)> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some((
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (RFC 3339 input, Unix seconds)
    const CASES: &[(&str, Option<i64>)] = &[
        ("2026-11-28T13:00:00Z", Some(1_795_870_800)),
        ("2026-11-28t13:00:00z", Some(1_795_870_800)),
        ("2026-11-28 13:00:00Z", Some(1_795_870_800)),
        ("2026-11-28T14:00:00+01:00", Some(1_795_870_800)),
        ("2026-11-28T08:30:00-04:30", Some(1_795_870_800)),
        ("2026-11-28T13:00:00.999Z", Some(1_795_870_800)),
        ("2016-12-31T23:59:60Z", Some(1_483_228_799)),
        ("1970-01-01T00:00:00Z", Some(0)),
        ("1969-12-31T23:59:59Z", Some(-1)),
        ("0000-01-01T00:00:00Z", Some(MIN_UNIX)),
        ("9999-12-31T23:59:59Z", Some(MAX_UNIX)),
        ("9999-12-31T23:59:59-00:01", None),
        ("2024-02-29T00:00:00Z", Some(1_709_164_800)),
        ("2000-02-29T00:00:00Z", Some(951_782_400)),
        ("1900-02-29T00:00:00Z", None),
        ("2025-02-29T00:00:00Z", None),
        ("2026-13-01T00:00:00Z", None),
        ("2026-11-28T24:00:00Z", None),
        ("2026-11-28T13:00:61Z", None),
        ("2026-11-28T13:00:00+24:00", None),
        ("2026-11-28T13:00:00", None),
        ("2026-11-28T13:00:00.Z", None),
        ("2026-11-28T13:00Z", None),
        ("2026-11-28", None),
        ("+026-11-28T13:00:00Z", None),
        ("", None),
    ];

    #[test]
    fn rfc_3339() {
        for (text, expected) in CASES {
            assert_eq!(
                DateTime::parse_rfc3339(text).map(|t| t.unix_seconds()),
                *expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn unix_seconds_round_trip_every_day_boundary() {
        // Every 86399th second over the whole range: days, months, leap
        // years and centuries, both ways.
        let mut seconds = MIN_UNIX;
        while seconds <= MAX_UNIX {
            let t = DateTime::from_unix_seconds(seconds).unwrap();
            assert_eq!(t.unix_seconds(), seconds);
            let text = std::format!("{t}");
            assert_eq!(DateTime::parse_rfc3339(&text), Some(t), "{text}");
            seconds += 86_399 * 97;
        }
        assert_eq!(DateTime::from_unix_seconds(MIN_UNIX - 1), None);
        assert_eq!(DateTime::from_unix_seconds(MAX_UNIX + 1), None);
        assert_eq!(DateTime::from_unix_seconds(i64::MIN), None);
    }

    #[test]
    fn unix_time() {
        let t = DateTime::new(2026, 11, 28, 13, 0, 0).unwrap();
        assert_eq!(t.unix_time().map(|u| u.as_secs()), Some(1_795_870_800));
        assert_eq!(
            DateTime::new(1969, 12, 31, 0, 0, 0).unwrap().unix_time(),
            None
        );
        assert_eq!(super::unix_time(5).as_secs(), 5);
    }
}
