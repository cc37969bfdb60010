//! Which hosts an MX lookup yields, in the order to try them (RFC 5321 §5.1),
//! with the null MX of RFC 7505.
//!
//! The resolver is the caller's; [`hosts`] takes its answer for the
//! recipient domain and writes the mail exchangers to try into caller
//! storage, or says why there are none:
//!
//! | answer | [`Route`] | RFC |
//! |---|---|---|
//! | MX records naming hosts | [`Route::Hosts`], lowest preference first | RFC 5321 §5.1 |
//! | the single record `0 .` | [`Route::NullMx`]: no mail, a permanent failure | RFC 7505 §3, §4.1 |
//! | NOERROR, no MX records (NODATA) | [`Route::ImplicitMx`]: the domain itself | RFC 5321 §5.1 |
//! | NXDOMAIN | [`Route::NoSuchDomain`]: "MUST be reported as an error" | RFC 5321 §5.1 |
//! | MX records, none naming a usable host | [`Route::NoUsableMx`] | RFC 5321 §5.1 |
//!
//! A temporary DNS failure (SERVFAIL, a timeout) is none of these: RFC 5321
//! §5.1 says "the message MUST be queued and retried later", so the caller
//! never applies the implicit MX then. Whether the MX RRset and the hosts'
//! address records are DNSSEC-secure is a separate question
//! ([`crate::decision`], [`crate::base_domain`]).
//!
//! A null MX mixed with other MX records breaks RFC 7505 §3 ("A domain that
//! advertises a null MX MUST NOT advertise any other MX RR"). RFC 7505 gives
//! the sender no separate rule for it; its exchange `.` names no host, so it
//! is skipped like any record that names no host, the other hosts are tried
//! (RFC 5321 §5.1), and [`Route::Hosts`] says `null_mx_mixed` so that a
//! checker can show the publisher's mistake.

use crate::limits::MAX_MX_HOSTS;
use crate::name::is_valid_reference;
use core::fmt;

/// One MX record: its preference and its exchange (RFC 1035 §3.3.9), as the
/// resolver returned them. The exchange may end in one dot; `.` (or an
/// empty name) is the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mx<'a> {
    /// PREFERENCE: lower values are tried first.
    pub preference: u16,
    /// EXCHANGE: the host name of the mail exchanger.
    pub exchange: &'a str,
}

impl Mx<'_> {
    /// A placeholder for storage arrays.
    pub const EMPTY: Mx<'static> = Mx {
        preference: 0,
        exchange: "",
    };

    /// Whether this is the null MX record of RFC 7505 §3: preference 0 and
    /// the root as exchange.
    pub fn is_null_mx(&self) -> bool {
        self.preference == 0 && is_root(self.exchange)
    }
}

/// The resolver's answer to the MX query for the recipient domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MxAnswer<'r, 'a> {
    /// NOERROR with these MX records. An empty list means the same as
    /// [`MxAnswer::NoData`].
    Records(&'r [Mx<'a>]),
    /// NOERROR without MX records: the name exists (NODATA).
    NoData,
    /// NXDOMAIN: the name does not exist.
    NxDomain,
}

/// How to order hosts of equal preference. RFC 5321 §5.1: "If there are
/// multiple destinations with the same preference and there is no clear
/// reason to favor one ..., then the sender-SMTP MUST randomize them to
/// spread the load across multiple mail exchangers".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// Keep the resolver's order (stable): for checkers and tests, or when
    /// the caller has its own reason to favour one host.
    AsGiven,
    /// Shuffle each group of equal preference with a generator seeded by
    /// `seed`. The core has no randomness: a sending MTA passes a fresh
    /// random seed per delivery; the same seed always gives the same order.
    Shuffled {
        /// The generator's seed.
        seed: u64,
    },
}

