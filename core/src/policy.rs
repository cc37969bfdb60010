//! MTA-STS policy bodies (RFC 8461 §3.2) and MX host matching (RFC 8461
//! §4.1).
//!
//! [`Policy::parse`] reads the body fetched from
//! `https://mta-sts.<domain>/.well-known/mta-sts.txt` without copying it: the
//! `mx` patterns borrow the body and are kept in an array inside the
//! [`Policy`] whose size the caller picks with a const generic. Problems that
//! leave the publisher's intent unambiguous (a blank line, stray whitespace,
//! `max_age` above the cap, an `mx` entry that can never match) are
//! [`Warning`]s written into caller storage, and the policy still applies;
//! everything else is a [`PolicyError`]. Both carry a 1-based line number.

use crate::limits::{
    MAX_MAX_AGE, MAX_MX_PATTERNS, MAX_NAME_LEN, MAX_POLICY_LEN, MAX_POLICY_LINE_LEN,
};
use crate::name::strip_trailing_dot;
use crate::tlsrpt::ResultType;
use crate::txt::{is_ext_name, is_wsp, trim_wsp_end, trim_wsp_start};
use crate::word::{HIGH_BITS, ONES, splat};
use core::fmt;

/// The policy mode (RFC 8461 §3.2 `mode`, §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `enforce`: deliver only to allowed MX hosts over authenticated TLS.
    Enforce,
    /// `testing`: report failures, deliver anyway.
    Testing,
    /// `none`: the domain has no active policy.
    None,
}

impl Mode {
    /// Every mode, in the order RFC 8461 §5 describes them.
    pub const ALL: [Self; 3] = [Self::Enforce, Self::Testing, Self::None];

    /// The mode as it is written in a policy.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Testing => "testing",
            Self::None => "none",
        }
    }

    /// The mode a policy value names, exactly and case-sensitively
    /// (RFC 8461 §3.2 uses `%s` strings).
    pub fn from_value(value: &[u8]) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().as_bytes() == value)
    }
}

/// An `mx` pattern of a policy (RFC 8461 §3.2 `sts-policy-mx-value = ["*."]
/// Domain`): a host name, or `*.` and a domain, which matches any host one
/// label below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MxPattern<'a> {
    /// The domain without `*.` and without a trailing dot.
    domain: &'a [u8],
    wildcard: bool,
}

/// Why an `mx` entry is not a pattern. A policy ignores such an entry with a
/// [`WarningKind::MxIgnored`] warning: it can never match a host, so the
/// intent of the other entries stays clear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MxPatternError {
    /// Not an LDH domain (RFC 5321 §4.1.2 `Domain`): an empty or over-long
    /// label, a bad character, a `*` elsewhere than a whole leftmost label.
    Invalid,
    /// An IP address or address literal; MTA-STS names MX hosts, never
    /// addresses (RFC 8461 §4.1).
    IpLiteral,
    /// Non-ASCII characters (a U-label); RFC 8461 §3.2 wants A-labels.
    NonAscii,
}

/// An MX host as patterns are matched against it (RFC 8461 §4.1): the
/// name without its trailing dot, and what follows its first label when
/// that label is not empty (all a `*.` pattern may match).
struct MxHost<'h> {
    name: &'h [u8],
    below_first_label: Option<&'h [u8]>,
}

impl<'h> MxHost<'h> {
    fn new(host: &'h [u8]) -> Self {
        let name = strip_trailing_dot(host);
        let below_first_label = match name.iter().position(|&b| b == b'.') {
            Some(dot) if dot > 0 => name.get(dot.saturating_add(1)..),
            _ => None,
        };
        Self {
            name,
            below_first_label,
        }
    }
}

impl<'a> MxPattern<'a> {
    /// A placeholder for storage arrays; it matches nothing.
    pub const EMPTY: MxPattern<'static> = MxPattern {
        domain: &[],
        wildcard: false,
    };

    /// Parses an `mx` value. One trailing dot is tolerated and dropped.
    ///
    /// # Errors
    ///
    /// An [`MxPatternError`] saying why the value can never match.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::policy::{MxPattern, MxPatternError};
    /// let p = MxPattern::parse(b"*.example.net")?;
    /// assert!(p.matches(b"mx1.Example.NET."));
    /// assert!(!p.matches(b"a.mx1.example.net"));
    /// assert_eq!(MxPattern::parse(b"192.0.2.25"), Err(MxPatternError::IpLiteral));
    /// # Ok::<(), MxPatternError>(())
    /// ```
    pub fn parse(value: &'a [u8]) -> Result<Self, MxPatternError> {
        match Self::parse_plain(value) {
            Some(pattern) => Ok(pattern),
            None => Self::parse_general(value),
        }
    }

    /// The shape nearly every policy uses, in one pass with a table: an
    /// optional `*.`, then an LDH domain without a trailing dot that has a
    /// letter or a hyphen (so is no address). `None` means "not this
    /// shape", not "invalid": [`Self::parse_general`] then decides. What
    /// this accepts, `parse_general` accepts as the same pattern.
    #[inline]
    fn parse_plain(value: &'a [u8]) -> Option<Self> {
        let (pattern, rest) = Self::plain_prefix(value)?;
        rest.is_empty().then_some(pattern)
    }

    /// [`Self::parse_plain`] of the longest prefix of `text` made of
    /// letters, digits, hyphens and dots (after an optional `*.`), and what
    /// follows it; `None` when that prefix is not of the plain shape.
    ///
    /// Eight octets at a time on 64-bit targets; octet by octet on the
    /// others, where the word scan costs more code than it saves (the
    /// tiny firmware image, tests/no-alloc/size.sh).
    #[inline]
    fn plain_prefix(text: &'a [u8]) -> Option<(Self, &'a [u8])> {
        Self::plain_prefix_in::<false>(text)
    }

    /// [`Self::plain_prefix`]; with `ASCII` true, `text` must be ASCII
    /// (a policy body found so), and the word scan skips the masking
    /// that other octets need.
    #[inline]
    fn plain_prefix_in<const ASCII: bool>(text: &'a [u8]) -> Option<(Self, &'a [u8])> {
        #[cfg(target_pointer_width = "64")]
        return Self::plain_prefix_words::<ASCII>(text);
        #[cfg(not(target_pointer_width = "64"))]
        return Self::plain_prefix_octets(text);
    }

    /// [`Self::plain_prefix`] eight octets at a time.
    #[cfg(target_pointer_width = "64")]
    #[inline]
    fn plain_prefix_words<const ASCII: bool>(whole: &'a [u8]) -> Option<(Self, &'a [u8])> {
        let (wildcard, text) = match whole.strip_prefix(b"*.") {
            Some(rest) => (true, rest),
            None => (false, whole),
        };
        // Letters and digits are nearly every octet: eight at a time, they
        // are skipped with one test; each other octet of a word is looked
        // at alone, in order, straight from the word. Positions count bits:
        // octet k is at 8 * k + 7, the high bit `not_alphanumeric` marks.
        // `start` is where the current label starts, `plain` where the
        // octets after the last dot or hyphen start: a dot or a hyphen
        // there follows a dot, a hyphen or the start. Label lengths are
        // left to the octet-by-octet scan, for domains longer than a label
        // may be.
        let mut start = 7usize;
        let mut plain = 7usize;
        let mut at = 0usize;
        let mut base = 0usize;
        let end = 'scan: loop {
            let word = word_at(text, at);
            let mut other = not_alphanumeric::<ASCII>(word);
            while other != 0 {
                // The next octet that is no letter or digit, or the end
                // (`word_at` pads with zeros).
                let bit = other.trailing_zeros();
                let here = base.wrapping_add(usize::try_from(bit).unwrap_or(0));
                match word.wrapping_shr(bit.wrapping_sub(7)) & 0xff {
                    0x2e => {
                        // '.'
                        if here == plain {
                            return None;
                        }
                        start = here.wrapping_add(8);
                    }
                    0x2d => {
                        // '-'
                        if here == start {
                            return None;
                        }
                    }
                    _ => break 'scan here,
                }
                plain = here.wrapping_add(8);
                other &= other.wrapping_sub(1);
            }
            at = at.wrapping_add(8);
            base = base.wrapping_add(64);
        };
        if end == plain {
            return None; // empty, or a dot or hyphen last
        }
        let end = end.wrapping_shr(3);
        if end > 63 {
            // Some label may be too long. The pattern is built again from
            // its fields: the call's result is in memory, and its padding
            // octets would otherwise be copied along with every pattern
            // of the fast path too (a store-forwarding stall per line).
            let (Self { domain, wildcard }, rest) = Self::plain_prefix_octets(whole)?;
            return Some((Self { domain, wildcard }, rest));
        }
        let (domain, rest) = text.split_at_checked(end)?;
        // All digits and dots: maybe an address, which the general rules
        // name (a `*.` pattern is never one).
        let numeric = || domain.iter().all(|&b| b == b'.' || b.is_ascii_digit());
        if !wildcard && domain.first().is_some_and(u8::is_ascii_digit) && numeric() {
            return None;
        }
        Some((Self { domain, wildcard }, rest))
    }

    /// [`Self::plain_prefix`] octet by octet with the class table, as it
    /// was before the word-at-a-time scan; tests hold the scan to it, and
    /// the scan hands it domains longer than a label may be.
    #[cfg_attr(target_pointer_width = "64", cold, inline(never))]
    #[cfg_attr(not(target_pointer_width = "64"), inline)]
    fn plain_prefix_octets(text: &'a [u8]) -> Option<(Self, &'a [u8])> {
        use crate::name::class::{self, DIGIT, DOT, HYPHEN, LETTER};
        let (wildcard, text) = match text.strip_prefix(b"*.") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        // Letters and digits are nearly every octet and need nothing but
        // the table. `start` is where the current label starts, `plain`
        // where the octets after the last dot or hyphen start: a dot or a
        // hyphen there follows a dot, a hyphen or the start.
        let mut start = 0usize;
        let mut plain = 0usize;
        let mut end = text.len();
        for (i, &b) in text.iter().enumerate() {
            let c = class::of(b);
            if c & (LETTER | DIGIT) != 0 {
                continue;
            }
            if c == DOT {
                if i == plain || i.saturating_sub(start) > 63 {
                    return None;
                }
                start = i.saturating_add(1);
            } else if c == HYPHEN {
                if i == start {
                    return None;
                }
            } else {
                end = i;
                break;
            }
            plain = i.saturating_add(1);
        }
        let (domain, rest) = text.split_at_checked(end)?;
        if end == plain || end.saturating_sub(start) > 63 || end > MAX_NAME_LEN {
            return None; // empty, a dot or hyphen last, or too long
        }
        // All digits and dots: maybe an address, which the general rules
        // name (a `*.` pattern is never one).
        let numeric = || domain.iter().all(|&b| b == b'.' || b.is_ascii_digit());
        if !wildcard && domain.first().is_some_and(u8::is_ascii_digit) && numeric() {
            return None;
        }
        Some((Self { domain, wildcard }, rest))
    }

    /// [`Self::parse`] for any value: every rule, one at a time.
    fn parse_general(value: &'a [u8]) -> Result<Self, MxPatternError> {
        if !value.is_ascii() {
            return Err(MxPatternError::NonAscii);
        }
        let text = strip_trailing_dot(value);
        if text.first() == Some(&b'[') || text.contains(&b':') || is_dotted_numeric(text) {
            return Err(MxPatternError::IpLiteral);
        }
        let (wildcard, domain) = match text.strip_prefix(b"*.") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if !is_ldh_domain(domain) {
            return Err(MxPatternError::Invalid);
        }
        Ok(Self { domain, wildcard })
    }

    /// Whether `host` (an MX host name, one trailing dot ignored) matches
    /// this pattern under RFC 8461 §4.1: ASCII case-insensitive equality, or
    /// for `*.domain` exactly one non-empty label in front of `domain`.
    pub fn matches(&self, host: &[u8]) -> bool {
        self.matches_host(&MxHost::new(host))
    }

    /// [`Self::matches`] against a host already taken apart.
    #[inline]
    fn matches_host(&self, host: &MxHost<'_>) -> bool {
        match (self.domain, self.wildcard) {
            ([], _) => false,
            (domain, false) => host.name.eq_ignore_ascii_case(domain),
            (domain, true) => host
                .below_first_label
                .is_some_and(|rest| rest.eq_ignore_ascii_case(domain)),
        }
    }

    /// Whether this is a `*.` pattern.
    pub fn is_wildcard(&self) -> bool {
        self.wildcard
    }

    /// The domain, without `*.` and without a trailing dot.
    pub fn domain(&self) -> &'a [u8] {
        self.domain
    }
}

