//! TLSA records in presentation form: `--tlsa` arguments, and files of
//! records (`U S M HEX` lines, zone files, `dig` output), each record
//! remembering where it came from and whether anyone vouched for its DNSSEC
//! status, so that reports and errors can say so.
//!
//! A file is read as a zone file is (RFC 1035 §5.1): `;` comments,
//! parenthesised records over several lines (`dig +multiline`), `$ORIGIN`
//! and `$TTL`, a blank owner repeating the previous one, records of other
//! types skipped. `dig` output (a `->>HEADER<<-` line) is read as such: only
//! the answer section counts, and an answer without the `ad` flag or with a
//! status other than NOERROR is refused unless the caller vouches for it.
//! Records whose owner is not the TLSA name asked about are ignored and
//! reported, except when a CNAME chain in the same input leads to them
//! (RFC 7672 §2.2.2).

use mxtrust::base_domain::Protocol;
use mxtrust::limits::{MAX_TLSA_DATA_LEN, MAX_TLSA_RECORDS};
use mxtrust::{CertUsage, MatchingType, Selector, Tlsa};

use crate::{ReadError, ReadErrorKind};

/// The largest TLSA input accepted, in octets: 64 records of the largest
/// data in hex, with room for owners, `dig`'s comments and RRSIGs.
pub const MAX_INPUT_LEN: usize = MAX_TLSA_RECORDS * (MAX_TLSA_DATA_LEN * 2 + 4_096) + 65_536;

/// Most CNAMEs followed from the TLSA name.
const MAX_CNAME_HOPS: usize = 8;

/// Who vouches for a record's DNSSEC status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dnssec {
    /// `dig` output whose header has the `ad` flag: the resolver's claim
    /// that it validated the answer.
    ResolverAd,
    /// The user's own data (`--tlsa`, zone lines, bare records, or `dig`
    /// output taken with an explicit override): not checked.
    NotChecked,
    /// Received from DNS and validated by mxtrust itself from a trust
    /// anchor (`mxtrust check`).
    Validated,
}

impl Dnssec {
    /// The stable name in reports: `resolver-ad` or `not-checked`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::ResolverAd => "resolver-ad",
            Self::NotChecked => "not-checked",
            Self::Validated => "validated",
        }
    }
}

/// A TLSA record that owns its certificate association data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Where it came from: `FILE:LINE` or `--tlsa N`.
    pub source: String,
    /// Its TTL in seconds, when the input gave one (a zone or `dig` line,
    /// or `$TTL`).
    pub ttl: Option<u32>,
    /// Who vouches for its DNSSEC status.
    pub dnssec: Dnssec,
    usage: CertUsage,
    selector: Selector,
    matching_type: MatchingType,
    data: Vec<u8>,
}

impl Record {
    /// Parses one record in any form [`Tlsa::parse_text`] accepts; the
    /// user's own data, so its DNSSEC status is not checked.
    ///
    /// # Errors
    ///
    /// Core's reason.
    pub fn parse(text: &str, source: String) -> Result<Self, mxtrust::Error> {
        // Hex never decodes to more than half the text.
        let mut storage = vec![0u8; text.len() / 2 + 1];
        let tlsa = Tlsa::parse_text(text, &mut storage)?;
        Ok(Self {
            usage: tlsa.usage,
            selector: tlsa.selector,
            matching_type: tlsa.matching_type,
            data: tlsa.data.to_vec(),
            dnssec: Dnssec::NotChecked,
            ttl: None,
            source,
        })
    }

    /// A record received from DNS, with who vouches for its DNSSEC status.
    pub fn received(tlsa: Tlsa<'_>, source: String, dnssec: Dnssec) -> Self {
        Self {
            source,
            dnssec,
            ttl: None,
            usage: tlsa.usage,
            selector: tlsa.selector,
            matching_type: tlsa.matching_type,
            data: tlsa.data.to_vec(),
        }
    }