/// Where mail for the domain goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// Try the hosts written to the first `count` slots of the storage, in
    /// that order (RFC 5321 §5.1: "MUST be sorted by preference").
    Hosts {
        /// How many hosts were written (never 0).
        count: usize,
        /// How many records named no usable host (not a DNS name, or the
        /// root) and were skipped. Duplicates are merged, not counted.
        ignored: usize,
        /// Whether one of the skipped records was a null MX, which RFC 7505
        /// §3 forbids next to other MX records.
        null_mx_mixed: bool,
    },
    /// No MX records at an existing name: the domain is its own mail
    /// exchanger, "an implicit MX RR, with a preference of 0" (RFC 5321
    /// §5.1), written to the first slot of the storage.
    ImplicitMx,
    /// The null MX (RFC 7505 §3): the domain accepts no mail. RFC 7505
    /// §4.1: senders "MUST NOT attempt delivery"; a permanent failure.
    NullMx,
    /// NXDOMAIN: RFC 5321 §5.1, "this situation MUST be reported as an
    /// error"; the implicit MX never applies.
    NoSuchDomain,
    /// MX records exist but none names a usable host: RFC 5321 §5.1, "If MX
    /// records are present, but none of them are usable, ... this situation
    /// MUST be reported as an error".
    NoUsableMx {
        /// How many records were skipped.
        ignored: usize,
    },
}

impl Route {
    /// A stable kebab-case code for machine-readable output; never changes
    /// once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Hosts { .. } => "hosts",
            Self::ImplicitMx => "implicit-mx",
            Self::NullMx => "null-mx",
            Self::NoSuchDomain => "no-such-domain",
            Self::NoUsableMx { .. } => "no-usable-mx",
        }
    }

    /// A short description.
    pub const fn description(&self) -> &'static str {
        match self {
            Self::Hosts { .. } => "deliver to the MX hosts in order (RFC 5321 5.1)",
            Self::ImplicitMx => "no MX records: the domain is its own mail host (RFC 5321 5.1)",
            Self::NullMx => "null MX: the domain accepts no mail (RFC 7505)",
            Self::NoSuchDomain => "the domain does not exist (NXDOMAIN)",
            Self::NoUsableMx { .. } => "no MX record names a usable host (RFC 5321 5.1)",
        }
    }
}

/// Why [`hosts`] could not answer. These are about the caller's input and
/// storage; whatever the domain publishes is a [`Route`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MxError {
    /// The recipient domain is not a DNS name (labels of letters, digits,
    /// `-` and `_`, at most [`MAX_NAME_LEN`](crate::limits::MAX_NAME_LEN)
    /// octets, one trailing dot allowed).
    InvalidDomain,
    /// More than [`MAX_MX_HOSTS`] records.
    TooManyRecords,
    /// The storage holds fewer than `needed` entries: the number of distinct
    /// hosts (1 for the implicit MX).
    BufferTooSmall {
        /// Entries that would have been enough.
        needed: usize,
    },
}

impl MxError {
    /// A stable kebab-case code; never changes once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::InvalidDomain => "invalid-domain",
            Self::TooManyRecords => "too-many-mx-records",
            Self::BufferTooSmall { .. } => "buffer-too-small",
        }
    }

    /// A short description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::InvalidDomain => "not a valid domain name",
            Self::TooManyRecords => "more MX records than mxtrust's limit (32)",
            Self::BufferTooSmall { .. } => "caller-provided storage is too small",
        }
    }
}

impl fmt::Display for MxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => write!(f, "{} (need {needed})", self.description()),
            _ => f.write_str(self.description()),
        }
    }
}

impl core::error::Error for MxError {}