impl fmt::Display for MxPattern<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.wildcard {
            f.write_str("*.")?;
        }
        f.write_str(core::str::from_utf8(self.domain).unwrap_or("?"))
    }
}

/// `1*4DIGIT` labels only, like `192.0.2.1`: an IPv4 address, not a host.
fn is_dotted_numeric(text: &[u8]) -> bool {
    !text.is_empty()
        && text
            .split(|&b| b == b'.')
            .all(|l| !l.is_empty() && l.iter().all(u8::is_ascii_digit))
}

/// RFC 5321 §4.1.2 `Domain = sub-domain *("." sub-domain)`, `sub-domain =
/// Let-dig [Ldh-str]`, with the RFC 1035 length limits.
fn is_ldh_domain(domain: &[u8]) -> bool {
    !domain.is_empty()
        && domain.len() <= MAX_NAME_LEN
        && domain.split(|&b| b == b'.').all(|label| {
            label.len() <= 63
                && label.first().is_some_and(u8::is_ascii_alphanumeric)
                && label.last().is_some_and(u8::is_ascii_alphanumeric)
                && label
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// A rejected policy body: where, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PolicyError {
    /// 1-based line number; 0 when the problem is the body as a whole.
    pub line: usize,
    /// What is wrong.
    pub kind: PolicyErrorKind,
}

/// Why a policy body is rejected. RFC 8461 §3.2 and §5.1: a sender treats
/// such a body as a failed fetch (`sts-policy-invalid`, RFC 8460 §4.3.3).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyErrorKind {
    /// Larger than [`MAX_POLICY_LEN`] octets (RFC 8461 §3.3).
    TooLarge,
    /// Not UTF-8 (RFC 8461 §3.2: the body is UTF-8 text).
    InvalidUtf8,
    /// A NUL octet.
    NulByte,
    /// A line longer than [`MAX_POLICY_LINE_LEN`] octets.
    LineTooLong,
    /// A CR not followed by LF (RFC 8461 §3.2 `sts-policy-term = LF /
    /// CRLF`).
    BareCr,
    /// A control character other than HTAB (§3.2 excludes CTLs).
    ControlCharacter,
    /// A line that is not `key: value`.
    MissingColon,
    /// A key that is not `sts-policy-ext-name` (§3.2).
    InvalidKey,
    /// A keyword or value of §3.2 in the wrong case, such as `Mode:` or
    /// `enforce` spelled `Enforce`; §3.2 keywords are case-sensitive.
    KeywordCase,
    /// No `version` field.
    MissingVersion,
    /// A `version` other than `STSv1`.
    InvalidVersion,
    /// No `mode` field.
    MissingMode,
    /// A `mode` other than `enforce`, `testing` or `none`.
    InvalidMode,
    /// No `max_age` field.
    MissingMaxAge,
    /// A `max_age` that is not 1 to 10 digits (§3.2 `1*10(DIGIT)`).
    InvalidMaxAge,
    /// Mode `enforce` or `testing` without a single valid `mx` pattern
    /// (§3.2: `mx` is required unless the mode is `none`).
    NoValidMx,
    /// More valid `mx` patterns than the policy storage (`N`) holds. This
    /// is mxtrust's capacity, not the publisher's mistake: RFC 8461 sets no
    /// limit on `mx` lines, so such a policy is not `sts-policy-invalid`
    /// (see [`Self::result_type`]). The policy cache refuses a policy whose
    /// patterns do not fit with the same code.
    MxCapacity,
}

impl PolicyErrorKind {
    /// A stable kebab-case code for machine-readable output (JSON, C, logs);
    /// never changes once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::TooLarge => "too-large",
            Self::InvalidUtf8 => "invalid-utf8",
            Self::NulByte => "nul-byte",
            Self::LineTooLong => "line-too-long",
            Self::BareCr => "bare-cr",
            Self::ControlCharacter => "control-character",
            Self::MissingColon => "missing-colon",
            Self::InvalidKey => "invalid-key",
            Self::KeywordCase => "keyword-case",
            Self::MissingVersion => "missing-version",
            Self::InvalidVersion => "invalid-version",
            Self::MissingMode => "missing-mode",
            Self::InvalidMode => "invalid-mode",
            Self::MissingMaxAge => "missing-max-age",
            Self::InvalidMaxAge => "invalid-max-age",
            Self::NoValidMx => "no-valid-mx",
            Self::MxCapacity => MX_CAPACITY_CODE,
        }
    }

    /// Whether this is a limit of mxtrust's storage rather than a fault of
    /// the policy ([`Self::MxCapacity`]).
    pub const fn is_local_limit(self) -> bool {
        matches!(self, Self::MxCapacity)
    }

    /// The RFC 8460 result type a sender reports when it cannot apply a
    /// fetched policy for this reason: `sts-policy-invalid` (§4.3.2) for the
    /// publisher's faults, `validation-failure` (§4.3.3, "a general failure
    /// for a reason not matching a category above") for mxtrust's own
    /// capacity, which the publisher cannot fix.
    pub const fn result_type(self) -> ResultType {
        if self.is_local_limit() {
            ResultType::ValidationFailure
        } else {
            ResultType::StsPolicyInvalid
        }
    }

    /// A short description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::TooLarge => "policy body is too large",
            Self::InvalidUtf8 => "policy body is not UTF-8",
            Self::NulByte => "NUL octet in policy body",
            Self::LineTooLong => "policy line is too long",
            Self::BareCr => "CR not followed by LF",
            Self::ControlCharacter => "control character in policy body",
            Self::MissingColon => "line is not 'key: value'",
            Self::InvalidKey => "invalid key",
            Self::KeywordCase => "policy keyword in the wrong case",
            Self::MissingVersion => "no version field",
            Self::InvalidVersion => "version is not STSv1",
            Self::MissingMode => "no mode field",
            Self::InvalidMode => "mode is not enforce, testing or none",
            Self::MissingMaxAge => "no max_age field",
            Self::InvalidMaxAge => "max_age is not 1 to 10 digits",
            Self::NoValidMx => "no valid mx pattern",
            Self::MxCapacity => {
                "more mx patterns than mxtrust's policy storage holds (a local limit, not an invalid policy)"
            }
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind.description())
    }
}