    /// A record from core's view of one (wire RDATA, or fields a caller
    /// holds); the user's own data, so its DNSSEC status is not checked.
    pub fn new(tlsa: &Tlsa<'_>, source: String) -> Self {
        Self::received(*tlsa, source, Dnssec::NotChecked)
    }

    /// The core view of this record.
    pub fn tlsa(&self) -> Tlsa<'_> {
        Tlsa {
            usage: self.usage,
            selector: self.selector,
            matching_type: self.matching_type,
            data: &self.data,
        }
    }
}

/// A TLSA record read and then left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Ignored {
    /// `FILE:LINE`.
    pub source: String,
    /// Its owner name.
    pub owner: String,
    /// Why it was left out.
    pub reason: String,
}

/// How to read a file of records.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions<'a> {
    /// How sources call the file (`NAME:LINE`).
    pub name: &'a str,
    /// The TLSA name asked about, e.g. `_25._tcp.mx.example.com`: records
    /// of other owners are ignored. Empty: records of every owner count
    /// (reading records without asking about a name).
    pub tlsa_name: &'a str,
    /// Take `dig` output without the `ad` flag or with an error status: the
    /// user vouches for the data (its records are then `NotChecked`).
    pub dnssec_unchecked: bool,
}

/// What a file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordFile {
    /// The records that count, in file order.
    pub records: Vec<Record>,
    /// TLSA records left out (another owner, outside the answer section).
    pub ignored: Vec<Ignored>,
}

/// The records of a TLSA input as a document (the wasm package's
/// `parseTlsa`): each record with its fields, and whether it is usable on
/// its own under the SMTP profile with the default digest preference
/// (digest agility is a property of the RRset, judged by a check).
#[derive(Clone, Debug, serde::Serialize)]
pub struct RecordsReport {
    /// The records that count, in input order.
    pub records: Vec<RecordEntry>,
    /// Records read and left out.
    pub ignored: Vec<Ignored>,
    /// Whether the RRset has a usable record under the SMTP profile and
    /// the default digest preference (core's `TlsaUsability::of`):
    /// `some-usable` or `all-unusable`, the decision's input.
    pub usability: &'static str,
}

/// One record of a [`RecordsReport`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct RecordEntry {
    /// Position, from 1.
    pub index: usize,
    /// Where it came from.
    pub source: String,
    /// Presentation form, `U S M HEX`.
    pub record: String,
    /// Certificate usage, selector and matching type.
    pub usage: u8,
    /// Selector.
    pub selector: u8,
    /// Matching type.
    pub matching_type: u8,
    /// The certificate association data, lower-case hex.
    pub data: String,
    /// `resolver-ad` or `not-checked`.
    pub dnssec: &'static str,
    /// Core's reason when the record is unusable under the SMTP profile
    /// (RFC 7672 §3.1), as a code; null when usable.
    pub unusable: Option<&'static str>,
    /// The same in words.
    pub reason: Option<String>,
}

impl RecordsReport {
    /// The document of `file`.
    pub fn new(file: &RecordFile) -> Self {
        let preference = mxtrust::tlsa::DigestPreference::default();
        let records = file
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let tlsa = r.tlsa();
                let record = tlsa.to_string();
                let data = record.rsplit(' ').next().unwrap_or_default().to_owned();
                let unusable = tlsa
                    .usability(mxtrust::tlsa::ProfileKind::Smtp, &preference)
                    .err();
                RecordEntry {
                    index: i.saturating_add(1),
                    source: r.source.clone(),
                    usage: u8::from(tlsa.usage),
                    selector: u8::from(tlsa.selector),
                    matching_type: u8::from(tlsa.matching_type),
                    data: if tlsa.data.is_empty() {
                        String::new()
                    } else {
                        data
                    },
                    record,
                    dnssec: r.dnssec.code(),
                    unusable: unusable.map(|u| u.code()),
                    reason: unusable.map(|u| u.to_string()),
                }
            })
            .collect();
        let tlsas: Vec<_> = file.records.iter().map(Record::tlsa).collect();
        let usability = mxtrust::decision::TlsaUsability::of(
            &tlsas,
            mxtrust::tlsa::ProfileKind::Smtp,
            &preference,
        );
        Self {
            records,
            ignored: file.ignored.clone(),
            usability: usability.code(),
        }
    }
}