/// The mail exchangers for `domain` given the resolver's `answer`
/// (RFC 5321 §5.1, RFC 7505), written into `out` in the order to try them.
///
/// Exchanges are written without their trailing dot, with their case as
/// given. Records whose exchange is not a DNS name, or is the root, are
/// skipped; of several records naming one host (ASCII case-insensitively),
/// the one with the lowest preference is kept. Hosts of equal preference
/// keep the resolver's order or are shuffled, as `order` says.
///
/// # Errors
///
/// [`MxError::InvalidDomain`], [`MxError::TooManyRecords`], or
/// [`MxError::BufferTooSmall`] with the number of hosts; `out` is then
/// unchanged.
///
/// # Examples
///
/// ```
/// use mxtrust::mx::{hosts, Mx, MxAnswer, Order, Route};
/// let records = [
///     Mx { preference: 20, exchange: "backup.example.net." },
///     Mx { preference: 10, exchange: "mx1.example.net." },
/// ];
/// let mut out = [Mx::EMPTY; 8];
/// let route = hosts("example.com", MxAnswer::Records(&records), Order::AsGiven, &mut out)?;
/// assert_eq!(route, Route::Hosts { count: 2, ignored: 0, null_mx_mixed: false });
/// assert_eq!(out[0].exchange, "mx1.example.net");
///
/// let null = [Mx { preference: 0, exchange: "." }];
/// assert_eq!(hosts("example.com", MxAnswer::Records(&null), Order::AsGiven, &mut out)?, Route::NullMx);
///
/// assert_eq!(hosts("example.com", MxAnswer::NoData, Order::AsGiven, &mut out)?, Route::ImplicitMx);
/// assert_eq!(out[0], Mx { preference: 0, exchange: "example.com" });
/// # Ok::<(), mxtrust::mx::MxError>(())
/// ```
pub fn hosts<'a>(
    domain: &'a str,
    answer: MxAnswer<'_, 'a>,
    order: Order,
    out: &mut [Mx<'a>],
) -> Result<Route, MxError> {
    let domain = host_name(domain).ok_or(MxError::InvalidDomain)?;
    let records = match answer {
        MxAnswer::NxDomain => return Ok(Route::NoSuchDomain),
        MxAnswer::NoData => &[][..],
        MxAnswer::Records(records) => records,
    };
    if records.is_empty() {
        let slot = out
            .first_mut()
            .ok_or(MxError::BufferTooSmall { needed: 1 })?;
        *slot = Mx {
            preference: 0,
            exchange: domain,
        };
        return Ok(Route::ImplicitMx);
    }
    if records.len() > MAX_MX_HOSTS {
        return Err(MxError::TooManyRecords);
    }
    // A resolver may repeat a record; the RRset is still the one null MX.
    if records.iter().all(Mx::is_null_mx) {
        return Ok(Route::NullMx);
    }
    let mut needed = 0usize;
    let mut ignored = 0usize;
    let mut null_mx_mixed = false;
    for (i, record) in records.iter().enumerate() {
        match host_name(record.exchange) {
            Some(name) => {
                let earlier = records.get(..i).unwrap_or_default();
                if !earlier.iter().any(|e| same_host(e.exchange, name)) {
                    needed = needed.saturating_add(1);
                }
            }
            None => {
                ignored = ignored.saturating_add(1);
                null_mx_mixed |= record.is_null_mx();
            }
        }
    }
    if needed == 0 {
        return Ok(Route::NoUsableMx { ignored });
    }
    let dst = out
        .get_mut(..needed)
        .ok_or(MxError::BufferTooSmall { needed })?;
    let count = sort_into(records, dst);
    if let (Order::Shuffled { seed }, Some(written)) = (order, dst.get_mut(..count)) {
        shuffle_equal_preferences(written, seed);
    }
    Ok(Route::Hosts {
        count,
        ignored,
        null_mx_mixed,
    })
}

/// Inserts the usable records into `dst` sorted by preference (stable), one
/// entry per host with its lowest preference; returns how many were written.
/// `dst` has room for every distinct host.
fn sort_into<'a>(records: &[Mx<'a>], dst: &mut [Mx<'a>]) -> usize {
    let mut count = 0usize;
    for record in records {
        let Some(name) = host_name(record.exchange) else {
            continue;
        };
        let written = dst.get(..count).unwrap_or_default();
        if let Some(pos) = written.iter().position(|e| same_host(e.exchange, name)) {
            if written
                .get(pos)
                .is_some_and(|e| e.preference <= record.preference)
            {
                continue;
            }
            if let Some(tail) = dst.get_mut(pos..count) {
                tail.rotate_left(1);
            }
            count = count.saturating_sub(1);
        }
        let at = dst
            .get(..count)
            .unwrap_or_default()
            .iter()
            .take_while(|e| e.preference <= record.preference)
            .count();
        let Some(slot) = dst.get_mut(count) else {
            break;
        };
        *slot = Mx {
            preference: record.preference,
            exchange: name,
        };
        let end = count.saturating_add(1);
        if let Some(run) = dst.get_mut(at..end) {
            run.rotate_right(1);
        }
        count = end;
    }
    count
}