impl core::error::Error for PolicyError {}

/// Something off the grammar of RFC 8461 §3.2 whose intent is still clear,
/// so the policy applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Warning {
    /// 1-based line number.
    pub line: usize,
    /// What was noticed.
    pub kind: WarningKind,
}

impl Warning {
    /// A placeholder for storage arrays.
    pub const EMPTY: Self = Self {
        line: 0,
        kind: WarningKind::BlankLine,
    };
}

/// What a [`Warning`] is about.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// An empty or all-whitespace line; skipped.
    BlankLine,
    /// Whitespace before the key; ignored.
    LeadingWhitespace,
    /// Whitespace at the end of a line. The §3.2 ABNF allows it; reported
    /// because some parsers do not.
    TrailingWhitespace,
    /// Whitespace between the key and the colon; ignored.
    WhitespaceBeforeColon,
    /// Some lines end in LF and others in CRLF (each alone is fine).
    MixedLineEndings,
    /// `max_age` above [`MAX_MAX_AGE`]; clamped to it.
    MaxAgeClamped,
    /// A second `version`, `mode` or `max_age`; the first one counts.
    DuplicateField,
    /// An `mx` entry with a trailing dot; the dot is ignored.
    MxTrailingDot,
    /// An `mx` entry that can never match; ignored.
    MxIgnored(MxPatternError),
    /// A field whose name is a §3.2 keyword in another case, such as `MX:`
    /// or `Mode:`. Field names are case-sensitive (`%s"mx"`), so this is an
    /// extension field and is ignored like any other (RFC 8461 §3.2).
    KeywordCaseField,
    /// A UTF-8 byte-order mark before the first line; skipped.
    ByteOrderMark,
}

impl WarningKind {
    /// A stable kebab-case code for machine-readable output; never changes
    /// once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::BlankLine => "blank-line",
            Self::LeadingWhitespace => "leading-whitespace",
            Self::TrailingWhitespace => "trailing-whitespace",
            Self::WhitespaceBeforeColon => "whitespace-before-colon",
            Self::MixedLineEndings => "mixed-line-endings",
            Self::MaxAgeClamped => "max-age-clamped",
            Self::DuplicateField => "duplicate-field",
            Self::MxTrailingDot => "mx-trailing-dot",
            Self::MxIgnored(_) => "mx-ignored",
            Self::KeywordCaseField => "keyword-case-field",
            Self::ByteOrderMark => "byte-order-mark",
        }
    }

    /// A short description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::BlankLine => "blank line, skipped",
            Self::LeadingWhitespace => "whitespace before the key, ignored",
            Self::TrailingWhitespace => {
                "whitespace at the end of the line (allowed, but some parsers reject it)"
            }
            Self::WhitespaceBeforeColon => "whitespace between the key and the colon, ignored",
            Self::MixedLineEndings => "some lines end in LF and others in CRLF",
            Self::MaxAgeClamped => "max_age above 31557600 (one year), clamped to it",
            Self::DuplicateField => "second version, mode or max_age; the first one counts",
            Self::MxTrailingDot => "mx with a trailing dot; the dot is ignored",
            Self::MxIgnored(_) => "mx can never match, ignored",
            Self::KeywordCaseField => {
                "field name is a policy keyword in another case; field names are case-sensitive, so it is an unknown field and ignored"
            }
            Self::ByteOrderMark => "UTF-8 byte-order mark before the first line, skipped",
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MxIgnored(why) => write!(f, "{}: {why}", self.description()),
            _ => f.write_str(self.description()),
        }
    }
}

impl MxPatternError {
    /// A stable kebab-case code; never changes once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::IpLiteral => "ip-literal",
            Self::NonAscii => "non-ascii",
        }
    }

    /// A short description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::Invalid => "not a domain name (a '*' only as the whole first label)",
            Self::IpLiteral => "an IP address; MTA-STS names hosts (RFC 8461 4.1)",
            Self::NonAscii => "not ASCII; use A-labels (xn--)",
        }
    }
}

impl fmt::Display for MxPatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// A parsed MTA-STS policy (RFC 8461 §3.2) that borrows its body. `N` is
/// how many `mx` patterns it can hold, [`MAX_MX_PATTERNS`] by default; a
/// body with more valid patterns is [`PolicyErrorKind::MxCapacity`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy<'a, const N: usize = MAX_MX_PATTERNS> {
    mode: Mode,
    max_age: u32,
    mx: heapless::Vec<MxPattern<'a>, N>,
    warnings: usize,
}

impl<'a, const N: usize> Policy<'a, N> {
    /// Parses a policy body.
    ///
    /// Lines end in LF or CRLF, each on its own; the last may lack one.
    /// Each line is `key: value` with optional whitespace after the colon.
    /// `version: STSv1`, `mode` and `max_age` are required; `mx` is required
    /// (at least one valid pattern) unless the mode is `none`. The first of
    /// duplicate fields counts, unknown keys are ignored, and keywords are
    /// case-sensitive. Warnings go into `warnings` in order; when it is full
    /// the rest are only counted (see [`Self::warnings_found`]).
    ///
    /// # Errors
    ///
    /// A [`PolicyError`] with the line and the [`PolicyErrorKind`]; nothing
    /// but `warnings` has been written then.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::policy::{Mode, Policy, Warning, WarningKind};
    /// let body = b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n\
    ///              mx: *.example.net\r\nmax_age: 604800\r\n\r\n";
    /// let mut warnings = [Warning::EMPTY; 4];
    /// let policy: Policy = Policy::parse(body, &mut warnings).unwrap();
    /// assert_eq!(policy.mode(), Mode::Enforce);
    /// assert_eq!(policy.max_age(), 604_800);
    /// assert!(policy.allows_mx(b"mx1.example.net"));
    /// assert!(!policy.allows_mx(b"evil.example.org"));
    /// assert_eq!(policy.warnings_found(), 1);
    /// assert_eq!(warnings[0].kind, WarningKind::BlankLine);
    /// ```
    pub fn parse(body: &'a [u8], warnings: &mut [Warning]) -> Result<Self, PolicyError> {
        Self::parse_with::<true>(body, warnings)
    }

    /// [`Self::parse`] octet by octet, without its fast paths: the
    /// reference the fuzz targets hold them to. Only in fuzzing builds
    /// (`--cfg fuzzing`, which cargo-fuzz sets).
    #[cfg(fuzzing)]
    #[doc(hidden)]
    pub fn parse_reference(body: &'a [u8], warnings: &mut [Warning]) -> Result<Self, PolicyError> {
        Self::parse_with::<false>(body, warnings)
    }