/// The TLSA name of a service: `_PORT._PROTO.HOST` (RFC 6698 §3), without
/// a final dot.
pub fn tlsa_name(port: u16, protocol: Protocol, host: &str) -> String {
    let host = host.trim_start_matches('.').trim_end_matches('.');
    format!("_{port}.{}.{host}", protocol.label())
}

/// The transport protocol a user named (`tcp`, `udp` or `sctp`, RFC 6698
/// §3), or why not, in words that list the names.
///
/// # Errors
///
/// Any other name.
pub fn protocol(name: &str) -> Result<Protocol, String> {
    Protocol::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Protocol::ALL.iter().map(|p| p.name()).collect();
        format!(
            "the protocol must be {} (RFC 6698 §3), not {name:?}",
            names.join(", ")
        )
    })
}

/// Why no record counts for `tlsa_name`, in words: the records that were
/// read but left out (another owner, an alias), by owner, so that a user
/// who asked about the wrong name sees which one the data is for.
pub fn no_records_reason(tlsa_name: &str, ignored: &[Ignored]) -> String {
    let mut text = format!("no TLSA records for {tlsa_name}");
    // Owners in the order the input gives them, with their counts.
    let mut owners: Vec<(&str, usize)> = Vec::new();
    for i in ignored {
        let owner = i.owner.trim_end_matches('.');
        match owners
            .iter_mut()
            .find(|(o, _)| o.eq_ignore_ascii_case(owner))
        {
            Some((_, n)) => *n += 1,
            None => owners.push((owner, 1)),
        }
    }
    let plural = |n: usize| if n == 1 { "record" } else { "records" };
    const SHOWN: usize = 3;
    for (k, (owner, n)) in owners.iter().take(SHOWN).enumerate() {
        if k == 0 {
            if let Some(first) = ignored.first() {
                text.push_str(&format!(
                    "; left out: {n} {} of {owner} ({}; first at {})",
                    plural(*n),
                    first.reason,
                    first.source
                ));
            }
        } else {
            text.push_str(&format!(", {n} of {owner}"));
        }
    }
    let rest: usize = owners.iter().skip(SHOWN).map(|(_, n)| n).sum();
    if rest > 0 {
        text.push_str(&format!(", {rest} of other owners"));
    }
    text
}

/// One resource record of a file, its continuation lines joined.
struct Entry {
    line: usize,
    text: String,
    starts_blank: bool,
    section: Section,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// Not `dig` output, or before any section header.
    None,
    Answer,
    Other,
}

/// What `dig`'s header lines say.
#[derive(Default)]
struct Header {
    line: usize,
    status: Option<String>,
    ad: Option<bool>,
}