/// Fisher–Yates within each run of equal preference of a sorted list.
fn shuffle_equal_preferences(hosts: &mut [Mx<'_>], seed: u64) {
    let mut state = seed;
    let mut rest = hosts;
    while let Some(first) = rest.first() {
        let preference = first.preference;
        let run_len = rest
            .iter()
            .take_while(|h| h.preference == preference)
            .count();
        let (run, tail) = rest.split_at_mut(run_len.min(rest.len()));
        for i in (1..run.len()).rev() {
            let bound = u64::try_from(i).map_or(1, |i| i.saturating_add(1));
            let pick = splitmix64(&mut state).checked_rem(bound).unwrap_or(0);
            let j = usize::try_from(pick).unwrap_or(0);
            run.swap(i, j.min(i));
        }
        rest = tail;
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, well-mixed generator.
/// Not cryptographic; it only spreads load.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The name without one trailing dot, if it is a DNS host name (not the
/// root).
fn host_name(name: &str) -> Option<&str> {
    let name = name.strip_suffix('.').unwrap_or(name);
    is_valid_reference(name.as_bytes()).then_some(name)
}

fn is_root(name: &str) -> bool {
    name.is_empty() || name == "."
}

fn same_host(exchange: &str, name: &str) -> bool {
    host_name(exchange).is_some_and(|e| e.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Records = &'static [(u16, &'static str)];

    fn mx(records: Records) -> std::vec::Vec<Mx<'static>> {
        records
            .iter()
            .map(|&(preference, exchange)| Mx {
                preference,
                exchange,
            })
            .collect()
    }

    /// (MX records, expected route, hosts written) — RFC 5321 §5.1 and
    /// RFC 7505, clause by clause; hosts in `Order::AsGiven`.
    const CASES: &[(Records, Route, Records)] = &[
        (
            &[(10, "mx.example.com.")],
            Route::Hosts {
                count: 1,
                ignored: 0,
                null_mx_mixed: false,
            },
            &[(10, "mx.example.com")],
        ),
        // Sorted by preference; equal preferences keep the resolver's order.
        (
            &[
                (20, "c.example"),
                (10, "b.example"),
                (20, "a.example"),
                (10, "d.example"),
            ],
            Route::Hosts {
                count: 4,
                ignored: 0,
                null_mx_mixed: false,
            },
            &[
                (10, "b.example"),
                (10, "d.example"),
                (20, "c.example"),
                (20, "a.example"),
            ],
        ),
        (
            &[(65535, "z.example"), (0, "a.example")],
            Route::Hosts {
                count: 2,
                ignored: 0,
                null_mx_mixed: false,
            },
            &[(0, "a.example"), (65535, "z.example")],
        ),
        // One host named twice is tried once, at its lowest preference.
        (
            &[(20, "mx.example."), (10, "b.example"), (5, "MX.Example")],
            Route::Hosts {
                count: 2,
                ignored: 0,
                null_mx_mixed: false,
            },
            &[(5, "MX.Example"), (10, "b.example")],
        ),
        (
            &[(10, "mx.example"), (10, "mx.example."), (30, "MX.EXAMPLE")],
            Route::Hosts {
                count: 1,
                ignored: 0,
                null_mx_mixed: false,
            },
            &[(10, "mx.example")],
        ),
        // RFC 7505 §3: the null MX, alone (a resolver may repeat it).
        (&[(0, ".")], Route::NullMx, &[]),
        (&[(0, "")], Route::NullMx, &[]),
        (&[(0, "."), (0, ".")], Route::NullMx, &[]),
        // A null MX next to other records breaks §3; the others are tried.
        (
            &[(0, "."), (10, "mx.example")],
            Route::Hosts {
                count: 1,
                ignored: 1,
                null_mx_mixed: true,
            },
            &[(10, "mx.example")],
        ),
        // The root with another preference is no null MX, and no host.
        (&[(10, ".")], Route::NoUsableMx { ignored: 1 }, &[]),
        (
            &[(10, "."), (20, "mx.example")],
            Route::Hosts {
                count: 1,
                ignored: 1,
                null_mx_mixed: false,
            },
            &[(20, "mx.example")],
        ),
        // Exchanges that are not DNS names are skipped (RFC 5321 §5.1).
        (
            &[
                (10, "bad host.example"),
                (20, "mx..example"),
                (30, "ok.example"),
            ],
            Route::Hosts {
                count: 1,
                ignored: 2,
                null_mx_mixed: false,
            },
            &[(30, "ok.example")],
        ),
        (
            &[(10, "m\u{e9}.example"), (20, "mx.example..")],
            Route::NoUsableMx { ignored: 2 },
            &[],
        ),
        (
            &[(10, "_mx.example")],
            Route::Hosts {
                count: 1,
                ignored: 0,
                null_mx_mixed: false,
            },
            &[(10, "_mx.example")],
        ),
    ];

    #[test]
    fn routes() {
        for (i, (records, route, expected)) in CASES.iter().enumerate() {
            let records = mx(records);
            let mut out = [Mx::EMPTY; MAX_MX_HOSTS];
            let got = hosts(
                "example.com",
                MxAnswer::Records(&records),
                Order::AsGiven,
                &mut out,
            );
            assert_eq!(got, Ok(*route), "row {i}: {records:?}");
            let written = match route {
                Route::Hosts { count, .. } => &out[..*count],
                _ => &[][..],
            };
            assert_eq!(written, &mx(expected)[..], "row {i}: {records:?}");
        }
    }

    #[test]
    fn no_records() {
        let mut out = [Mx::EMPTY; 2];
        for answer in [MxAnswer::NoData, MxAnswer::Records(&[])] {
            assert_eq!(
                hosts("Example.COM.", answer, Order::AsGiven, &mut out),
                Ok(Route::ImplicitMx),
                "{answer:?}"
            );
            assert_eq!(
                out[0],
                Mx {
                    preference: 0,
                    exchange: "Example.COM"
                }
            );
        }
        let mut untouched = [Mx::EMPTY; 1];
        assert_eq!(
            hosts(
                "example.com",
                MxAnswer::NxDomain,
                Order::AsGiven,
                &mut untouched
            ),
            Ok(Route::NoSuchDomain)
        );
        assert_eq!(untouched, [Mx::EMPTY]);
        assert_eq!(
            hosts("example.com", MxAnswer::NoData, Order::AsGiven, &mut []),
            Err(MxError::BufferTooSmall { needed: 1 })
        );
    }

    #[test]
    fn caller_errors() {
        let one = mx(&[(10, "mx.example")]);
        let mut out = [Mx::EMPTY; 4];
        for bad in ["", ".", "a..b", "bad domain", "..example"] {
            assert_eq!(
                hosts(bad, MxAnswer::Records(&one), Order::AsGiven, &mut out),
                Err(MxError::InvalidDomain),
                "{bad:?}"
            );
        }
        let many: std::vec::Vec<Mx<'static>> = (0..=MAX_MX_HOSTS)
            .map(|i| Mx {
                preference: u16::try_from(i).unwrap(),
                exchange: "mx.example",
            })
            .collect();
        assert_eq!(
            hosts(
                "example.com",
                MxAnswer::Records(&many),
                Order::AsGiven,
                &mut out
            ),
            Err(MxError::TooManyRecords)
        );
        assert!(
            hosts(
                "example.com",
                MxAnswer::Records(&many[..MAX_MX_HOSTS]),
                Order::AsGiven,
                &mut out
            )
            .is_ok()
        );
        // Storage is sized by distinct hosts, and left alone when short.
        let three = mx(&[
            (10, "a.example"),
            (10, "A.example."),
            (20, "b.example"),
            (5, "c.example"),
        ]);
        let mut short = [Mx::EMPTY; 2];
        assert_eq!(
            hosts(
                "example.com",
                MxAnswer::Records(&three),
                Order::AsGiven,
                &mut short
            ),
            Err(MxError::BufferTooSmall { needed: 3 })
        );
        assert_eq!(short, [Mx::EMPTY; 2]);
        let mut exact = [Mx::EMPTY; 3];
        assert_eq!(
            hosts(
                "example.com",
                MxAnswer::Records(&three),
                Order::AsGiven,
                &mut exact
            ),
            Ok(Route::Hosts {
                count: 3,
                ignored: 0,
                null_mx_mixed: false
            })
        );
        assert_eq!(
            exact.map(|m| m.exchange),
            ["c.example", "a.example", "b.example"]
        );
    }

    /// RFC 5321 §5.1: equal preferences are randomised, groups stay in
    /// order, and one seed always gives one order.
    #[test]
    fn shuffled_within_equal_preference() {
        let records = mx(&[
            (10, "a.example"),
            (10, "b.example"),
            (10, "c.example"),
            (20, "d.example"),
            (5, "e.example"),
            (20, "f.example"),
        ]);
        let mut first_seen = std::collections::BTreeSet::new();
        for seed in 0..64u64 {
            let mut out = [Mx::EMPTY; 8];
            let order = Order::Shuffled { seed };
            let route = hosts("example.com", MxAnswer::Records(&records), order, &mut out);
            assert!(
                matches!(route, Ok(Route::Hosts { count: 6, .. })),
                "seed {seed}"
            );
            let names: std::vec::Vec<&str> = out[..6].iter().map(|m| m.exchange).collect();
            assert_eq!(names[0], "e.example", "seed {seed}");
            let mut tens = names[1..4].to_vec();
            tens.sort_unstable();
            assert_eq!(tens, ["a.example", "b.example", "c.example"], "seed {seed}");
            let mut twenties = names[4..6].to_vec();
            twenties.sort_unstable();
            assert_eq!(twenties, ["d.example", "f.example"], "seed {seed}");
            assert!(
                out[..6]
                    .windows(2)
                    .all(|w| w[0].preference <= w[1].preference)
            );
            first_seen.insert(names[1]);
            let mut again = [Mx::EMPTY; 8];
            hosts(
                "example.com",
                MxAnswer::Records(&records),
                order,
                &mut again,
            )
            .unwrap();
            assert_eq!(out, again, "seed {seed} is deterministic");
        }
        assert_eq!(
            first_seen.len(),
            3,
            "every host of the group comes first for some seed"
        );
    }

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let routes = [
            Route::Hosts {
                count: 1,
                ignored: 0,
                null_mx_mixed: false,
            },
            Route::ImplicitMx,
            Route::NullMx,
            Route::NoSuchDomain,
            Route::NoUsableMx { ignored: 0 },
        ];
        let errors = [
            MxError::InvalidDomain,
            MxError::TooManyRecords,
            MxError::BufferTooSmall { needed: 1 },
        ];
        let route_codes: std::vec::Vec<&str> = routes.iter().map(Route::code).collect();
        let error_codes: std::vec::Vec<&str> = errors.iter().map(|e| e.code()).collect();
        for list in [&route_codes, &error_codes] {
            for (i, code) in list.iter().enumerate() {
                assert!(
                    code.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                    "{code}"
                );
                assert!(!list[i + 1..].contains(code), "{code} twice");
            }
        }
        assert!(MxError::TooManyRecords.description().contains("32"));
        assert_eq!(MAX_MX_HOSTS, 32, "update MxError::description");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any RRset yields a sorted, duplicate-free list of valid hosts,
        /// and never panics.
        #[test]
        fn hosts_are_sorted_and_distinct(
            raw in proptest::collection::vec((0u16..4, "[a-cA-C.]{0,4}"), 0..12),
            seed in proptest::prelude::any::<u64>(),
        ) {
            let records: std::vec::Vec<Mx<'_>> = raw
                .iter()
                .map(|(preference, exchange)| Mx { preference: *preference, exchange })
                .collect();
            let mut out = [Mx::EMPTY; MAX_MX_HOSTS];
            let route = hosts("example.com", MxAnswer::Records(&records), Order::Shuffled { seed }, &mut out);
            if let Ok(Route::Hosts { count, .. }) = route {
                let written = &out[..count];
                proptest::prop_assert!(written.windows(2).all(|w| w[0].preference <= w[1].preference));
                for (i, h) in written.iter().enumerate() {
                    proptest::prop_assert!(host_name(h.exchange) == Some(h.exchange));
                    proptest::prop_assert!(!written[i + 1..].iter().any(|o| o.exchange.eq_ignore_ascii_case(h.exchange)));
                    let lowest = records
                        .iter()
                        .filter(|r| same_host(r.exchange, h.exchange))
                        .map(|r| r.preference)
                        .min();
                    proptest::prop_assert_eq!(lowest, Some(h.preference));
                }
            }
        }
    }
}