    /// [`Self::parse`]; with `FAST` false, every line and every `mx` value
    /// takes the octet-by-octet path, which tests hold the fast one to.
    /// Inlined into its callers, it writes the policy where they want it:
    /// a call of its own returned it through a copy of the whole `mx`
    /// array, used or not (on 64-bit targets; the firmware image keeps
    /// its size).
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn parse_with<const FAST: bool>(
        body: &'a [u8],
        warnings: &mut [Warning],
    ) -> Result<Self, PolicyError> {
        let whole = |kind| PolicyError { line: 0, kind };
        if body.len() > MAX_POLICY_LEN {
            return Err(whole(PolicyErrorKind::TooLarge));
        }
        // ASCII, as nearly every policy is, is UTF-8: `is_ascii` tells in
        // about half the instructions of the full check (on 64-bit
        // targets; the firmware image keeps one check). The reference
        // path always takes the full check.
        let ascii = FAST && cfg!(target_pointer_width = "64") && body.is_ascii();
        if ascii {
        } else if let Err(e) = core::str::from_utf8(body) {
            let before = body.get(..e.valid_up_to()).unwrap_or(&[]);
            return Err(PolicyError {
                line: line_count(before).saturating_add(1),
                kind: PolicyErrorKind::InvalidUtf8,
            });
        }
        let mut parser = Parser::<'a, '_, N, FAST> {
            warnings,
            found: 0,
            version: false,
            mode: None,
            max_age: None,
            mx: heapless::Vec::new(),
            saw_lf: false,
            saw_crlf: false,
            mixed_reported: false,
        };
        let mut rest = body;
        if let Some(after) = rest.strip_prefix(UTF8_BOM) {
            parser.warn(1, WarningKind::ByteOrderMark);
            rest = after;
        }
        // Two copies of the line loop: an ASCII body's `mx` lines are
        // scanned without the masking other octets need, and the choice is
        // made once, not per line.
        if ascii {
            parser.lines::<true>(rest)?;
        } else {
            parser.lines::<false>(rest)?;
        }
        if !parser.version {
            return Err(whole(PolicyErrorKind::MissingVersion));
        }
        let mode = parser.mode.ok_or(whole(PolicyErrorKind::MissingMode))?;
        let max_age = parser
            .max_age
            .ok_or(whole(PolicyErrorKind::MissingMaxAge))?;
        if mode != Mode::None && parser.mx.is_empty() {
            return Err(whole(PolicyErrorKind::NoValidMx));
        }
        Ok(Self {
            mode,
            max_age,
            mx: parser.mx,
            warnings: parser.found,
        })
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `max_age` in seconds, at most [`MAX_MAX_AGE`].
    pub fn max_age(&self) -> u32 {
        self.max_age
    }

    /// The valid `mx` patterns, in body order.
    pub fn mx_patterns(&self) -> &[MxPattern<'a>] {
        &self.mx
    }

    /// Whether an MX host is allowed by this policy (RFC 8461 §4.1): some
    /// `mx` pattern matches it. This says nothing about certificates; see
    /// [`crate::sts::check_certificate`].
    pub fn allows_mx(&self, host: &[u8]) -> bool {
        // What depends only on the host is done once, not per pattern.
        let host = MxHost::new(host);
        self.mx_patterns().iter().any(|p| p.matches_host(&host))
    }

    /// How many warnings parsing found, including those that did not fit in
    /// the caller's storage.
    pub fn warnings_found(&self) -> usize {
        self.warnings
    }
}

fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Terminator {
    Lf,
    CrLf,
    Eof,
}

/// The first line of `rest`, its terminator, and what follows.
fn split_line(rest: &[u8]) -> (&[u8], Terminator, &[u8]) {
    match rest.iter().position(|&b| b == b'\n') {
        Some(lf) => {
            let (line, after) = rest.split_at(lf);
            let after = after.get(1..).unwrap_or(&[]);
            match line.strip_suffix(b"\r") {
                Some(line) => (line, Terminator::CrLf, after),
                None => (line, Terminator::Lf, after),
            }
        }
        None => (rest, Terminator::Eof, &[]),
    }
}

/// The first line of `rest` when it is `mx: ` and a plain pattern (see
/// [`MxPattern::parse_plain`]) and nothing else: the pattern, the line's
/// terminator and what follows. Such a line is read in one pass; what
/// [`Parser::line`] would do with it is [`Parser::line_ending`] and
/// [`Parser::push_mx`] (its octets are all allowed, it has no whitespace
/// to warn about, and a plain pattern has no trailing dot). Any other line
/// is `None`, and goes the general way.
#[inline]
fn plain_mx_line<const ASCII: bool>(rest: &[u8]) -> Option<(MxPattern<'_>, Terminator, &[u8])> {
    let value = rest.strip_prefix(b"mx: ")?;
    let (pattern, tail) = MxPattern::plain_prefix_in::<ASCII>(value)?;
    match tail {
        [] => Some((pattern, Terminator::Eof, tail)),
        [b'\n', after @ ..] => Some((pattern, Terminator::Lf, after)),
        [b'\r', b'\n', after @ ..] => Some((pattern, Terminator::CrLf, after)),
        _ => None,
    }
}

/// The first line of `rest`, its terminator, what follows, and whether the
/// line is clean: free of control characters (HTAB included) and DEL, so
/// that [`Parser::clean_line`] may skip [`Parser::line`]'s octet checks.
/// One word-at-a-time scan finds both the line's end and whether it is
/// clean; a line that is not is split again by [`split_line`] and checked
/// octet by octet, exactly as before.
fn next_line(rest: &[u8]) -> (&[u8], Terminator, &[u8], bool) {
    let Some(at) = first_control(rest) else {
        return (rest, Terminator::Eof, &[], true);
    };
    let (line, from) = rest.split_at(at);
    match from {
        [b'\n', after @ ..] => (line, Terminator::Lf, after, true),
        [b'\r', b'\n', after @ ..] => (line, Terminator::CrLf, after, true),
        _ => {
            let (line, terminator, after) = split_line(rest);
            (line, terminator, after, false)
        }
    }
}

/// The high bit of each octet of `word` (little-endian) that is a control
/// character (below 0x20) or DEL, and maybe of octets above such an octet:
/// the lowest bit set is always exact, which is all a scan needs (the
/// "has less than" and "has zero" tricks of Anderson's Bit Twiddling Hacks).
fn control_bits(word: u64) -> u64 {
    let below_space = word.wrapping_sub(splat(0x20)) & !word;
    let del = word ^ splat(0x7f);
    let is_del = del.wrapping_sub(ONES) & !del;
    (below_space | is_del) & HIGH_BITS
}

/// The index of the first control character or DEL in `bytes`, eight
/// octets at a time.
fn first_control(bytes: &[u8]) -> Option<usize> {
    crate::word::first_where(bytes, control_bits, |b| b < 0x20 || b == 0x7f)
}

/// The eight octets of `bytes` from `at` as a little-endian word, zeros
/// standing in for those past the end.
#[cfg(target_pointer_width = "64")]
#[inline]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at.wrapping_add(8)) {
        Some(&[a, b, c, d, e, f, g, h]) => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
        _ => word_at_end(bytes, at),
    }
}

/// [`word_at`] within eight octets of the end.
#[cfg(target_pointer_width = "64")]
#[cold]
#[inline(never)]
fn word_at_end(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    for (to, &from) in word.iter_mut().zip(bytes.get(at..).unwrap_or(&[])) {
        *to = from;
    }
    u64::from_le_bytes(word)
}

/// The high bit of each octet of `word` (little-endian) that is not an
/// ASCII letter or digit, exactly: every range test below adds to seven
/// bit values only, so no carry crosses an octet. With `ASCII`, the word
/// is known to hold no octet with its high bit set, and the masking of
/// those octets is left out.
#[cfg(target_pointer_width = "64")]
#[inline]
fn not_alphanumeric<const ASCII: bool>(word: u64) -> u64 {
    let (low, foreign) = if ASCII {
        (word, 0)
    } else {
        (word & !HIGH_BITS, word)
    };
    let folded = low | splat(0x20); // 'A'..='Z' onto 'a'..='z'
    // 0x61 'a', 0x7a 'z', 0x30 '0', 0x39 '9'.
    let letter = folded.wrapping_add(splat(0x80 - 0x61)) & !folded.wrapping_add(splat(0x7f - 0x7a));
    let digit = low.wrapping_add(splat(0x80 - 0x30)) & !low.wrapping_add(splat(0x7f - 0x39));
    !((letter | digit) & !foreign) & HIGH_BITS
}

struct Parser<'a, 'w, const N: usize, const FAST: bool> {
    warnings: &'w mut [Warning],
    found: usize,
    version: bool,
    mode: Option<Mode>,
    max_age: Option<u32>,
    mx: heapless::Vec<MxPattern<'a>, N>,
    saw_lf: bool,
    saw_crlf: bool,
    mixed_reported: bool,
}

const KEYWORDS: [&[u8]; 4] = [b"version", b"mode", b"max_age", b"mx"];

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// The code of every refusal that is mxtrust's capacity for `mx` patterns
/// rather than the publisher's fault: the parser's and the cache's.
pub const MX_CAPACITY_CODE: &str = "mx-capacity";