/// The records of a file's text. See the module documentation for what is
/// read and what is skipped.
///
/// # Errors
///
/// The first record that does not parse, an unterminated parenthesis, an
/// `$INCLUDE`, or `dig` output whose header does not say the answer was
/// DNSSEC-validated (unless `options.dnssec_unchecked`), each with its line.
pub fn records(text: &str, options: &ReadOptions<'_>) -> Result<RecordFile, ReadError> {
    let mut headers: Vec<Header> = Vec::new();
    let mut entries = Vec::new();
    let mut section = Section::None;
    let mut pending: Option<(usize, String, bool, usize)> = None; // line, text, blank, depth
    for (n, raw) in text.lines().enumerate() {
        let number = n.saturating_add(1);
        if pending.is_none() {
            let trimmed = raw.trim_start();
            if trimmed.starts_with(';') || trimmed.starts_with('#') {
                dig_comment(trimmed, number, &mut headers, &mut section);
                continue;
            }
        }
        let (code, depth) = strip_comment(raw, pending.as_ref().map_or(0, |p| p.3));
        match pending.take() {
            Some((line, mut joined, blank, _)) => {
                joined.push(' ');
                joined.push_str(code);
                if depth == 0 {
                    entries.push(entry(line, joined, blank, section));
                } else {
                    pending = Some((line, joined, blank, depth));
                }
            }
            None if code.trim().is_empty() => {}
            None => {
                let blank = code.starts_with([' ', '\t']);
                if depth == 0 {
                    entries.push(entry(number, code.to_owned(), blank, section));
                } else {
                    pending = Some((number, code.to_owned(), blank, depth));
                }
            }
        }
    }
    if let Some((line, ..)) = pending {
        return Err(ReadError::at(line, ReadErrorKind::UnclosedParenthesis));
    }
    let vouched = check_headers(&headers, options)?;
    let is_dig = !headers.is_empty();
    let dnssec = if vouched {
        Dnssec::ResolverAd
    } else {
        Dnssec::NotChecked
    };

    let mut origin: Option<String> = None;
    let mut default_ttl: Option<u32> = None;
    let mut last_owner: Option<String> = None;
    let mut parsed = Vec::new();
    let mut cnames: Vec<(String, String)> = Vec::new();
    for e in &entries {
        let words: Vec<&str> = e.text.split_ascii_whitespace().collect();
        let Some(first) = words.first() else {
            continue;
        };
        if let Some(directive) = first.strip_prefix('$') {
            match directive.to_ascii_uppercase().as_str() {
                "ORIGIN" => {
                    origin = words.get(1).map(|o| absolute(o, None));
                }
                "TTL" => default_ttl = words.get(1).and_then(|w| ttl_seconds(w)),
                other => {
                    return Err(ReadError::at(
                        e.line,
                        ReadErrorKind::UnsupportedDirective(format!("${other}")),
                    ));
                }
            }
            continue;
        }
        let Some(rr) = split_rr(&words, e.starts_blank) else {
            // `U S M HEX`, or something core will name.
            parsed.push((e, None, e.text.clone(), None));
            continue;
        };
        let owner = match rr.owner {
            Some(owner) => absolute(owner, origin.as_deref()),
            None => last_owner.clone().unwrap_or_default(),
        };
        last_owner = Some(owner.clone());
        let counts = !is_dig || e.section == Section::Answer;
        if rr.kind.eq_ignore_ascii_case("CNAME") && counts {
            if let Some(target) = rr.rdata.first() {
                cnames.push((owner, absolute(target, origin.as_deref())));
            }
        } else if rr.kind.eq_ignore_ascii_case("TLSA") || rr.kind.eq_ignore_ascii_case("TYPE52") {
            let rdata = rr.rdata.join(" ");
            parsed.push((e, Some(owner), rdata, rr.ttl.or(default_ttl)));
        }
    }

    let names = cname_chain(options.tlsa_name, &cnames);
    let mut file = RecordFile::default();
    for (e, owner, rdata, ttl) in parsed {
        let source = format!("{}:{}", options.name, e.line);
        if let Some(owner) = &owner {
            if is_dig && e.section != Section::Answer {
                file.ignored.push(Ignored {
                    source,
                    owner: owner.clone(),
                    reason: "outside the answer section".to_owned(),
                });
                continue;
            }
            if !options.tlsa_name.is_empty() && !names.iter().any(|n| same_name(n, owner)) {
                file.ignored.push(Ignored {
                    source,
                    owner: owner.clone(),
                    reason: format!(
                        "the owner is not {}{}",
                        options.tlsa_name.trim_end_matches('.'),
                        if names.len() > 1 {
                            " nor a CNAME target of it in this input"
                        } else {
                            ""
                        }
                    ),
                });
                continue;
            }
        }
        let mut record = Record::parse(&rdata, source)
            .map_err(|err| ReadError::at(e.line, ReadErrorKind::Tlsa(err)))?;
        record.ttl = ttl;
        record.dnssec = if owner.is_some() || is_dig {
            dnssec
        } else {
            Dnssec::NotChecked
        };
        file.records.push(record);
    }
    Ok(file)
}

fn entry(line: usize, text: String, starts_blank: bool, section: Section) -> Entry {
    Entry {
        line,
        text,
        starts_blank,
        section,
    }
}

/// Reads `dig`'s header and section lines; other comments are skipped.
fn dig_comment(line: &str, number: usize, headers: &mut Vec<Header>, section: &mut Section) {
    let body = line.trim_start_matches([';', '#']).trim();
    if let Some(rest) = body.strip_prefix("->>HEADER<<-") {
        let status = rest
            .split(',')
            .find_map(|part| part.trim().strip_prefix("status:"))
            .map(|s| s.trim().to_owned());
        headers.push(Header {
            line: number,
            status,
            ad: None,
        });
        *section = Section::Other;
    } else if let Some(rest) = body.strip_prefix("flags:") {
        if let Some(header) = headers.last_mut()
            && header.ad.is_none()
        {
            let flags = rest.split(';').next().unwrap_or_default();
            header.ad = Some(flags.split_ascii_whitespace().any(|f| f == "ad"));
        }
    } else if let Some(name) = body.strip_suffix("SECTION:") {
        *section = if name.trim() == "ANSWER" {
            Section::Answer
        } else {
            Section::Other
        };
    }
}

/// Whether every `dig` header says NOERROR with `ad`; an error otherwise,
/// unless the caller vouches for the data.
fn check_headers(headers: &[Header], options: &ReadOptions<'_>) -> Result<bool, ReadError> {
    let mut vouched = !headers.is_empty();
    for header in headers {
        let status = header.status.as_deref().unwrap_or("unknown");
        let problem = if status != "NOERROR" {
            Some(ReadErrorKind::DigStatus(status.to_owned()))
        } else if header.ad != Some(true) {
            Some(ReadErrorKind::DigNotAuthenticated)
        } else {
            None
        };
        if let Some(kind) = problem {
            if !options.dnssec_unchecked {
                return Err(ReadError::at(header.line, kind));
            }
            vouched = false;
        }
    }
    Ok(vouched)
}

/// The part of a line before its `;` comment (outside quotes), and the
/// parenthesis depth after it, starting from `depth`.
fn strip_comment(line: &str, mut depth: usize) -> (&str, usize) {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => return (line.get(..i).unwrap_or(line), depth),
            '(' if !quoted => depth = depth.saturating_add(1),
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (line, depth)
}

/// The fields of a resource record line: `[owner] [ttl] [class] TYPE rdata`.
struct Rr<'w> {
    owner: Option<&'w str>,
    ttl: Option<u32>,
    kind: &'w str,
    /// The RDATA words, parentheses dropped.
    rdata: Vec<&'w str>,
}

/// `None` for a bare `U S M HEX` record (or text that is no record).
fn split_rr<'w>(words: &[&'w str], starts_blank: bool) -> Option<Rr<'w>> {
    let words: Vec<&str> = words
        .iter()
        .map(|w| w.trim_matches(['(', ')']))
        .filter(|w| !w.is_empty())
        .collect();
    let bare = words.len() >= 4 && words.iter().take(3).all(|w| is_number(w));
    if bare {
        return None;
    }
    let skip = usize::from(!starts_blank);
    let owner = if starts_blank {
        None
    } else {
        words.first().copied()
    };
    let mut i = skip;
    let mut ttl = None;
    for _ in 0..2 {
        match words.get(i) {
            Some(w) if is_ttl(w) => {
                ttl = ttl_seconds(w);
                i = i.saturating_add(1);
            }
            Some(w) if is_class(w) => i = i.saturating_add(1),
            _ => break,
        }
    }
    let kind = *words.get(i)?;
    if !is_type(kind) {
        return None;
    }
    Some(Rr {
        owner,
        ttl,
        kind,
        rdata: words
            .get(i.saturating_add(1)..)
            .unwrap_or_default()
            .to_vec(),
    })
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit())
}