impl<'a, const N: usize, const FAST: bool> Parser<'a, '_, N, FAST> {
    /// Every line of `rest`, in order (see [`Policy::parse`]); with
    /// `ASCII` true, `rest` must be ASCII.
    #[inline(always)]
    fn lines<const ASCII: bool>(&mut self, mut rest: &'a [u8]) -> Result<(), PolicyError> {
        let mut line_no = 0usize;
        while !rest.is_empty() {
            // Fewer lines than octets in a body: no overflow.
            line_no = line_no.wrapping_add(1);
            let plain = if FAST {
                plain_mx_line::<ASCII>(rest)
            } else {
                None
            };
            if let Some((pattern, terminator, after)) = plain {
                rest = after;
                self.line_ending(line_no, terminator);
                self.push_mx(pattern).map_err(|kind| PolicyError {
                    line: line_no,
                    kind,
                })?;
                continue;
            }
            let (line, terminator, after, clean) = if FAST {
                next_line(rest)
            } else {
                let (line, terminator, after) = split_line(rest);
                (line, terminator, after, false)
            };
            rest = after;
            let checked = if clean {
                self.clean_line(line_no, line, terminator)
            } else {
                self.line(line_no, line, terminator)
            };
            checked.map_err(|kind| PolicyError {
                line: line_no,
                kind,
            })?;
        }
        Ok(())
    }

    fn warn(&mut self, line: usize, kind: WarningKind) {
        if let Some(slot) = self.warnings.get_mut(self.found) {
            *slot = Warning { line, kind };
        }
        self.found = self.found.saturating_add(1);
    }

    fn line(&mut self, n: usize, line: &'a [u8], term: Terminator) -> Result<(), PolicyErrorKind> {
        if line.len() > MAX_POLICY_LINE_LEN {
            return Err(PolicyErrorKind::LineTooLong);
        }
        for &b in line {
            match b {
                0 => return Err(PolicyErrorKind::NulByte),
                b'\r' => return Err(PolicyErrorKind::BareCr),
                b'\t' => {}
                0..=0x1f | 0x7f => return Err(PolicyErrorKind::ControlCharacter),
                _ => {}
            }
        }
        self.checked_line(n, line, term)
    }

    /// [`Self::line`] for a line [`next_line`] found clean: no octet to
    /// check.
    fn clean_line(
        &mut self,
        n: usize,
        line: &'a [u8],
        term: Terminator,
    ) -> Result<(), PolicyErrorKind> {
        if line.len() > MAX_POLICY_LINE_LEN {
            return Err(PolicyErrorKind::LineTooLong);
        }
        // Most lines of most policies: `mx: ` and a value, no whitespace
        // around it. What [`Self::checked_line`] would find for them is no
        // warning but the line ending's, the key `mx` and this value. On
        // 64-bit targets the `key: value` path below takes them.
        if FAST
            && !cfg!(target_pointer_width = "64")
            && let Some(value) = line.strip_prefix(b"mx: ")
            && value.first().is_some_and(|&b| !is_wsp(b))
            && value.last().is_some_and(|&b| !is_wsp(b))
        {
            self.line_ending(n, term);
            return self.mx(n, value);
        }
        // The other lines of most policies: `key: value`, the key and the
        // value without whitespace around them. What checked_line would
        // find for them is no warning but the line ending's, this key and
        // this value. (64-bit targets: the firmware image keeps its size.)
        if FAST
            && cfg!(target_pointer_width = "64")
            && line.first().is_some_and(|&b| !is_wsp(b))
            && let Some(colon) = line.iter().position(|&b| b == b':')
            && let (key, [b':', b' ', value @ ..]) = line.split_at(colon)
            && key.last().is_some_and(|&b| !is_wsp(b))
            && value.first().is_some_and(|&b| !is_wsp(b))
            && value.last().is_some_and(|&b| !is_wsp(b))
        {
            self.line_ending(n, term);
            return self.field(n, key, value);
        }
        self.checked_line(n, line, term)
    }

    /// The rest of [`Self::line`], once its octets are known to be allowed.
    fn checked_line(
        &mut self,
        n: usize,
        line: &'a [u8],
        term: Terminator,
    ) -> Result<(), PolicyErrorKind> {
        self.line_ending(n, term);
        if line.iter().all(|&b| is_wsp(b)) {
            self.warn(n, WarningKind::BlankLine);
            return Ok(());
        }
        let trimmed = trim_wsp_start(line);
        if trimmed.len() != line.len() {
            self.warn(n, WarningKind::LeadingWhitespace);
        }
        let line = trim_wsp_end(trimmed);
        if line.len() != trimmed.len() {
            self.warn(n, WarningKind::TrailingWhitespace);
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(PolicyErrorKind::MissingColon)?;
        let (key, value) = line.split_at(colon);
        let value = trim_wsp_start(value.get(1..).unwrap_or(&[]));
        let bare_key = trim_wsp_end(key);
        if bare_key.len() != key.len() {
            self.warn(n, WarningKind::WhitespaceBeforeColon);
        }
        self.field(n, bare_key, value)
    }

    fn line_ending(&mut self, n: usize, term: Terminator) {
        match term {
            Terminator::Lf => self.saw_lf = true,
            Terminator::CrLf => self.saw_crlf = true,
            Terminator::Eof => {}
        }
        if self.saw_lf && self.saw_crlf && !self.mixed_reported {
            self.mixed_reported = true;
            self.warn(n, WarningKind::MixedLineEndings);
        }
    }

    fn field(&mut self, n: usize, key: &[u8], value: &'a [u8]) -> Result<(), PolicyErrorKind> {
        match key {
            b"version" => {
                if self.version {
                    self.warn(n, WarningKind::DuplicateField);
                } else if value == b"STSv1" {
                    self.version = true;
                } else if value.eq_ignore_ascii_case(b"STSv1") {
                    return Err(PolicyErrorKind::KeywordCase);
                } else {
                    return Err(PolicyErrorKind::InvalidVersion);
                }
            }
            b"mode" => {
                if self.mode.is_some() {
                    self.warn(n, WarningKind::DuplicateField);
                } else if let Some(mode) = Mode::from_value(value) {
                    self.mode = Some(mode);
                } else if [Mode::Enforce, Mode::Testing, Mode::None]
                    .iter()
                    .any(|m| value.eq_ignore_ascii_case(m.as_str().as_bytes()))
                {
                    return Err(PolicyErrorKind::KeywordCase);
                } else {
                    return Err(PolicyErrorKind::InvalidMode);
                }
            }
            b"max_age" => {
                if self.max_age.is_some() {
                    self.warn(n, WarningKind::DuplicateField);
                } else {
                    let seconds = parse_max_age(value).ok_or(PolicyErrorKind::InvalidMaxAge)?;
                    let clamped = u32::try_from(seconds)
                        .unwrap_or(MAX_MAX_AGE)
                        .min(MAX_MAX_AGE);
                    if seconds > u64::from(MAX_MAX_AGE) {
                        self.warn(n, WarningKind::MaxAgeClamped);
                    }
                    self.max_age = Some(clamped);
                }
            }
            b"mx" => self.mx(n, value)?,
            _ if KEYWORDS.iter().any(|k| key.eq_ignore_ascii_case(k)) => {
                self.warn(n, WarningKind::KeywordCaseField);
            }
            _ if is_ext_name(key) => {} // RFC 8461 §3.2: unknown fields are ignored.
            _ => return Err(PolicyErrorKind::InvalidKey),
        }
        Ok(())
    }

    fn mx(&mut self, n: usize, value: &'a [u8]) -> Result<(), PolicyErrorKind> {
        // A plain `mx` line took plain_mx_line already; what reaches here
        // gets the general rules, which decide a plain pattern the same
        // way (one copy of the plain scan in a firmware image).
        match MxPattern::parse_general(value) {
            Ok(pattern) => {
                if value.last() == Some(&b'.') {
                    self.warn(n, WarningKind::MxTrailingDot);
                }
                self.push_mx(pattern)?;
            }
            Err(e) => self.warn(n, WarningKind::MxIgnored(e)),
        }
        Ok(())
    }

    fn push_mx(&mut self, pattern: MxPattern<'a>) -> Result<(), PolicyErrorKind> {
        self.mx
            .push(pattern)
            .map_err(|_| PolicyErrorKind::MxCapacity)
    }
}