/// A TTL: decimal seconds, or BIND's `1h30m` units.
fn is_ttl(word: &str) -> bool {
    word.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && word
            .bytes()
            .all(|b| b.is_ascii_digit() || b"sSmMhHdDwW".contains(&b))
}

/// A TTL's seconds: decimal, or BIND's units (`1h30m`, `2d`, `1w`).
fn ttl_seconds(word: &str) -> Option<u32> {
    if word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse().ok();
    }
    let mut total: u64 = 0;
    let mut number: u64 = 0;
    let mut digits = false;
    for b in word.bytes() {
        if b.is_ascii_digit() {
            number = number.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            digits = true;
            continue;
        }
        let unit: u64 = match b.to_ascii_lowercase() {
            b's' => 1,
            b'm' => 60,
            b'h' => 3600,
            b'd' => 86_400,
            b'w' => 604_800,
            _ => return None,
        };
        if !digits {
            return None;
        }
        total = total.checked_add(number.checked_mul(unit)?)?;
        number = 0;
        digits = false;
    }
    if digits {
        return None;
    }
    u32::try_from(total).ok()
}

fn is_class(word: &str) -> bool {
    ["IN", "CH", "HS", "CS"]
        .iter()
        .any(|c| word.eq_ignore_ascii_case(c))
}

/// A record type mnemonic a zone file or `dig` prints.
fn is_type(word: &str) -> bool {
    const TYPES: &[&str] = &[
        "A",
        "AAAA",
        "AFSDB",
        "APL",
        "CAA",
        "CDNSKEY",
        "CDS",
        "CERT",
        "CNAME",
        "CSYNC",
        "DHCID",
        "DNAME",
        "DNSKEY",
        "DS",
        "HINFO",
        "HTTPS",
        "IPSECKEY",
        "KEY",
        "KX",
        "LOC",
        "MX",
        "NAPTR",
        "NS",
        "NSEC",
        "NSEC3",
        "NSEC3PARAM",
        "OPENPGPKEY",
        "PTR",
        "RP",
        "RRSIG",
        "SIG",
        "SMIMEA",
        "SOA",
        "SPF",
        "SRV",
        "SSHFP",
        "SVCB",
        "TLSA",
        "TXT",
        "URI",
        "ZONEMD",
    ];
    TYPES.iter().any(|t| word.eq_ignore_ascii_case(t))
        || word
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("TYPE"))
            && word.len() > 4
            && word.bytes().skip(4).all(|b| b.is_ascii_digit())
}