/// `1*10(DIGIT)` as a number.
fn parse_max_age(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 10 {
        return None;
    }
    value.iter().try_fold(0u64, |acc, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use PolicyErrorKind as E;
    use WarningKind as W;

    const BASE: &str = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";

    /// RFC 8461 §3.2, clause by clause: (body, Ok((mode, max_age, mx count,
    /// warnings)) or Err((line, error))).
    #[allow(clippy::type_complexity)]
    const BODY_CASES: &[(
        &str,
        Result<(Mode, u32, usize, &[(usize, WarningKind)]), (usize, E)>,
    )] = &[
        (BASE, Ok((Mode::Enforce, 86400, 1, &[]))),
        // sts-policy-term = LF / CRLF; the last term is optional.
        (
            "version: STSv1\r\nmode: testing\r\nmx: a.example\r\nmax_age: 1",
            Ok((Mode::Testing, 1, 1, &[])),
        ),
        (
            "version: STSv1\nmode: none\r\nmax_age: 5\n",
            Ok((Mode::None, 5, 0, &[(2, W::MixedLineEndings)])),
        ),
        (
            "version: STSv1\rmode: none\nmax_age: 5\n",
            Err((1, E::BareCr)),
        ),
        // sts-policy-field-delim = ":" *WSP
        (
            "version:STSv1\nmode:\tnone\nmax_age:5",
            Ok((Mode::None, 5, 0, &[])),
        ),
        (
            "version : STSv1\nmode: none\nmax_age: 5",
            Ok((Mode::None, 5, 0, &[(1, W::WhitespaceBeforeColon)])),
        ),
        (
            "version STSv1\nmode: none\nmax_age: 5",
            Err((1, E::MissingColon)),
        ),
        // Stray whitespace and blank lines.
        (
            "\nversion: STSv1\n  mode: none \nmax_age: 5\n\n",
            Ok((
                Mode::None,
                5,
                0,
                &[
                    (1, W::BlankLine),
                    (3, W::LeadingWhitespace),
                    (3, W::TrailingWhitespace),
                    (5, W::BlankLine),
                ],
            )),
        ),
        // sts-policy-version = "version" ":" "STSv1", case-sensitive.
        ("mode: none\nmax_age: 5", Err((0, E::MissingVersion))),
        (
            "version: STSv2\nmode: none\nmax_age: 5",
            Err((1, E::InvalidVersion)),
        ),
        (
            "version: stsv1\nmode: none\nmax_age: 5",
            Err((1, E::KeywordCase)),
        ),
        // Field names are case-sensitive (%s"version"): `Version:` is an
        // extension field, ignored, and then `version` is missing.
        (
            "Version: STSv1\nmode: none\nmax_age: 5",
            Err((0, E::MissingVersion)),
        ),
        (
            "Version: STSv2\nversion: STSv1\nmode: none\nmax_age: 5",
            Ok((Mode::None, 5, 0, &[(1, W::KeywordCaseField)])),
        ),
        (
            "version: STSv1 x\nmode: none\nmax_age: 5",
            Err((1, E::InvalidVersion)),
        ),
        // sts-policy-mode-value = "testing" / "enforce" / "none"
        ("version: STSv1\nmax_age: 5", Err((0, E::MissingMode))),
        (
            "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 5",
            Err((2, E::KeywordCase)),
        ),
        (
            "version: STSv1\nMode: enforce\nmx: a.example\nmax_age: 5",
            Err((0, E::MissingMode)),
        ),
        (
            "version: STSv1\nMode: testing\nmode: enforce\nmx: a.example\nmax_age: 5",
            Ok((Mode::Enforce, 5, 1, &[(2, W::KeywordCaseField)])),
        ),
        // `MX:` is not `mx`: its value is not a pattern of this policy.
        (
            "version: STSv1\nmode: enforce\nmx: a.example\nMX: evil.example\nmax_age: 5",
            Ok((Mode::Enforce, 5, 1, &[(4, W::KeywordCaseField)])),
        ),
        // A leading UTF-8 byte-order mark is skipped.
        (
            "\u{feff}version: STSv1\nmode: none\nmax_age: 5",
            Ok((Mode::None, 5, 0, &[(1, W::ByteOrderMark)])),
        ),
        (
            "version: STSv1\n\u{feff}mode: none\nmax_age: 5",
            Err((2, E::InvalidKey)),
        ),
        (
            "version: STSv1\nmode: strict\nmax_age: 5",
            Err((2, E::InvalidMode)),
        ),
        (
            "version: STSv1\nmode:\nmax_age: 5",
            Err((2, E::InvalidMode)),
        ),
        // sts-policy-max-age-value = 1*10(DIGIT), at most 31557600.
        ("version: STSv1\nmode: none", Err((0, E::MissingMaxAge))),
        (
            "version: STSv1\nmode: none\nmax_age: 31557600",
            Ok((Mode::None, 31_557_600, 0, &[])),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 31557601",
            Ok((Mode::None, 31_557_600, 0, &[(3, W::MaxAgeClamped)])),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 9999999999",
            Ok((Mode::None, 31_557_600, 0, &[(3, W::MaxAgeClamped)])),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 0000000005",
            Ok((Mode::None, 5, 0, &[])),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 0",
            Ok((Mode::None, 0, 0, &[])),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 10000000000",
            Err((3, E::InvalidMaxAge)),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: -1",
            Err((3, E::InvalidMaxAge)),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 1d",
            Err((3, E::InvalidMaxAge)),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: ",
            Err((3, E::InvalidMaxAge)),
        ),
        (
            "version: STSv1\nmode: none\nMAX_AGE: 5",
            Err((0, E::MissingMaxAge)),
        ),
        // mx is required unless mode is none; invalid entries are ignored.
        (
            "version: STSv1\nmode: enforce\nmax_age: 5",
            Err((0, E::NoValidMx)),
        ),
        (
            "version: STSv1\nmode: testing\nmx: 192.0.2.1\nmax_age: 5",
            Err((0, E::NoValidMx)),
        ),
        (
            "version: STSv1\nmode: enforce\nmx: [192.0.2.1]\nmx: a.example\nmax_age: 5",
            Ok((
                Mode::Enforce,
                5,
                1,
                &[(3, W::MxIgnored(MxPatternError::IpLiteral))],
            )),
        ),
        (
            "version: STSv1\nmode: enforce\nmx: m\u{fc}nchen.example\nmx: a.example\nmax_age: 5",
            Ok((
                Mode::Enforce,
                5,
                1,
                &[(3, W::MxIgnored(MxPatternError::NonAscii))],
            )),
        ),
        (
            "version: STSv1\nmode: enforce\nmx: a_b.example\nmx: *\nmx: a.*.example\nmx:\nmx: a.example.\nmax_age: 5",
            Ok((
                Mode::Enforce,
                5,
                1,
                &[
                    (3, W::MxIgnored(MxPatternError::Invalid)),
                    (4, W::MxIgnored(MxPatternError::Invalid)),
                    (5, W::MxIgnored(MxPatternError::Invalid)),
                    (6, W::MxIgnored(MxPatternError::Invalid)),
                    (7, W::MxTrailingDot),
                ],
            )),
        ),
        // First duplicate wins.
        (
            "version: STSv1\nmode: none\nmode: enforce\nmax_age: 5\nmax_age: x",
            Ok((
                Mode::None,
                5,
                0,
                &[(3, W::DuplicateField), (5, W::DuplicateField)],
            )),
        ),
        // Unknown keys are ignored; they must still be keys.
        (
            "version: STSv1\nmode: none\nmax_age: 5\nx-ext.1: any value \u{e9}",
            Ok((Mode::None, 5, 0, &[])),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 5\n_x: 1",
            Err((4, E::InvalidKey)),
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 5\n: 1",
            Err((4, E::InvalidKey)),
        ),
        // Hostile bytes.
        (
            "version: STSv1\nmode: none\0\nmax_age: 5",
            Err((2, E::NulByte)),
        ),
        (
            "version: STSv1\nmode: none\x0b\nmax_age: 5",
            Err((2, E::ControlCharacter)),
        ),
        ("", Err((0, E::MissingVersion))),
    ];

    #[test]
    fn body_grammar() {
        for (i, (body, expected)) in BODY_CASES.iter().enumerate() {
            let mut warnings = [Warning::EMPTY; 8];
            let got = Policy::<4>::parse(body.as_bytes(), &mut warnings);
            match (got, expected) {
                (Ok(p), Ok((mode, max_age, mx, expected_warnings))) => {
                    assert_eq!(
                        (p.mode(), p.max_age(), p.mx_patterns().len()),
                        (*mode, *max_age, *mx),
                        "row {i}: {body:?}"
                    );
                    let got_w: &[Warning] = warnings.get(..p.warnings_found()).unwrap();
                    let got_w: std::vec::Vec<_> = got_w.iter().map(|w| (w.line, w.kind)).collect();
                    assert_eq!(got_w, *expected_warnings, "row {i}: {body:?}");
                }
                (Err(e), Err((line, kind))) => {
                    assert_eq!((e.line, e.kind), (*line, *kind), "row {i}: {body:?}");
                }
                (got, _) => panic!("row {i}: {body:?}: got {got:?}, expected {expected:?}"),
            }
        }
    }

    /// RFC 8461 §4.1: (pattern, host, expected)
    const MATCH_CASES: &[(&str, &str, bool)] = &[
        ("mail.example.com", "mail.example.com", true),
        ("mail.example.com", "MAIL.Example.Com.", true),
        ("mail.example.com.", "mail.example.com", true),
        ("mail.example.com", "mail.example.com..", false),
        ("mail.example.com", "example.com", false),
        ("mail.example.com", "x.mail.example.com", false),
        ("*.example.com", "mx1.example.com", true),
        ("*.example.com", "MX1.EXAMPLE.COM.", true),
        ("*.example.com", "example.com", false),
        ("*.example.com", ".example.com", false),
        ("*.example.com", "a.b.example.com", false),
        ("*.example.com", "a.example.com.evil", false),
        ("*.example.com", "aexample.com", false),
    ];

    #[test]
    fn mx_matching() {
        for (pattern, host, expected) in MATCH_CASES {
            let p = MxPattern::parse(pattern.as_bytes()).unwrap();
            assert_eq!(
                p.matches(host.as_bytes()),
                *expected,
                "pattern {pattern:?} host {host:?}"
            );
        }
        assert!(!MxPattern::EMPTY.matches(b""));
        assert!(!MxPattern::EMPTY.matches(b"."));
    }

    #[test]
    fn hostile_bodies() {
        let mut w = [Warning::EMPTY; 2];
        let huge = std::vec![b'a'; MAX_POLICY_LEN + 1];
        assert_eq!(
            Policy::<4>::parse(&huge, &mut w).unwrap_err().kind,
            E::TooLarge
        );
        let mut long = std::string::String::from(BASE);
        long.push_str(&"x".repeat(MAX_POLICY_LINE_LEN + 1));
        assert_eq!(
            Policy::<4>::parse(long.as_bytes(), &mut w).unwrap_err(),
            PolicyError {
                line: 5,
                kind: E::LineTooLong
            }
        );
        let bad_utf8 = b"version: STSv1\nmode: none\nx: \xff\xfe\nmax_age: 5";
        assert_eq!(
            Policy::<4>::parse(bad_utf8, &mut w).unwrap_err(),
            PolicyError {
                line: 3,
                kind: E::InvalidUtf8
            }
        );
        let mut many = std::string::String::from("version: STSv1\nmode: enforce\nmax_age: 5\n");
        for i in 0..2000 {
            many.push_str(&std::format!("mx: mx{i}.example.com\n"));
        }
        assert_eq!(
            Policy::<4>::parse(many.as_bytes(), &mut w).unwrap_err(),
            PolicyError {
                line: 8,
                kind: E::MxCapacity
            }
        );
        assert_eq!(
            Policy::<64>::parse(many.as_bytes(), &mut w)
                .unwrap_err()
                .kind,
            E::MxCapacity
        );
        // Storage sized by the caller, beyond the default capacity.
        let mut fifty = std::string::String::from("version: STSv1\nmode: enforce\nmax_age: 5\n");
        for i in 0..50 {
            fifty.push_str(&std::format!("mx: mx{i}.example.com\n"));
        }
        let p = Policy::<64>::parse(fifty.as_bytes(), &mut w).unwrap();
        assert_eq!(p.mx_patterns().len(), 50);
        assert!(p.allows_mx(b"mx49.example.com"));
        assert_eq!(
            Policy::<50>::parse(fifty.as_bytes(), &mut w).map(|p| p.mx_patterns().len()),
            Ok(50)
        );
        assert_eq!(
            Policy::<49>::parse(fifty.as_bytes(), &mut w).unwrap_err(),
            PolicyError {
                line: 53,
                kind: E::MxCapacity
            }
        );
        // Thousands of ignorable lines: warnings overflow into the count.
        let mut blanks = std::string::String::from(BASE);
        blanks.push_str(&"\n".repeat(3000));
        let p = Policy::<4>::parse(blanks.as_bytes(), &mut w).unwrap();
        assert_eq!(p.warnings_found(), 3000);
        assert_eq!(
            w[1],
            Warning {
                line: 6,
                kind: W::BlankLine
            }
        );
    }

    /// Codes are published in JSON and C: unique and kebab-case.
    #[test]
    fn codes_are_unique_and_kebab_case() {
        let errors = [
            E::TooLarge,
            E::InvalidUtf8,
            E::NulByte,
            E::LineTooLong,
            E::BareCr,
            E::ControlCharacter,
            E::MissingColon,
            E::InvalidKey,
            E::KeywordCase,
            E::MissingVersion,
            E::InvalidVersion,
            E::MissingMode,
            E::InvalidMode,
            E::MissingMaxAge,
            E::InvalidMaxAge,
            E::NoValidMx,
            E::MxCapacity,
        ];
        let warnings = [
            W::BlankLine,
            W::LeadingWhitespace,
            W::TrailingWhitespace,
            W::WhitespaceBeforeColon,
            W::MixedLineEndings,
            W::MaxAgeClamped,
            W::DuplicateField,
            W::MxTrailingDot,
            W::MxIgnored(MxPatternError::Invalid),
            W::KeywordCaseField,
            W::ByteOrderMark,
        ];
        for e in errors {
            let expected = if e == E::MxCapacity {
                ResultType::ValidationFailure
            } else {
                ResultType::StsPolicyInvalid
            };
            assert_eq!(e.result_type(), expected, "{e:?}");
            assert_eq!(e.is_local_limit(), e == E::MxCapacity);
        }
        let codes: std::vec::Vec<&str> = errors.iter().map(|e| e.code()).collect();
        let warning_codes: std::vec::Vec<&str> = warnings.iter().map(|w| w.code()).collect();
        for list in [&codes, &warning_codes] {
            for (i, code) in list.iter().enumerate() {
                assert!(
                    code.bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
                    "{code}"
                );
                assert!(!list[i + 1..].contains(code), "{code} twice");
            }
        }
    }

    /// The fast path and the octet-by-octet one decide `body` alike: same
    /// policy or error (with its line), same warnings.
    fn fast_is_general(body: &[u8]) -> Result<(), proptest::test_runner::TestCaseError> {
        let mut fast_w = [Warning::EMPTY; 6];
        let mut slow_w = [Warning::EMPTY; 6];
        let fast = Policy::<4>::parse(body, &mut fast_w);
        let slow = Policy::<4>::parse_with::<false>(body, &mut slow_w);
        proptest::prop_assert_eq!(
            &fast,
            &slow,
            "{:?}",
            std::string::String::from_utf8_lossy(body)
        );
        proptest::prop_assert_eq!(fast_w, slow_w);
        Ok(())
    }

    /// Bodies made of the lines and line ends policies hold, well and badly
    /// formed, for the fast and the octet-by-octet paths to agree on.
    fn policy_body() -> impl proptest::strategy::Strategy<Value = std::vec::Vec<u8>> {
        use proptest::prelude::*;
        use std::string::{String, ToString};
        use std::vec;
        let line = prop_oneof![
            Just("version: STSv1".to_string()),
            Just("version: STSv2".to_string()),
            Just("version:STSv1".to_string()),
            Just("version : STSv1".to_string()),
            Just("mode: enforce".to_string()),
            Just("mode: testing".to_string()),
            Just("mode: none".to_string()),
            Just("mode: Enforce".to_string()),
            Just("Mode: enforce".to_string()),
            Just("max_age: 604800".to_string()),
            Just("max_age: 99999999999".to_string()),
            Just("max_age:\t86400".to_string()),
            Just("MX: evil.example".to_string()),
            Just("x-ext: any \u{e9} value".to_string()),
            Just("_bad: 1".to_string()),
            Just("no colon".to_string()),
            Just("\u{feff}mode: none".to_string()),
            Just(String::new()),
            Just("   ".to_string()),
            Just("\t".to_string()),
            "[ \t]{0,2}mx[ \t]{0,2}:[ \t]{0,2}(\\*\\.)?[a-z0-9_*.:\\[\\]-]{0,20}\\.?[ \t]{0,2}",
            "mx: (\\*\\.)?([a-z0-9-]{1,8}\\.){0,3}[a-z0-9-]{0,8}\\.?",
            "mx: [0-9.]{1,12}",
            // Past 63 octets the word scan hands a domain to the octet
            // scan, which finds labels longer than 63.
            "mx: (\\*\\.)?[a-z]{50,70}(\\.[a-z]{1,20}){0,2}",
            "mx: ([a-z]{1,9}\\.){6,9}[a-z]{1,9}",
            "mx: \\*\\.[0-9.]{1,12}",
            "[a-z_]{1,8}: [ -~]{0,12}",
            "[ \t]?(version|mode|max_age|mx|x-e|Mode)?[ \t]?:[ \t]{0,2}(STSv1|enforce|testing|none|86400|a\\.b)?[ \t]?",
            "[\x00-\x7f]{0,12}",
        ];
        let end = prop_oneof![
            Just("\n"),
            Just("\r\n"),
            Just("\r"),
            Just("\r\r\n"),
            Just(""),
            Just("\x7f\n"),
            Just("\0\n")
        ];
        (any::<bool>(), proptest::collection::vec((line, end), 0..12)).prop_map(|(bom, lines)| {
            let mut body = std::vec::Vec::new();
            if bom {
                body.extend_from_slice(b"\xef\xbb\xbf");
            }
            for (line, end) in lines {
                body.extend_from_slice(line.as_bytes());
                body.extend_from_slice(end.as_bytes());
            }
            body
        })
    }

    /// A long line that is otherwise clean: the line limit is checked on
    /// the fast path too.
    #[test]
    fn clean_long_lines_are_too_long() {
        let mut body =
            std::string::String::from("version: STSv1\r\nmode: none\r\nmax_age: 5\r\nx: ");
        body.push_str(&"y".repeat(MAX_POLICY_LINE_LEN));
        body.push_str("\r\n");
        let mut w = [Warning::EMPTY; 2];
        assert_eq!(
            Policy::<4>::parse(body.as_bytes(), &mut w),
            Err(PolicyError {
                line: 4,
                kind: E::LineTooLong
            })
        );
        assert_eq!(
            Policy::<4>::parse_with::<false>(body.as_bytes(), &mut w),
            Err(PolicyError {
                line: 4,
                kind: E::LineTooLong
            })
        );
    }

    /// Line ends, BOM, extension fields and whitespace, on the fast path:
    /// (body, mx count or error line and kind, warnings).
    #[allow(clippy::type_complexity)]
    const FAST_PATH_CASES: &[(&str, Result<usize, (usize, E)>, &[(usize, WarningKind)])] = &[
        (
            "version: STSv1\r\nmode: enforce\r\nmx: a.example\r\nmax_age: 5\r\n",
            Ok(1),
            &[],
        ),
        (
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 5\n",
            Ok(1),
            &[],
        ),
        (
            "version: STSv1\nmode: enforce\r\nmx: a.example\nmax_age: 5",
            Ok(1),
            &[(2, W::MixedLineEndings)],
        ),
        (
            "\u{feff}version: STSv1\r\nmode: enforce\r\nmx: *.a.example\r\nmax_age: 5",
            Ok(1),
            &[(1, W::ByteOrderMark)],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\nmx: a.example\r\nx-ext: v\r\nmax_age: 5",
            Ok(1),
            &[],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\nmx:\ta.example\r\nmax_age: 5",
            Ok(1),
            &[],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\nmx: a.example \r\nmax_age: 5",
            Ok(1),
            &[(3, W::TrailingWhitespace)],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\n mx: a.example\r\nmax_age: 5",
            Ok(1),
            &[(3, W::LeadingWhitespace)],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\nmx : a.example\r\nmax_age: 5",
            Ok(1),
            &[(3, W::WhitespaceBeforeColon)],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\nmx: a.example\r\r\nmax_age: 5",
            Err((3, E::BareCr)),
            &[],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\nmx: a.example\x7f\r\nmax_age: 5",
            Err((3, E::ControlCharacter)),
            &[],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\nmx: 1.2.3.4\r\nmx: *.1.2.3.4\r\nmax_age: 5",
            Ok(1),
            &[(3, W::MxIgnored(MxPatternError::IpLiteral))],
        ),
        (
            "version: STSv1\r\nmode: enforce\r\nmx: a-.example\r\nmx: -a.example\r\nmx: a.example.\r\nmax_age: 5",
            Ok(1),
            &[
                (3, W::MxIgnored(MxPatternError::Invalid)),
                (4, W::MxIgnored(MxPatternError::Invalid)),
                (5, W::MxTrailingDot),
            ],
        ),
    ];

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn not_alphanumeric_every_octet_everywhere() {
        for b in 0..=u8::MAX {
            for at in 0..8 {
                for filler in [b'a', b'Z', b'0', b'.', b'-', 0, 0xff] {
                    let mut octets = [filler; 8];
                    octets[at] = b;
                    let expected = octets
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| !o.is_ascii_alphanumeric())
                        .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
                    assert_eq!(
                        not_alphanumeric::<false>(u64::from_le_bytes(octets)),
                        expected,
                        "{octets:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn fast_path_edges() {
        for (i, (body, expected, expected_warnings)) in FAST_PATH_CASES.iter().enumerate() {
            for fast in [true, false] {
                let mut w = [Warning::EMPTY; 8];
                let got = if fast {
                    Policy::<4>::parse(body.as_bytes(), &mut w)
                } else {
                    Policy::<4>::parse_with::<false>(body.as_bytes(), &mut w)
                };
                match (&got, expected) {
                    (Ok(p), Ok(count)) => {
                        assert_eq!(p.mx_patterns().len(), *count, "row {i} fast {fast}");
                        let got_w: std::vec::Vec<_> = w[..p.warnings_found()]
                            .iter()
                            .map(|w| (w.line, w.kind))
                            .collect();
                        assert_eq!(got_w, *expected_warnings, "row {i} fast {fast}");
                    }
                    (Err(e), Err((line, kind))) => {
                        assert_eq!((e.line, e.kind), (*line, *kind), "row {i} fast {fast}");
                    }
                    _ => panic!("row {i} fast {fast}: got {got:?}, expected {expected:?}"),
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The word-at-a-time scan and the fast `mx` shape decide exactly
        /// as the octet-by-octet path: same policy, same warnings, same
        /// error and line.
        #[test]
        fn fast_path_is_the_general_path(body in policy_body()) {
            fast_is_general(&body)?;
        }

        /// The fast path and the reference agree on any octets too: an
        /// ASCII body skips the full UTF-8 check only on the fast path.
        #[test]
        fn fast_path_is_the_general_path_on_any_octets(
            head in policy_body(),
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let mut body = head;
            body.extend_from_slice(&bytes);
            fast_is_general(&body)?;
        }

        /// What the fast `mx` shape accepts, the general rules accept as
        /// the same pattern.
        #[test]
        fn plain_mx_shape_is_general(value in "(\\*\\.)?[a-zA-Z0-9_.*:-]{0,70}|[ -~]{0,10}|[0-9.]{0,12}") {
            if let Some(p) = MxPattern::parse_plain(value.as_bytes()) {
                proptest::prop_assert_eq!(Ok(p), MxPattern::parse_general(value.as_bytes()));
            }
        }

        /// The word-at-a-time plain shape is the octet-by-octet one, on
        /// any octets (the padding zeros past the end included).
        #[cfg(target_pointer_width = "64")]
        #[test]
        fn plain_prefix_is_octet_by_octet(
            value in "(\\*\\.)?[a-zA-Z0-9.-]{0,80}([\\x00-\\x7f]|[\\u{80}-\\u{10ffff}])?[a-zA-Z0-9 .\r\n-]{0,20}|[\\x00-\\u{ff}]{0,40}",
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            dense in "(\\*\\.)?([aZ0]{0,3}[.-]{0,2}){0,30}[a.\r-]{0,3}",
            long in "([a-z]{0,9}[a-z-]{55,70}\\.){0,4}[a-z-]{0,70}[.\r]?",
        ) {
            for text in [value.as_bytes(), &bytes, dense.as_bytes(), long.as_bytes()] {
                proptest::prop_assert_eq!(MxPattern::plain_prefix(text), MxPattern::plain_prefix_octets(text), "{:?}", text);
            }
        }

        /// The letter-or-digit mask is the class table's, octet by octet.
        #[cfg(target_pointer_width = "64")]
        #[test]
        fn not_alphanumeric_is_the_class_table(word in proptest::prelude::any::<u64>()) {
            let mut expected = 0u64;
            for (i, b) in word.to_le_bytes().into_iter().enumerate() {
                if !b.is_ascii_alphanumeric() {
                    expected |= 0x80 << (8 * i);
                }
            }
            proptest::prop_assert_eq!(not_alphanumeric::<false>(word), expected);
        }

        /// On ASCII words, the ASCII letter-or-digit mask is the general
        /// one; the ASCII scan of an ASCII text is the general scan.
        #[cfg(target_pointer_width = "64")]
        #[test]
        fn ascii_scan_is_the_general_scan(
            word in proptest::prelude::any::<u64>(),
            value in "(\\*\\.)?[a-zA-Z0-9.-]{0,80}[\\x00-\\x7f]?[a-zA-Z0-9 .\r\n-]{0,20}",
            dense in "(\\*\\.)?([aZ0]{0,3}[.-]{0,2}){0,30}[a.\r-]{0,3}",
        ) {
            let ascii = word & !HIGH_BITS;
            proptest::prop_assert_eq!(not_alphanumeric::<true>(ascii), not_alphanumeric::<false>(ascii));
            for text in [value.as_bytes(), dense.as_bytes()] {
                proptest::prop_assert_eq!(MxPattern::plain_prefix_words::<true>(text), MxPattern::plain_prefix_octets(text), "{:?}", text);
            }
        }

        /// allows_mx is MxPattern::matches over every pattern.
        #[test]
        fn allows_mx_is_any_pattern_matching(
            patterns in proptest::collection::vec("(\\*\\.)?([a-cA-C]{1,2}\\.){0,2}[a-c]{1,2}\\.?", 1..5),
            host in "\\.?([a-cA-C]{0,2}\\.){0,3}[a-c]{0,2}\\.{0,2}",
        ) {
            let mut body = std::string::String::from("version: STSv1\nmode: enforce\nmax_age: 5\n");
            for p in &patterns {
                body.push_str(&std::format!("mx: {p}\n"));
            }
            let mut w = [Warning::EMPTY; 8];
            if let Ok(policy) = Policy::<8>::parse(body.as_bytes(), &mut w) {
                let any = policy.mx_patterns().iter().any(|p| p.matches(host.as_bytes()));
                proptest::prop_assert_eq!(policy.allows_mx(host.as_bytes()), any, "{:?} {:?}", patterns, host);
            }
        }

        /// The control-octet scan finds what a plain search finds.
        #[test]
        fn first_control_is_a_plain_search(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            proptest::prop_assert_eq!(
                first_control(&bytes),
                bytes.iter().position(|&b| b < 0x20 || b == 0x7f)
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// RFC 8461 §4.1: `*.` covers exactly one label, never two.
        #[test]
        fn wildcard_never_covers_two_labels(
            a in "[a-z0-9]{1,10}",
            b in "[a-z0-9]{1,10}",
            domain in "[a-z]{1,10}\\.[a-z]{2,5}",
        ) {
            let pattern = std::format!("*.{domain}");
            let p = MxPattern::parse(pattern.as_bytes()).unwrap();
            let one = std::format!("{a}.{domain}");
            let upper = one.to_ascii_uppercase();
            let two = std::format!("{a}.{b}.{domain}");
            proptest::prop_assert!(p.matches(one.as_bytes()));
            proptest::prop_assert!(p.matches(upper.as_bytes()));
            proptest::prop_assert!(!p.matches(two.as_bytes()));
            proptest::prop_assert!(!p.matches(domain.as_bytes()));
        }

        /// Arbitrary bytes never panic the parser.
        #[test]
        fn arbitrary_bodies_do_not_panic(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let mut w = [Warning::EMPTY; 4];
            let _ = Policy::<4>::parse(&body, &mut w);
        }
    }
}