/// An owner made absolute with `origin` (RFC 1035 §5.1: `@` is the
/// origin, a name without a final dot is relative to it).
fn absolute(name: &str, origin: Option<&str>) -> String {
    let origin = origin.unwrap_or_default().trim_end_matches('.');
    if name == "@" {
        return format!("{origin}.");
    }
    if name.ends_with('.') || origin.is_empty() {
        return name.to_owned();
    }
    format!("{name}.{origin}.")
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// `start` and every name a CNAME chain from it reaches in `cnames`.
fn cname_chain(start: &str, cnames: &[(String, String)]) -> Vec<String> {
    let mut names = vec![start.to_owned()];
    for _ in 0..MAX_CNAME_HOPS {
        let Some(current) = names.last() else { break };
        let Some((_, target)) = cnames.iter().find(|(owner, _)| same_name(owner, current)) else {
            break;
        };
        if names.iter().any(|n| same_name(n, target)) {
            break;
        }
        names.push(target.clone());
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_records_reason_names_the_owner_the_input_is_for() {
        let ignored = |owner: &str, line| Ignored {
            source: format!("tlsa:{line}"),
            owner: owner.to_owned(),
            reason: "the owner is not _25._tcp.mx2.example.test".to_owned(),
        };
        assert_eq!(
            no_records_reason("_25._tcp.mx2.example.test", &[]),
            "no TLSA records for _25._tcp.mx2.example.test"
        );
        let one_owner = [
            ignored("_25._tcp.mx.example.test.", 14),
            ignored("_25._tcp.MX.example.test", 15),
        ];
        assert_eq!(
            no_records_reason("_25._tcp.mx2.example.test", &one_owner),
            "no TLSA records for _25._tcp.mx2.example.test; left out: 2 records of \
             _25._tcp.mx.example.test (the owner is not _25._tcp.mx2.example.test; \
             first at tlsa:14)"
        );
        let many = [
            one_owner[0].clone(),
            ignored("_443._tcp.www.example.test.", 20),
            ignored("a.example.", 21),
            ignored("b.example.", 22),
            ignored("c.example.", 23),
        ];
        assert!(
            no_records_reason("_25._tcp.mx2.example.test", &many).ends_with(
                "first at tlsa:14), 1 of _443._tcp.www.example.test, 1 of a.example, \
                 2 of other owners"
            ),
            "{}",
            no_records_reason("_25._tcp.mx2.example.test", &many)
        );
    }

    const HASH: &str = "fc1d3a0b1a588d2a42f8b18ed13ad2df697708fce6554c9bd891e45b495c849b";

    fn read(text: &str) -> Result<RecordFile, ReadError> {
        records(
            text,
            &ReadOptions {
                name: "f",
                tlsa_name: "_25._tcp.mx.example.test",
                dnssec_unchecked: false,
            },
        )
    }

    fn sources(file: &RecordFile) -> Vec<&str> {
        file.records.iter().map(|r| r.source.as_str()).collect()
    }

    #[test]
    fn zone_file_directives_multiline_and_other_types() {
        let text = format!(
            "$ORIGIN example.test.\n$TTL 3600\n@ IN SOA ns hostmaster ( 1 2 3\n 4 5 )\n\
             mx IN A 192.0.2.1\n_25._tcp.mx IN TLSA 3 1 1 (\n {}\n {} ) ; comment\n\
             \t IN TLSA 2 1 1 {HASH}\n_25._tcp.other IN TLSA 3 1 1 {HASH}\n",
            &HASH[..32],
            &HASH[32..]
        );
        let file = read(&text).unwrap();
        assert_eq!(sources(&file), ["f:6", "f:9"]);
        assert_eq!(file.records[0].tlsa().data.len(), 32);
        assert!(file.records.iter().all(|r| r.dnssec == Dnssec::NotChecked));
        assert_eq!(file.ignored.len(), 1);
        assert_eq!(file.ignored[0].source, "f:10");
        assert_eq!(file.ignored[0].owner, "_25._tcp.other.example.test.");
    }

    #[test]
    fn ttls_from_lines_and_directives() {
        let text = format!(
            "$TTL 1h\n_25._tcp.mx.example.test. IN TLSA 3 1 1 {HASH}\n\
             _25._tcp.mx.example.test. 300 IN TLSA 3 1 1 {HASH}\n\
             _25._tcp.mx.example.test. 1d2h IN TLSA 3 1 1 {HASH}\n3 1 1 {HASH}\n"
        );
        let file = read(&text).unwrap();
        let ttls: Vec<Option<u32>> = file.records.iter().map(|r| r.ttl).collect();
        assert_eq!(ttls, [Some(3600), Some(300), Some(93_600), None]);
        for (word, seconds) in [
            ("0", Some(0)),
            ("1w", Some(604_800)),
            ("1h30m", Some(5400)),
            ("h", None),
            ("5x", None),
            ("99999999999", None),
        ] {
            assert_eq!(ttl_seconds(word), seconds, "{word}");
        }
    }

    #[test]
    fn bare_records_and_unclosed_parentheses() {
        let file = read(&format!("# c\n3 1 1 {HASH}\n")).unwrap();
        assert_eq!(sources(&file), ["f:2"]);
        let e = read(&format!("x. IN TLSA 3 1 1 ( {HASH}\n")).unwrap_err();
        assert_eq!(e, ReadError::at(1, ReadErrorKind::UnclosedParenthesis));
        let e = read("$INCLUDE other.zone\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    fn dig(status: &str, flags: &str, answer: &str) -> String {
        format!(
            ";; ->>HEADER<<- opcode: QUERY, status: {status}, id: 1\n\
             ;; flags: {flags}; QUERY: 1, ANSWER: 1\n\n;; QUESTION SECTION:\n\
             ;_25._tcp.mx.example.test. IN TLSA\n\n;; ANSWER SECTION:\n{answer}\n\
             ;; AUTHORITY SECTION:\n_25._tcp.mx.example.test. 1 IN TLSA 3 1 1 {HASH}\n"
        )
    }

    #[test]
    fn dig_header_decides() {
        let answer = format!("_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 {HASH}");
        let file = read(&dig("NOERROR", "qr rd ra ad", &answer)).unwrap();
        assert_eq!(sources(&file), ["f:8"]);
        assert_eq!(file.records[0].dnssec, Dnssec::ResolverAd);
        assert_eq!(file.ignored[0].reason, "outside the answer section");
        let e = read(&dig("NOERROR", "qr rd ra", &answer)).unwrap_err();
        assert_eq!(e, ReadError::at(1, ReadErrorKind::DigNotAuthenticated));
        let e = read(&dig("SERVFAIL", "qr rd ra", "")).unwrap_err();
        assert_eq!(
            e,
            ReadError::at(1, ReadErrorKind::DigStatus("SERVFAIL".to_owned()))
        );
        let vouched = records(
            &dig("NOERROR", "qr rd ra", &answer),
            &ReadOptions {
                name: "f",
                tlsa_name: "_25._tcp.mx.example.test.",
                dnssec_unchecked: true,
            },
        )
        .unwrap();
        assert_eq!(vouched.records[0].dnssec, Dnssec::NotChecked);
    }

    #[test]
    fn cname_chain_in_the_answer() {
        let answer = format!(
            "_25._tcp.mx.example.test. 300 IN CNAME tlsa.example.net.\n\
             tlsa.example.net. 300 IN CNAME tlsa2.example.net.\n\
             tlsa2.example.net. 300 IN TLSA 3 1 1 {HASH}\n\
             stray.example.net. 300 IN TLSA 3 1 1 {HASH}"
        );
        let file = read(&dig("NOERROR", "qr rd ra ad", &answer)).unwrap();
        assert_eq!(sources(&file), ["f:10"]);
        assert_eq!(file.ignored[0].source, "f:11");
        assert!(
            file.ignored[0].reason.contains("CNAME"),
            "{:?}",
            file.ignored
        );
    }

    #[test]
    fn tlsa_names() {
        assert_eq!(
            tlsa_name(25, Protocol::Tcp, "mx.example."),
            "_25._tcp.mx.example"
        );
        assert_eq!(tlsa_name(465, Protocol::Udp, "a"), "_465._udp.a");
        assert_eq!(protocol("sctp"), Ok(Protocol::Sctp));
        assert_eq!(
            protocol("quic"),
            Err("the protocol must be tcp, udp, sctp (RFC 6698 §3), not \"quic\"".to_owned())
        );
    }
}
