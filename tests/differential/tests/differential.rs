//! Differential tests: mxtrust against OpenSSL 3 (Debian's libssl) on the
//! same bytes.
//!
//! (a) The certificate view: for generated certificates of many shapes and
//!     for a few thousand deterministic mutations of fixture and generated
//!     DER, whenever both OpenSSL's `d2i_X509` and `Certificate::parse`
//!     accept a certificate, the SubjectPublicKeyInfo (as OpenSSL's DANE
//!     hashes it for selector 1), the subjectAltName dNSNames and the
//!     validity period must be identical. Where mxtrust rejects what OpenSSL
//!     accepts, the case must fall in a named category (mxtrust reads strict
//!     DER; OpenSSL's decoder is lenient BER and decodes extensions and times
//!     lazily).
//! (b) DANE verdicts: OpenSSL's own DANE (`SSL_dane_enable`,
//!     `SSL_dane_tlsa_add`, `X509_STORE_CTX_set0_dane`, as libssl itself
//!     verifies a server chain) on a matrix of generated chains and TLSA
//!     records. The `openssl` crate exposes none of the DANE API, so it is
//!     declared here; the symbols are in the libssl that openssl-sys links.
#![allow(unsafe_code, clippy::type_complexity)]

#[path = "../../../core/tests/oracle/mod.rs"]
mod oracle;
#[path = "../../../core/tests/support/mod.rs"]
mod support;

use std::ffi::{CString, c_char, c_int, c_long, c_uint, c_ulong, c_void};
use std::ptr;

use foreign_types::ForeignTypeRef;
use mxtrust::cert::Certificate;
use mxtrust::chain::Failure;
use mxtrust::dane::{self, AnchorSource, Options, Outcome, RecordStatus};
use mxtrust::{Tlsa, tlsa};
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::x509::{X509, X509Ref};
use openssl_sys as ffi;
use rcgen::{
    CertificateParams, DistinguishedName, DnType, KeyPair, SanType, SignatureAlgorithm,
    date_time_ymd,
};
use support::*;

unsafe extern "C" {
    fn SSL_CTX_dane_enable(ctx: *mut ffi::SSL_CTX) -> c_int;
    fn SSL_dane_enable(ssl: *mut ffi::SSL, basedomain: *const c_char) -> c_int;
    fn SSL_dane_set_flags(ssl: *mut ffi::SSL, flags: c_ulong) -> c_ulong;
    fn SSL_dane_tlsa_add(
        ssl: *mut ffi::SSL,
        usage: u8,
        selector: u8,
        mtype: u8,
        data: *const u8,
        dlen: usize,
    ) -> c_int;
    fn SSL_get0_dane(ssl: *mut ffi::SSL) -> *mut c_void;
    fn SSL_get0_dane_authority(
        ssl: *mut ffi::SSL,
        mcert: *mut *mut ffi::X509,
        mspki: *mut *mut ffi::EVP_PKEY,
    ) -> c_int;
    fn SSL_add1_host(ssl: *mut ffi::SSL, hostname: *const c_char) -> c_int;
    fn X509_STORE_CTX_set0_dane(ctx: *mut ffi::X509_STORE_CTX, dane: *mut c_void);
    fn X509_STORE_CTX_set_default(ctx: *mut ffi::X509_STORE_CTX, name: *const c_char) -> c_int;
    fn X509_STORE_CTX_get0_param(ctx: *mut ffi::X509_STORE_CTX) -> *mut ffi::X509_VERIFY_PARAM;
    fn X509_VERIFY_PARAM_set1(
        to: *mut ffi::X509_VERIFY_PARAM,
        from: *const ffi::X509_VERIFY_PARAM,
    ) -> c_int;
    fn X509_get_X509_PUBKEY(x: *const ffi::X509) -> *mut c_void;
    fn i2d_X509_PUBKEY(key: *const c_void, out: *mut *mut u8) -> c_int;
    fn ASN1_TIME_check(t: *const ffi::ASN1_TIME) -> c_int;
}

static ALGORITHMS: &[&dyn mxtrust::SignatureVerificationAlgorithm] =
    mxtrust::ring_algorithms_with_rsa!();

/// `DANE_FLAG_NO_DANE_EE_NAMECHECKS` from `<openssl/ssl.h>`.
const DANE_FLAG_NO_DANE_EE_NAMECHECKS: c_ulong = 1;

// ---------------------------------------------------------------- OpenSSL

/// A certificate as OpenSSL's `d2i_X509` reads it, and how many octets it
/// consumed (`X509::from_der` does not say).
fn openssl_parse(der: &[u8]) -> Option<(X509, usize)> {
    ffi::init();
    let mut p = der.as_ptr();
    let len = c_long::try_from(der.len()).ok()?;
    // SAFETY: `p` points to `len` readable octets; d2i advances it.
    let x = unsafe { ffi::d2i_X509(ptr::null_mut(), &mut p, len) };
    if x.is_null() {
        // d2i leaves errors on the thread's queue.
        let _ = openssl::error::ErrorStack::get();
        return None;
    }
    let consumed = p as usize - der.as_ptr() as usize;
    // SAFETY: `x` is a fresh X509 we own.
    Some((
        unsafe { <X509 as foreign_types::ForeignType>::from_ptr(x) },
        consumed,
    ))
}

/// The DER SubjectPublicKeyInfo exactly as OpenSSL's DANE hashes it for
/// selector 1 (`i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert))`).
fn openssl_spki(x: &X509Ref) -> Vec<u8> {
    // SAFETY: the X509_PUBKEY belongs to `x`; i2d with a null output
    // pointer sizes, then writes into our buffer.
    unsafe {
        let key = X509_get_X509_PUBKEY(x.as_ptr());
        assert!(!key.is_null());
        let len = i2d_X509_PUBKEY(key, ptr::null_mut());
        let mut out = vec![0u8; usize::try_from(len).expect("i2d length")];
        let mut p = out.as_mut_ptr();
        assert_eq!(i2d_X509_PUBKEY(key, &mut p), len);
        out
    }
}

/// The subjectAltName dNSNames as raw octets, `None` when OpenSSL finds no
/// (decodable) subjectAltName. The `openssl` crate's `dnsname()` drops
/// names that are not UTF-8, so read the ASN1_STRING directly.
fn openssl_dns_names(x: &X509Ref) -> Option<Vec<Vec<u8>>> {
    let names = x.subject_alt_names()?;
    let dns = names
        .iter()
        .filter_map(|name| {
            // SAFETY: a GENERAL_NAME of type GEN_DNS holds an IA5STRING.
            unsafe {
                let gn = name.as_ptr();
                if (*gn).type_ != ffi::GEN_DNS {
                    return None;
                }
                let s = (*gn).d as *const ffi::ASN1_STRING;
                let data = ffi::ASN1_STRING_get0_data(s);
                let len = usize::try_from(ffi::ASN1_STRING_length(s)).ok()?;
                Some(std::slice::from_raw_parts(data, len).to_vec())
            }
        })
        .collect();
    Some(dns)
}

/// A time in seconds since the epoch, `None` when OpenSSL itself finds the
/// string malformed.
fn openssl_time(t: &Asn1TimeRef) -> Option<i64> {
    // SAFETY: `t` is a valid ASN1_TIME.
    if unsafe { ASN1_TIME_check(t.as_ptr()) } != 1 {
        return None;
    }
    let epoch = Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(t).ok()?;
    Some(i64::from(diff.days) * 86_400 + i64::from(diff.secs))
}

/// The raw octets of an ASN1_TIME as it was encoded.
fn time_octets(t: &Asn1TimeRef) -> Vec<u8> {
    // SAFETY: ASN1_TIME is an ASN1_STRING.
    unsafe {
        let s = t.as_ptr() as *const ffi::ASN1_STRING;
        let len = usize::try_from(ffi::ASN1_STRING_length(s)).unwrap_or(0);
        std::slice::from_raw_parts(ffi::ASN1_STRING_get0_data(s), len).to_vec()
    }
}

/// What OpenSSL's DANE says about a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OpensslVerdict {
    /// Usable TLSA records (`SSL_dane_tlsa_add` > 0).
    usable: usize,
    ok: bool,
    /// `X509_STORE_CTX_get_error`.
    error: c_int,
    /// `SSL_get0_dane_authority`: the depth of the matched certificate or
    /// anchor in the chain OpenSSL built, -1 when nothing matched.
    depth: c_int,
    /// The DER of the presented certificate that matched, if one did.
    matched: Option<Vec<u8>>,
}

/// Verifies `chain` with OpenSSL's DANE, the way libssl verifies a server
/// chain in a handshake (ssl_verify_cert_chain): an empty store, the SSL's
/// DANE state and verify parameters, purpose "ssl_server", at `time`.
fn openssl_dane(
    chain: &[&[u8]],
    records: &[(u8, u8, u8, &[u8])],
    names: &[&str],
    time: u64,
    ee_name_checks: bool,
) -> OpensslVerdict {
    ffi::init();
    let base = CString::new(names[0]).unwrap();
    let others: Vec<CString> = names[1..]
        .iter()
        .map(|n| CString::new(*n).unwrap())
        .collect();
    let parsed: Vec<Option<X509>> = chain
        .iter()
        .map(|der| openssl_parse(der).map(|(x, _)| x))
        .collect();
    // SAFETY: every pointer below is created here, checked, and freed once
    // at the end; the X509s are owned by `parsed`, and the stack only
    // borrows them (freed without freeing its elements).
    unsafe {
        let ctx = ffi::SSL_CTX_new(ffi::TLS_client_method());
        assert!(!ctx.is_null());
        assert!(SSL_CTX_dane_enable(ctx) > 0);
        let ssl = ffi::SSL_new(ctx);
        assert!(!ssl.is_null());
        assert!(SSL_dane_enable(ssl, base.as_ptr()) > 0);
        for name in &others {
            assert_eq!(SSL_add1_host(ssl, name.as_ptr()), 1);
        }
        // RFC 7672 §3.2.3 and mxtrust: no name checks under DANE-EE.
        if !ee_name_checks {
            SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
        }
        // mxtrust (like Postfix) never lets `*` match part of a label.
        ffi::X509_VERIFY_PARAM_set_hostflags(
            ffi::SSL_get0_param(ssl),
            ffi::X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS as c_uint,
        );
        let mut usable = 0;
        // Postfix, the reference SMTP client for RFC 7672, drops PKIX-TA(0)
        // and PKIX-EE(1) records before OpenSSL sees them (RFC 7672
        // §3.1.3); OpenSSL itself implements the generic profile.
        for &(usage, selector, mtype, data) in records.iter().filter(|r| r.0 >= 2) {
            if SSL_dane_tlsa_add(ssl, usage, selector, mtype, data.as_ptr(), data.len()) > 0 {
                usable += 1;
            }
        }
        let _ = openssl::error::ErrorStack::get();
        let verdict = match &parsed[0] {
            None => OpensslVerdict {
                usable,
                ok: false,
                error: -1,
                depth: -1,
                matched: None,
            },
            Some(leaf) => {
                let stack = ffi::OPENSSL_sk_new_null();
                for x in parsed[1..].iter().flatten() {
                    ffi::OPENSSL_sk_push(stack, x.as_ptr() as *const c_void);
                }
                let store = ffi::X509_STORE_new();
                let sctx = ffi::X509_STORE_CTX_new();
                assert_eq!(
                    ffi::X509_STORE_CTX_init(sctx, store, leaf.as_ptr(), stack.cast()),
                    1
                );
                X509_STORE_CTX_set0_dane(sctx, SSL_get0_dane(ssl));
                X509_STORE_CTX_set_default(sctx, c"ssl_server".as_ptr());
                let param = X509_STORE_CTX_get0_param(sctx);
                X509_VERIFY_PARAM_set1(param, ffi::SSL_get0_param(ssl));
                ffi::X509_VERIFY_PARAM_set_time(param, time.try_into().unwrap());
                let ok = ffi::X509_verify_cert(sctx) == 1;
                let error = ffi::X509_STORE_CTX_get_error(sctx);
                let mut mcert: *mut ffi::X509 = ptr::null_mut();
                let depth = SSL_get0_dane_authority(ssl, &mut mcert, ptr::null_mut());
                // `mcert` is owned by the SSL; copy its DER out.
                let matched =
                    (!mcert.is_null()).then(|| X509Ref::from_ptr(mcert).to_der().expect("DER"));
                ffi::X509_STORE_CTX_free(sctx);
                ffi::X509_STORE_free(store);
                ffi::OPENSSL_sk_free(stack);
                let _ = openssl::error::ErrorStack::get();
                OpensslVerdict {
                    usable,
                    ok,
                    error,
                    depth,
                    matched,
                }
            }
        };
        ffi::SSL_free(ssl);
        ffi::SSL_CTX_free(ctx);
        verdict
    }
}

// ------------------------------------------------- (a) certificate view

/// A deterministic PRNG (xorshift64*), so that every run tests the same
/// mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn generated(
    alg: &'static SignatureAlgorithm,
    cns: &[&str],
    sans: Vec<SanType>,
    years: (i32, i32),
) -> Vec<u8> {
    let key = KeyPair::generate_for(alg).unwrap();
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "mxtrust differential");
    for (i, cn) in cns.iter().enumerate() {
        // rcgen keeps one value per attribute type; the same OID spelled
        // as a custom type gives a second commonName.
        let ty = if i == 0 {
            DnType::CommonName
        } else {
            DnType::CustomDnType(vec![2, 5, 4, 3])
        };
        params.distinguished_name.push(ty, *cn);
    }
    params.subject_alt_names = sans;
    params.not_before = date_time_ymd(years.0, 1, 1);
    params.not_after = date_time_ymd(years.1, 12, 31);
    params.self_signed(&key).unwrap().der().to_vec()
}

fn dns(names: &[&str]) -> Vec<SanType> {
    names
        .iter()
        .map(|n| SanType::DnsName((*n).try_into().unwrap()))
        .collect()
}

/// Certificates of many shapes: SAN lists, CN only, wildcards, long names,
/// several CNs, other GeneralName types, both time encodings, three key
/// types (RSA comes from the fixtures).
fn shapes() -> Vec<(String, Vec<u8>)> {
    let long_label = "a".repeat(63);
    let long_name = format!("{l}.{l}.{l}.{}.test", "b".repeat(56), l = long_label);
    assert_eq!(long_name.len(), 253);
    let many: Vec<String> = (0..40).map(|i| format!("mx{i}.example.test")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for (alg_name, alg) in [
        ("p256", &rcgen::PKCS_ECDSA_P256_SHA256),
        ("p384", &rcgen::PKCS_ECDSA_P384_SHA384),
        ("ed25519", &rcgen::PKCS_ED25519),
    ] {
        let mixed = vec![
            SanType::DnsName("a.example.test".try_into().unwrap()),
            SanType::IpAddress("192.0.2.1".parse().unwrap()),
            SanType::Rfc822Name("postmaster@example.test".try_into().unwrap()),
            SanType::DnsName("mx.example.test".try_into().unwrap()),
            SanType::URI("https://example.test/".try_into().unwrap()),
        ];
        let cases: Vec<(&str, Vec<u8>)> = vec![
            (
                "san",
                generated(alg, &[], dns(&["mx.example.test"]), (2025, 2035)),
            ),
            (
                "san-and-cn",
                generated(
                    alg,
                    &["mx.example.test"],
                    dns(&["mx.example.test"]),
                    (2025, 2035),
                ),
            ),
            ("san-list", generated(alg, &[], dns(&many), (2025, 2035))),
            (
                "cn-only",
                generated(alg, &["mx.example.test"], vec![], (2025, 2035)),
            ),
            (
                "wildcard",
                generated(
                    alg,
                    &["*.example.test"],
                    dns(&["*.example.test", "example.test"]),
                    (2025, 2035),
                ),
            ),
            (
                "long-names",
                generated(
                    alg,
                    &[long_label.as_str()],
                    dns(&[long_name.as_str(), long_label.as_str()]),
                    (2025, 2035),
                ),
            ),
            (
                "multiple-cns",
                generated(
                    alg,
                    &["mx1.example.test", "mx2.example.test"],
                    vec![],
                    (2025, 2035),
                ),
            ),
            ("mixed-san", generated(alg, &[], mixed, (2025, 2035))),
            (
                "utctime-edges",
                generated(alg, &[], dns(&["mx.example.test"]), (1950, 2049)),
            ),
            (
                "generalizedtime",
                generated(alg, &[], dns(&["mx.example.test"]), (1949, 2050)),
            ),
            (
                "far-future",
                generated(alg, &[], dns(&["mx.example.test"]), (2025, 9999)),
            ),
        ];
        for (shape, der) in cases {
            out.push((format!("{alg_name}-{shape}"), der));
        }
    }
    out
}

/// Why mxtrust rejects a certificate that OpenSSL's decoder accepts. Each
/// is a place where RFC 5280 §4.1 requires DER (X.690 §10) or a syntax
/// that OpenSSL checks only later, or never, when decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Lenient {
    /// Octets after the certificate: `d2i_X509` stops at the end of the
    /// outer SEQUENCE and ignores the rest; a TLS Certificate message
    /// carries each certificate with its exact length, so mxtrust rejects.
    TrailingData,
    /// A BER length form DER forbids (X.690 §10.1: definite, minimal).
    NonMinimalLength,
    /// A time that is not RFC 5280 §4.1.2.5's `YYMMDDHHMMSSZ` /
    /// `YYYYMMDDHHMMSSZ` with a real date: OpenSSL stores the string and
    /// checks it only when comparing times.
    Time,
    /// An extension whose value does not decode (subjectAltName or
    /// basicConstraints): OpenSSL decodes extension values lazily, when asked.
    ExtensionValue,
    /// Two subjectAltName or basicConstraints extensions (RFC 5280 §4.2:
    /// "MUST NOT include more than one instance of a particular extension").
    DuplicateExtension,
    /// A BOOLEAN that is not 0xff for TRUE or an explicit DEFAULT value
    /// (X.690 §11.1, §11.5).
    NonDerBoolean,
    /// The SubjectPublicKeyInfo's BIT STRING with unused bits that are not
    /// zero, or more than 7 (X.690 §11.2); mxtrust reads a key with zero
    /// padding bits as OpenSSL and rustls-webpki do.
    KeyBitString,
    /// A Name attribute that is not `SEQUENCE { OID, value }` inside a SET.
    Name,
    /// An extension value in a constructed OCTET STRING, a BER form that
    /// DER forbids (X.690 §10.2).
    ConstructedString,
}

/// A tolerant TLV reader for classification only: accepts BER length forms
/// and reports whether it saw one.
fn tlv(bytes: &[u8], non_minimal: &mut bool) -> Option<(u8, usize, usize)> {
    let tag = *bytes.first()?;
    let first = *bytes.get(1)?;
    let (len, header) = match first {
        0..=0x7f => (usize::from(first), 2),
        0x80 => {
            *non_minimal = true;
            return None;
        }
        _ => {
            let n = usize::from(first & 0x7f);
            let octets = bytes.get(2..2 + n)?;
            let len = octets
                .iter()
                .fold(0usize, |a, b| (a << 8) | usize::from(*b));
            if len < 0x80 || octets.first() == Some(&0) {
                *non_minimal = true;
            }
            (len, 2 + n)
        }
    };
    Some((tag, header, header.checked_add(len)?))
}

/// Walks every constructed TLV (and the contents of extension OCTET
/// STRINGs) looking for BER length forms.
fn has_non_minimal_length(bytes: &[u8]) -> bool {
    fn walk(mut bytes: &[u8], found: &mut bool, depth: usize) {
        while !bytes.is_empty() && depth < 32 {
            let Some((tag, header, end)) = tlv(bytes, found) else {
                return;
            };
            let Some(value) = bytes.get(header..end) else {
                return;
            };
            if tag & 0x20 != 0 || tag == 0x04 {
                walk(value, found, depth + 1);
            }
            bytes = &bytes[end.min(bytes.len())..];
        }
    }
    let mut found = false;
    walk(bytes, &mut found, 0);
    found
}

/// The fields of a TBSCertificate, read tolerantly.
struct Tbs<'a> {
    spki: &'a [u8],
    names: [&'a [u8]; 2],
    extensions: Option<&'a [u8]>,
}

fn children(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut ignored = false;
    while let Some((_, _, end)) = tlv(rest, &mut ignored) {
        let Some(whole) = rest.get(..end) else { break };
        out.push(whole);
        rest = &rest[end..];
    }
    out
}

fn contents(whole: &[u8]) -> &[u8] {
    let mut ignored = false;
    match tlv(whole, &mut ignored) {
        Some((_, header, end)) => whole.get(header..end).unwrap_or(&[]),
        None => &[],
    }
}

fn tbs(der: &[u8]) -> Option<Tbs<'_>> {
    let cert = children(contents(der));
    let tbs = children(contents(cert.first()?));
    let skip = usize::from(tbs.first()?.first() == Some(&0xa0));
    let field = |i: usize| tbs.get(skip + i).copied();
    Some(Tbs {
        names: [field(2)?, field(4)?],
        spki: field(5)?,
        extensions: tbs
            .iter()
            .find(|t| t.first() == Some(&0xa3))
            .map(|t| contents(contents(t))),
    })
}

fn is_strict_time(octets: &[u8]) -> bool {
    let body = match octets.len() {
        13 => &octets[..12],
        15 => &octets[..14],
        _ => return false,
    };
    octets.last() == Some(&b'Z') && body.iter().all(u8::is_ascii_digit)
}

fn classify(der: &[u8], x: &X509Ref, consumed: usize) -> Option<Lenient> {
    if consumed < der.len() {
        return Some(Lenient::TrailingData);
    }
    if has_non_minimal_length(der) {
        return Some(Lenient::NonMinimalLength);
    }
    let nb = x.not_before();
    let na = x.not_after();
    if !is_strict_time(&time_octets(nb))
        || !is_strict_time(&time_octets(na))
        || openssl_time(nb).is_none()
        || openssl_time(na).is_none()
    {
        return Some(Lenient::Time);
    }
    let tbs = tbs(der)?;
    let key = children(contents(tbs.spki));
    if key.get(1).map(|k| contents(k).first()) != Some(Some(&0)) {
        return Some(Lenient::KeyBitString);
    }
    for name in tbs.names {
        for rdn in children(contents(name)) {
            for attribute in children(contents(rdn)) {
                let parts = children(contents(attribute));
                if attribute.first() != Some(&0x30)
                    || parts.len() != 2
                    || parts[0].first() != Some(&0x06)
                {
                    return Some(Lenient::Name);
                }
            }
            if rdn.first() != Some(&0x31) {
                return Some(Lenient::Name);
            }
        }
    }
    let mut seen = [0usize; 2];
    for extension in children(tbs.extensions.unwrap_or(&[])) {
        let parts = children(contents(extension));
        if parts.last().and_then(|p| p.first()) != Some(&0x04) {
            return Some(Lenient::ConstructedString);
        }
        let oid = parts.first().map(|o| contents(o));
        let index = match oid {
            Some([0x55, 0x1d, 0x11]) => 0,
            Some([0x55, 0x1d, 0x13]) => 1,
            _ => continue,
        };
        seen[index] += 1;
        if parts.len() == 3 && contents(parts[1]) != [0xff] {
            return Some(Lenient::NonDerBoolean);
        }
        let value = contents(parts.last()?);
        let inner = children(value);
        if inner.len() != 1 || inner[0].len() != value.len() || inner[0].first() != Some(&0x30) {
            return Some(Lenient::ExtensionValue);
        }
        let items = children(contents(inner[0]));
        let total: usize = items.iter().map(|i| i.len()).sum();
        if total != contents(inner[0]).len() {
            return Some(Lenient::ExtensionValue);
        }
        // GeneralName alternatives (RFC 5280 §4.2.1.6) and their forms.
        let general_name = [0xa0, 0x81, 0x82, 0xa3, 0xa4, 0xa5, 0x86, 0x87, 0x88];
        if index == 0 && !items.iter().all(|i| general_name.contains(&i[0])) {
            return Some(Lenient::ExtensionValue);
        }
        if index == 1 {
            if let Some(b) = items.first().filter(|i| i.first() == Some(&0x01))
                && contents(b) != [0xff]
            {
                return Some(Lenient::NonDerBoolean);
            }
            // The pathLenConstraint INTEGER: non-negative, minimal.
            if let Some(n) = items.iter().find(|i| i.first() == Some(&0x02)) {
                let n = contents(n);
                if n.is_empty()
                    || n[0] & 0x80 != 0
                    || (n.len() > 1 && n[0] == 0 && n[1] & 0x80 == 0)
                {
                    return Some(Lenient::ExtensionValue);
                }
            }
        }
    }
    if seen.iter().any(|&n| n > 1) {
        return Some(Lenient::DuplicateExtension);
    }
    None
}

#[derive(Default, Debug)]
struct Counts {
    both: usize,
    neither: usize,
    openssl_only: std::collections::BTreeMap<Lenient, usize>,
    mxtrust_only: usize,
}

/// Compares the two readings of one input; returns a description of any
/// difference that is not an explained category.
fn compare_view(name: &str, der: &[u8], counts: &mut Counts) -> Option<String> {
    let ours = Certificate::parse(der);
    let theirs = openssl_parse(der);
    match (ours, theirs) {
        (Err(_), None) => counts.neither += 1,
        (Ok(_), None) => {
            // mxtrust reads only what DANE and MTA-STS need (RFC 6698 §2.1
            // selects the certificate or its SPKI), and leaves signatures,
            // algorithm identifiers and string types to path validation.
            counts.mxtrust_only += 1;
        }
        (Err(_), Some((x, consumed))) => match classify(der, &x, consumed) {
            Some(category) => *counts.openssl_only.entry(category).or_default() += 1,
            None => {
                return Some(format!(
                    "{name}: OpenSSL accepts, mxtrust rejects, no known reason: {}",
                    hex(der)
                ));
            }
        },
        (Ok(cert), Some((x, consumed))) => {
            counts.both += 1;
            let mut problems = Vec::new();
            if consumed != der.len() {
                problems.push(format!("OpenSSL consumed {consumed} of {}", der.len()));
            }
            if cert.spki() != openssl_spki(&x).as_slice() {
                problems.push("SubjectPublicKeyInfo differs".to_string());
            }
            let ours: Vec<Vec<u8>> = cert.dns_names().map(<[u8]>::to_vec).collect();
            let theirs = openssl_dns_names(&x).unwrap_or_default();
            if ours != theirs {
                problems.push(format!("dNSNames: mxtrust {ours:?}, OpenSSL {theirs:?}"));
            }
            let validity = cert.validity();
            let theirs = (openssl_time(x.not_before()), openssl_time(x.not_after()));
            if (Some(validity.not_before), Some(validity.not_after)) != theirs {
                problems.push(format!(
                    "validity: mxtrust {validity:?}, OpenSSL {theirs:?}"
                ));
            }
            if !problems.is_empty() {
                return Some(format!("{name}: {}: {}", problems.join("; "), hex(der)));
            }
        }
    }
    None
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies one seeded mutation: flip bits of an octet, truncate, drop or
/// insert an octet, or set an octet to a value that is special in DER
/// headers.
fn mutate(der: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = der.to_vec();
    let at = rng.below(out.len());
    match rng.below(6) {
        0 | 1 => out[at] ^= (rng.next() % 255 + 1) as u8,
        2 => out.truncate(at),
        3 => {
            out.remove(at);
        }
        4 => out.insert(at, rng.next() as u8),
        _ => out[at] = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0xff][rng.below(7)],
    }
    out
}

#[test]
fn certificate_view_agrees_with_openssl() {
    let mut bases: Vec<(String, Vec<u8>)> = oracle::load()
        .into_iter()
        .map(|e| (e.name, e.der))
        .collect();
    bases.extend(shapes());
    let mut counts = Counts::default();
    let mut unexplained = Vec::new();
    // Every base certificate parses on both sides and agrees.
    for (name, der) in &bases {
        assert!(Certificate::parse(der).is_ok(), "{name}");
        assert!(openssl_parse(der).is_some(), "{name}");
        unexplained.extend(compare_view(name, der, &mut counts));
    }
    let mut rng = Rng(0x6d78_7472_7573_7421);
    const MUTATIONS_PER_BASE: usize = 60;
    for (name, der) in &bases {
        for i in 0..MUTATIONS_PER_BASE {
            let mutated = mutate(der, &mut rng);
            unexplained.extend(compare_view(&format!("{name}#{i}"), &mutated, &mut counts));
        }
    }
    println!(
        "{} inputs: both accept {}, both reject {}, only mxtrust accepts {}, \
         only OpenSSL accepts {:?}",
        bases.len() * (MUTATIONS_PER_BASE + 1),
        counts.both,
        counts.neither,
        counts.mxtrust_only,
        counts.openssl_only
    );
    assert!(unexplained.is_empty(), "{}", unexplained.join("\n"));
    // The mutations reach both sides: each way of disagreeing and agreeing
    // is exercised, so a silent change in either parser shows here.
    assert!(counts.both > bases.len());
    assert!(counts.neither > 100);
    assert!(counts.openssl_only.values().sum::<usize>() > 10);
}

// ----------------------------------------------------- (b) DANE verdicts

/// One chain to verify, and which certificates of it records may name.
struct Scenario {
    name: String,
    chain: Vec<Vec<u8>>,
    /// Certificates to make records for (leaf, issuers, outsiders).
    targets: Vec<(&'static str, Vec<u8>, Vec<u8>)>,
}

fn target(label: &'static str, ca: &Ca) -> (&'static str, Vec<u8>, Vec<u8>) {
    (label, ca.der.clone(), ca.spki.clone())
}

fn scenarios(alg: Alg) -> Vec<Scenario> {
    let pki = Pki::new(alg);
    let leaf_for = |parent: &Ca, spec: Spec| issue(parent, alg, spec);
    let expired_leaf = leaf_for(&pki.int, Spec::leaf(&["mx.example.test"]).years(2020, 2021));
    let future_leaf = leaf_for(&pki.int, Spec::leaf(&["mx.example.test"]).years(2030, 2035));
    let other_leaf = leaf_for(&pki.int, Spec::leaf(&["other.example.test"]));
    let wildcard_leaf = leaf_for(&pki.int, Spec::leaf(&["*.example.test"]));
    let mut cn_spec = Spec::leaf(&[]).cn("mx.example.test");
    cn_spec.dns.clear();
    let cn_leaf = leaf_for(&pki.int, cn_spec);
    let explicit_ca_false = explicit_ca_false_leaf(&pki.int, &["mx.example.test"]);
    let expired_int = issue(
        &pki.root,
        alg,
        Spec::ca("expired intermediate").years(2020, 2021),
    );
    let leaf_under_expired = leaf_for(&expired_int, Spec::leaf(&["mx.example.test"]));
    let expired_root = root(alg, Spec::ca("expired root").years(2020, 2021));
    let leaf_under_expired_root = leaf_for(&expired_root, Spec::leaf(&["mx.example.test"]));
    // Distinct names: a same-name decoy is its own test below.
    let unrelated_root = root(Alg::P256, Spec::ca("unrelated root"));
    let unrelated_int = issue(
        &unrelated_root,
        Alg::P256,
        Spec::ca("unrelated intermediate"),
    );
    let unrelated_leaf = issue(&unrelated_int, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let base = |name: &str, chain: Vec<&Ca>, extra: Vec<(&'static str, &Ca)>| {
        let mut targets = vec![
            target("leaf", chain[0]),
            target("int", &pki.int),
            target("root", &pki.root),
        ];
        targets.extend(extra.into_iter().map(|(l, c)| target(l, c)));
        Scenario {
            name: format!("{alg:?} {name}"),
            chain: chain.iter().map(|c| c.der.clone()).collect(),
            targets,
        }
    };
    let mut out = vec![
        base("leaf+int", vec![&pki.leaf, &pki.int], vec![]),
        base(
            "leaf+int+root",
            vec![&pki.leaf, &pki.int, &pki.root],
            vec![],
        ),
        base("leaf only", vec![&pki.leaf], vec![]),
        base("expired leaf", vec![&expired_leaf, &pki.int], vec![]),
        base("future leaf", vec![&future_leaf, &pki.int], vec![]),
        base("other name", vec![&other_leaf, &pki.int], vec![]),
        base("wildcard", vec![&wildcard_leaf, &pki.int], vec![]),
        base("cn only", vec![&cn_leaf, &pki.int], vec![]),
        base(
            "explicit cA FALSE",
            vec![&explicit_ca_false, &pki.int],
            vec![],
        ),
        base(
            "under expired int",
            vec![&leaf_under_expired, &expired_int],
            vec![("expired int", &expired_int)],
        ),
        base(
            "under presented expired root",
            vec![&leaf_under_expired_root, &expired_root],
            vec![("expired root", &expired_root)],
        ),
        base(
            "under absent expired root",
            vec![&leaf_under_expired_root],
            vec![("expired root", &expired_root)],
        ),
        base(
            "extra certificates",
            vec![
                &pki.leaf,
                &unrelated_leaf,
                &unrelated_int,
                &pki.int,
                &unrelated_root,
            ],
            vec![("unrelated int", &unrelated_int)],
        ),
    ];
    // The reversed order of presentation, too.
    out.push(Scenario {
        name: format!("{alg:?} leaf+root+int"),
        chain: vec![
            pki.leaf.der.clone(),
            pki.root.der.clone(),
            pki.int.der.clone(),
        ],
        targets: vec![
            target("leaf", &pki.leaf),
            target("int", &pki.int),
            target("root", &pki.root),
        ],
    });
    out
}

fn association(der: &[u8], spki: &[u8], selector: u8, mtype: u8) -> Vec<u8> {
    let selected = if selector == 0 { der } else { spki };
    match mtype {
        0 => selected.to_vec(),
        1 => sha256(selected),
        _ => sha512(selected),
    }
}

fn mxtrust_dane(
    chain: &[&[u8]],
    records: &[(u8, u8, u8, &[u8])],
    names: &[&str],
    time: u64,
    ee_name_checks: bool,
) -> Outcome {
    let tlsa: Vec<Tlsa<'_>> = records
        .iter()
        .map(|&(u, s, m, data)| Tlsa {
            usage: u.into(),
            selector: s.into(),
            matching_type: m.into(),
            data,
        })
        .collect();
    let mut options = Options::new(mxtrust::time::unix_time(time), ALGORITHMS);
    options.ee_name_checks = ee_name_checks;
    let mut report = vec![RecordStatus::EMPTY; tlsa.len()];
    dane::verify(chain, &tlsa, names, &options, &mut report).unwrap()
}

/// A known, explained difference between mxtrust's and OpenSSL's DANE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Known {
    /// A `x 1 0` record whose data is a well-formed DER SubjectPublicKeyInfo
    /// holding a key that does not decode (here: an EC point off the curve).
    /// RFC 6698 §2.1.2 defines selector 1 data as the DER SPKI; mxtrust
    /// checks that structure (it has no crypto provider for every key type
    /// on bare metal), OpenSSL decodes the key (`d2i_PUBKEY`) and calls the
    /// record unusable. Such a record can never match a certificate, so
    /// mxtrust fails closed (`Failed(NoMatch)`: do not deliver) where OpenSSL
    /// has no usable record (RFC 7672 §2.2: encrypt, unauthenticated).
    UndecodableKey,
    /// Both refuse, for different first reasons: OpenSSL checks the DANE
    /// match and the names (`check_id`) before the dates (`internal_verify`);
    /// rustls-webpki checks each certificate's dates while building the path
    /// (RFC 5280 §6.1.3 (a)(2)), before it knows whether the path reaches
    /// the record's anchor. RFC 8460 sets no precedence between the results.
    DatesFirst,
    /// A `2 0 0` record carrying an expired self-issued certificate, absent
    /// from the chain: mxtrust treats it as trust anchor information, whose
    /// validity is not checked (RFC 5280 §6.1.1 (d)); OpenSSL checks the
    /// dates of a self-issued top certificate ("in addition to RFC 5280, do
    /// also for trust anchor", x509_vfy.c). mxtrust does check a presented
    /// self-issued anchor's dates, as OpenSSL does.
    RecordAnchorDates,
}

/// What one comparison found.
enum Comparison {
    Agree,
    Known(Known),
    Unexplained(String),
}

/// An agreed failure reason: OpenSSL's verify error for mxtrust's failure.
fn expected_error(failure: &Failure) -> Option<c_int> {
    match failure {
        Failure::NoMatch => Some(ffi::X509_V_ERR_DANE_NO_MATCH),
        Failure::NameMismatch => Some(ffi::X509_V_ERR_HOSTNAME_MISMATCH),
        Failure::Expired { .. } => Some(ffi::X509_V_ERR_CERT_HAS_EXPIRED),
        Failure::NotYetValid { .. } => Some(ffi::X509_V_ERR_CERT_NOT_YET_VALID),
        _ => None,
    }
}

fn compare_dane(
    case: &str,
    chain: &[&[u8]],
    records: &[(u8, u8, u8, &[u8])],
    names: &[&str],
    ee_name_checks: bool,
) -> Comparison {
    let ours = mxtrust_dane(chain, records, names, NOW, ee_name_checks);
    let theirs = openssl_dane(chain, records, names, NOW, ee_name_checks);
    let agree = match ours {
        Outcome::Unauthenticated => theirs.usable == 0,
        // mxtrust's depth is the index in the presented list; OpenSSL's is
        // in the chain it built. Compare the matched certificate instead.
        // An anchor from DNS has no presented index: its depth must be
        // OpenSSL's `SSL_get0_dane_authority` depth exactly.
        Outcome::Authenticated(a) => {
            theirs.ok
                && match a.anchor {
                    AnchorSource::Presented => theirs.matched.as_deref() == Some(chain[a.depth]),
                    _ => usize::try_from(theirs.depth) == Ok(a.depth),
                }
        }
        Outcome::Failed(ref failure) => {
            theirs.usable > 0
                && !theirs.ok
                && expected_error(failure).is_none_or(|e| e == theirs.error)
        }
    };
    if agree {
        return Comparison::Agree;
    }
    let spki_full = records.iter().all(|r| r.1 == 1 && r.2 == 0);
    let known = match ours {
        Outcome::Failed(_) if theirs.usable == 0 && spki_full => {
            let undecodable = records
                .iter()
                .all(|r| openssl::pkey::PKey::public_key_from_der(r.3).is_err());
            undecodable.then_some(Known::UndecodableKey)
        }
        Outcome::Failed(Failure::Expired { .. } | Failure::NotYetValid { .. })
            if theirs.usable > 0
                && !theirs.ok
                && [
                    ffi::X509_V_ERR_DANE_NO_MATCH,
                    ffi::X509_V_ERR_HOSTNAME_MISMATCH,
                ]
                .contains(&theirs.error) =>
        {
            Some(Known::DatesFirst)
        }
        Outcome::Authenticated(a)
            if a.anchor == AnchorSource::Dns
                && theirs.error == ffi::X509_V_ERR_CERT_HAS_EXPIRED
                && records.iter().all(|r| (r.0, r.1, r.2) == (2, 0, 0))
                && records.iter().all(|r| {
                    Certificate::parse(r.3).is_ok_and(|c| {
                        c.is_self_issued()
                            && c.validity().status_at(mxtrust::time::unix_time(NOW))
                                != mxtrust::cert::ValidityStatus::Valid
                    }) && !chain.contains(&r.3)
                }) =>
        {
            Some(Known::RecordAnchorDates)
        }
        _ => None,
    };
    match known {
        Some(known) => Comparison::Known(known),
        None => Comparison::Unexplained(format!("{case}: mxtrust {ours:?}, OpenSSL {theirs:?}")),
    }
}

/// Tallies comparisons and keeps the unexplained ones.
#[derive(Default)]
struct Tally {
    agree: usize,
    known: std::collections::BTreeMap<Known, usize>,
    unexplained: Vec<String>,
}

impl Tally {
    fn add(&mut self, comparison: Comparison) {
        match comparison {
            Comparison::Agree => self.agree += 1,
            Comparison::Known(k) => *self.known.entry(k).or_default() += 1,
            Comparison::Unexplained(s) => self.unexplained.push(s),
        }
    }

    fn assert_explained(&self, what: &str) {
        println!(
            "{what}: {} agree, known differences {:?}, {} unexplained",
            self.agree,
            self.known,
            self.unexplained.len()
        );
        assert!(
            self.unexplained.is_empty(),
            "{} unexplained disagreements:\n{}",
            self.unexplained.len(),
            self.unexplained.join("\n")
        );
    }
}

#[test]
fn dane_verdicts_agree_with_openssl() {
    let mut tally = Tally::default();
    for alg in [Alg::P256, Alg::P384, Alg::Ed25519] {
        for scenario in scenarios(alg) {
            let chain: Vec<&[u8]> = scenario.chain.iter().map(Vec::as_slice).collect();
            for (label, der, spki) in &scenario.targets {
                for usage in [2u8, 3] {
                    for selector in [0u8, 1] {
                        for mtype in [0u8, 1, 2] {
                            let good = association(der, spki, selector, mtype);
                            let mut bad = good.clone();
                            *bad.last_mut().unwrap() ^= 1;
                            for (data, kind) in [(&good, "match"), (&bad, "corrupted")] {
                                let records = [(usage, selector, mtype, data.as_slice())];
                                let mut name_sets: Vec<(&[&str], bool)> =
                                    vec![(&["mx.example.test"], false)];
                                // Name variations on one matching type keep the
                                // matrix (and the test's run time) in proportion.
                                if kind == "match" && mtype == 1 {
                                    name_sets.extend([
                                        (&["nomatch.example.test"][..], false),
                                        (&["nomatch.example.test"][..], true),
                                        (&["example.test", ".example.test"][..], false),
                                    ]);
                                }
                                for (names, ee_names) in name_sets {
                                    let case = format!(
                                        "{} | {usage} {selector} {mtype} for {label} ({kind}) \
                                         | names {names:?} ee-names {ee_names}",
                                        scenario.name
                                    );
                                    tally.add(compare_dane(
                                        &case, &chain, &records, names, ee_names,
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    tally.assert_explained("DANE matrix");
    // Each explained difference is still there: if one disappears, the
    // explanation (or one side) changed and deserves a look.
    for known in [
        Known::UndecodableKey,
        Known::DatesFirst,
        Known::RecordAnchorDates,
    ] {
        assert!(tally.known.contains_key(&known), "{known:?} no longer seen");
    }
    assert!(tally.agree > 3000);
}

/// A leaf without subjectAltName is named by its CN, which OpenSSL holds
/// to the path's dNSName constraints (`check_name_constraints`, through
/// `cn2dnsid`); mxtrust must refuse exactly where OpenSSL does, whether the
/// constrained CA is the DANE-TA anchor or an intermediate below it.
#[test]
fn cn_under_name_constraints_agrees_with_openssl() {
    let root = root(Alg::P256, Spec::ca("mxtrust test root"));
    let permitted = constrained_int(&root, &["example.test"], &[]);
    let excluded = constrained_int(&root, &[], &["victim.test"]);
    let mut tally = Tally::default();
    let mut refused = 0;
    for (label, int) in [("permitted", &permitted), ("excluded", &excluded)] {
        for cn in [
            "mx.example.test",
            "mx.victim.test",
            "MX.Victim.Test",
            "victim.test",
        ] {
            let leaf = cn_only_leaf(int, cn);
            let int_data = sha256(&int.spki);
            let root_data = sha256(&root.spki);
            let cases: [(&str, Vec<&[u8]>, &[u8]); 2] = [
                ("anchor", vec![&leaf.der, &int.der], &int_data),
                (
                    "below anchor",
                    vec![&leaf.der, &int.der, &root.der],
                    &root_data,
                ),
            ];
            for (place, chain, data) in cases {
                let records = [(2u8, 1u8, 1u8, data)];
                let names = [cn.to_ascii_lowercase()];
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let case = format!("{label} CA as {place}, CN {cn}");
                if let Outcome::Failed(_) = mxtrust_dane(&chain, &records, &names, NOW, false) {
                    refused += 1;
                }
                tally.add(compare_dane(&case, &chain, &records, &names, false));
            }
        }
    }
    tally.assert_explained("CN under name constraints");
    assert!(tally.known.is_empty(), "{:?}", tally.known);
    // Both sides refuse the CNs outside the constraints (3 of 4 under the
    // permitted CA, 3 of 4 under the excluding one), in both placements.
    assert_eq!(refused, 12);
}

/// A decoy: the server sends, before the real intermediate, another CA
/// certificate with the same subject name. rustls-webpki builds paths with
/// backtracking (RFC 4158) and finds the one through the real intermediate;
/// OpenSSL 3.0 takes the first certificate whose name (and key identifier,
/// when present) fits and does not try the next, so its DANE-TA match at the
/// real intermediate is never seen. RFC 5280 §6 validates a given path and
/// leaves finding it to the implementation; mxtrust authenticates a path
/// that is valid in full.
#[test]
fn same_name_decoy_issuer_is_a_known_difference() {
    let pki = Pki::new(Alg::P256);
    let decoy = Pki::new(Alg::P256); // same names, other keys
    let chain: Vec<&[u8]> = vec![&pki.leaf.der, &decoy.int.der, &pki.int.der];
    let data = association(&pki.int.der, &pki.int.spki, 1, 1);
    let records = [(2, 1, 1, data.as_slice())];
    let ours = mxtrust_dane(&chain, &records, &["mx.example.test"], NOW, false);
    let theirs = openssl_dane(&chain, &records, &["mx.example.test"], NOW, false);
    assert!(
        matches!(ours, Outcome::Authenticated(a) if a.depth == 2),
        "{ours:?}"
    );
    assert!(!theirs.ok, "{theirs:?}");
    // Without the decoy, both authenticate.
    let chain: Vec<&[u8]> = vec![&pki.leaf.der, &pki.int.der];
    assert!(matches!(
        compare_dane("no decoy", &chain, &records, &["mx.example.test"], false),
        Comparison::Agree
    ));
}

/// Digest agility (RFC 7671 §9) and mixed RRsets, against OpenSSL's.
#[test]
fn agility_agrees_with_openssl() {
    let pki = Pki::new(Alg::P256);
    let chain = pki.chain();
    let d = |ca: &Ca, s, m| association(&ca.der, &ca.spki, s, m);
    let corrupt = |mut v: Vec<u8>| {
        v[0] ^= 1;
        v
    };
    let sets: Vec<(&str, Vec<(u8, u8, u8, Vec<u8>)>)> = vec![
        (
            "3 1 1 matches, 3 1 2 does not: SHA-512 preferred, fails",
            vec![
                (3, 1, 1, d(&pki.leaf, 1, 1)),
                (3, 1, 2, corrupt(d(&pki.leaf, 1, 2))),
            ],
        ),
        (
            "3 1 1 does not match, 3 1 2 does",
            vec![
                (3, 1, 1, corrupt(d(&pki.leaf, 1, 1))),
                (3, 1, 2, d(&pki.leaf, 1, 2)),
            ],
        ),
        (
            "3 1 1 matches, 3 0 2 does not: other selector",
            vec![
                (3, 1, 1, d(&pki.leaf, 1, 1)),
                (3, 0, 2, corrupt(d(&pki.leaf, 0, 2))),
            ],
        ),
        (
            "2 1 1 matches, 3 1 2 does not: other usage",
            vec![
                (2, 1, 1, d(&pki.int, 1, 1)),
                (3, 1, 2, corrupt(d(&pki.leaf, 1, 2))),
            ],
        ),
        (
            "3 1 0 matches beside a non-matching 3 1 2: Full(0) always counts",
            vec![
                (3, 1, 0, d(&pki.leaf, 1, 0)),
                (3, 1, 2, corrupt(d(&pki.leaf, 1, 2))),
            ],
        ),
        (
            "3 1 1 matches, 3 1 2 has the wrong length: unusable, not preferred",
            vec![(3, 1, 1, d(&pki.leaf, 1, 1)), (3, 1, 2, vec![0; 32])],
        ),
        (
            "only unusable records",
            vec![(1, 1, 1, d(&pki.leaf, 1, 1)), (3, 2, 1, d(&pki.leaf, 1, 1))],
        ),
        (
            "rollover: two 3 1 1, the second matches",
            vec![
                (3, 1, 1, corrupt(d(&pki.leaf, 1, 1))),
                (3, 1, 1, d(&pki.leaf, 1, 1)),
            ],
        ),
    ];
    let mut tally = Tally::default();
    for (case, records) in &sets {
        let records: Vec<(u8, u8, u8, &[u8])> = records
            .iter()
            .map(|(u, s, m, data)| (*u, *s, *m, data.as_slice()))
            .collect();
        tally.add(compare_dane(
            case,
            &chain,
            &records,
            &["mx.example.test"],
            false,
        ));
    }
    tally.assert_explained("agility");
    assert_eq!(tally.agree, sets.len());
}

/// The fixtures made by openssl, with their TLSA data computed by mxtrust,
/// verify the same on both sides (RSA chains included).
#[test]
fn fixture_chains_agree_with_openssl() {
    let fixtures: std::collections::HashMap<String, Vec<u8>> = oracle::load()
        .into_iter()
        .map(|e| (e.name, e.der))
        .collect();
    let chains: &[&[&str]] = &[
        &["rsa-leaf", "rsa-int"],
        &["p256-leaf", "p256-int"],
        &["p256-leaf-p384", "p384-int"],
        &["ed25519-leaf", "ed25519-int"],
        &["p256-leaf", "p256-int-cross"],
        &["p256-leaf-under-expired", "p256-int-expired"],
        &["p256-leaf-expired", "p256-int"],
        &["p256-leaf-wildcard", "p256-int"],
        &["p256-leaf-multi", "p256-int"],
        &["p256-leaf-cn-only", "p256-int"],
        &["p256-leaf-san-other", "p256-int"],
        &["p256-selfsigned-leaf"],
        &[
            "p256-leaf-under-expired-root",
            "p256-root-expired-selfsigned",
        ],
    ];
    let mut tally = Tally::default();
    for names in chains {
        let chain: Vec<&[u8]> = names.iter().map(|n| fixtures[*n].as_slice()).collect();
        for (depth, der) in chain
            .iter()
            .enumerate()
            .chain([(9, &fixtures["rsa-root"].as_slice())])
        {
            for (usage, selector, mtype) in [(3, 1, 1), (3, 0, 2), (2, 1, 1), (2, 0, 0), (2, 1, 0)]
            {
                let mut data = vec![0u8; der.len()];
                let len =
                    tlsa::association_data(der, selector.into(), mtype.into(), &mut data).unwrap();
                let records = [(usage, selector, mtype, &data[..len])];
                let case = format!("{names:?} {usage} {selector} {mtype} of depth {depth}");
                tally.add(compare_dane(
                    &case,
                    &chain,
                    &records,
                    &["mx.example.test"],
                    false,
                ));
            }
        }
    }
    tally.assert_explained("fixture chains");
}

// ------------------------------------------- (a′) one probe per strictness

/// The DER length octets of `len`.
fn der_len(len: usize) -> Vec<u8> {
    match len {
        0..=0x7f => vec![len as u8],
        0x80..=0xff => vec![0x81, len as u8],
        _ => vec![0x82, (len >> 8) as u8, len as u8],
    }
}

/// Replaces the first occurrence of the octets `old` with `new` in
/// a certificate and re-encodes the length of every TLV around them, so the
/// edit is the only difference. The signature is not redone: the view
/// comparison does not check it, and neither does any parser below.
fn splice(der: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let at = der
        .windows(old.len())
        .position(|w| w == old)
        .expect("pattern present");
    rewrite(der, at, old.len(), new)
}

/// `rewrite` one whole TLV, with the edit at `at..at + len` (relative to it)
/// inside its contents: descend into the child that holds the edit in its
/// own contents, else replace the octets at this level.
fn rewrite(whole: &[u8], at: usize, len: usize, new: &[u8]) -> Vec<u8> {
    let mut ignored = false;
    let (tag, header, end) = tlv(whole, &mut ignored).expect("TLV");
    let contents = &whole[header..end];
    let rel = at - header;
    let kids = children(contents);
    let mut out = Vec::new();
    let mut done = false;
    if kids.iter().map(|k| k.len()).sum::<usize>() == contents.len() {
        let mut pos = 0;
        for kid in kids {
            let (_, kid_header, _) = tlv(kid, &mut ignored).expect("TLV");
            if !done && rel >= pos + kid_header && rel + len <= pos + kid.len() {
                out.extend(rewrite(kid, rel - pos, len, new));
                done = true;
            } else {
                out.extend_from_slice(kid);
            }
            pos += kid.len();
        }
    }
    if !done {
        out = [&contents[..rel], new, &contents[rel + len..]].concat();
    }
    [&[tag][..], &der_len(out.len()), &out].concat()
}

/// A DER TLV.
fn der_tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    [&[tag][..], &der_len(value.len()), value].concat()
}

/// What each reader says about one certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Readings {
    /// `Certificate::parse`.
    mxtrust: bool,
    /// `d2i_X509`, the whole input consumed.
    openssl: bool,
    /// rustls-webpki's `EndEntityCert::try_from`.
    webpki_ee: bool,
    /// rustls-webpki's `anchor_from_trusted_cert`.
    webpki_anchor: bool,
}

fn readings(der: &[u8]) -> Readings {
    let cert = rustls_pki_types::CertificateDer::from(der);
    Readings {
        mxtrust: Certificate::parse(der).is_ok(),
        openssl: openssl_parse(der).is_some_and(|(_, consumed)| consumed == der.len()),
        webpki_ee: webpki::EndEntityCert::try_from(&cert).is_ok(),
        webpki_anchor: webpki::anchor_from_trusted_cert(&cert).is_ok(),
    }
}

/// A leaf for the probes: CN and dNSName `mx.example.test`, explicit
/// version 3, the given extra extensions (raw extnValue contents), no
/// basicConstraints unless one is given.
fn probe_leaf(alg: Alg, extensions: &[(&[u64], bool, Vec<u8>)]) -> (Vec<u8>, KeyPair) {
    let key = key(alg);
    let mut params = Spec::leaf(&["mx.example.test"])
        .cn("mx.example.test")
        .params();
    params.is_ca = rcgen::IsCa::NoCa;
    params.key_usages = vec![];
    params.extended_key_usages = vec![];
    for (oid, critical, content) in extensions {
        let mut ext = rcgen::CustomExtension::from_oid_content(oid, content.clone());
        ext.set_criticality(*critical);
        params.custom_extensions.push(ext);
    }
    if extensions.iter().any(|(oid, _, _)| *oid == [2, 5, 29, 17]) {
        params.subject_alt_names = vec![];
    }
    let cert = params.self_signed(&key).unwrap();
    (cert.der().to_vec(), key)
}

const SAN: &[u64] = &[2, 5, 29, 17];
const BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];

#[test]
fn each_strictness_probed_against_openssl_and_webpki() {
    let dns = der_tlv(0x82, b"mx.example.test");
    let san = |items: &[u8]| der_tlv(0x30, items);
    let (plain, _) = probe_leaf(Alg::P256, &[]);
    let (ed, _) = probe_leaf(Alg::Ed25519, &[]);
    let ed_key_at = ed.windows(3).position(|w| w == [0x03, 0x21, 0x00]).unwrap();
    let ed_key = ed[ed_key_at..ed_key_at + 35].to_vec();
    let v3 = [0xa0, 0x03, 0x02, 0x01, 0x02];
    let not_before = {
        let at = plain.windows(2).position(|w| w == [0x17, 0x0d]).unwrap();
        plain[at..at + 15].to_vec()
    };
    let o_attr = {
        let at = plain
            .windows(5)
            .position(|w| w == [0x06, 0x03, 0x55, 0x04, 0x0a])
            .unwrap();
        plain[at..at + 5].to_vec()
    };
    let mut probes: Vec<(&str, Vec<u8>)> = vec![
        ("plain", plain.clone()),
        ("trailing octet", [&plain[..], &[0]].concat()),
        ("version absent (v1)", splice(&plain, &v3, &[])),
        (
            "version 2",
            splice(&plain, &v3, &[0xa0, 0x03, 0x02, 0x01, 0x01]),
        ),
        (
            "version 4",
            splice(&plain, &v3, &[0xa0, 0x03, 0x02, 0x01, 0x03]),
        ),
        ("unique IDs", {
            let spki = &ed[ed_key_at - 9..ed_key_at + 35];
            assert_eq!(spki[..2], [0x30, 0x2a]);
            splice(
                &ed,
                spki,
                &[spki, &[0x81, 0x02, 0x00, 0xaa, 0x82, 0x02, 0x00, 0xbb]].concat(),
            )
        }),
        (
            "key BIT STRING, 1 unused bit",
            splice(
                &ed,
                &ed_key,
                &[&[0x03, 0x22, 0x01][..], &ed_key[3..], &[0x00]].concat(),
            ),
        ),
        (
            "key BIT STRING, 1 unused bit set",
            splice(
                &ed,
                &ed_key,
                &[&[0x03, 0x22, 0x01][..], &ed_key[3..], &[0x01]].concat(),
            ),
        ),
        (
            "key BIT STRING, 8 unused bits",
            splice(
                &ed,
                &ed_key,
                &[&[0x03, 0x22, 0x08][..], &ed_key[3..], &[0x00]].concat(),
            ),
        ),
        ("key BIT STRING, empty", splice(&ed, &ed_key, &[0x03, 0x00])),
        (
            "UTCTime without seconds",
            splice(
                &plain,
                &not_before,
                &der_tlv(0x17, &[&not_before[2..12], &b"Z"[..]].concat()),
            ),
        ),
        (
            "GeneralizedTime with fraction",
            splice(
                &plain,
                &not_before,
                &der_tlv(0x18, &[&b"20"[..], &not_before[2..14], b".5Z"].concat()),
            ),
        ),
        (
            "UTCTime with offset",
            splice(
                &plain,
                &not_before,
                &der_tlv(0x17, &[&not_before[2..14], &b"+0000"[..]].concat()),
            ),
        ),
        (
            "UTCTime 30 February",
            splice(&plain, &not_before, &der_tlv(0x17, b"250230000000Z")),
        ),
        ("empty RDN in the issuer", {
            let at = plain
                .windows(5)
                .position(|w| w == o_attr.as_slice())
                .unwrap();
            assert_eq!(plain[at - 4], 0x31);
            let rdn = &plain[at - 4..at - 2 + usize::from(plain[at - 3])];
            splice(&plain, rdn, &[&[0x31, 0x00][..], rdn].concat())
        }),
        (
            "issuer attribute with 3 elements",
            splice(&plain, &o_attr, &[&o_attr[..], &[0x05, 0x00]].concat()),
        ),
        ("issuer attribute value with high tag", {
            // Replace the organizationName string with [APPLICATION 31].
            let at = plain
                .windows(5)
                .position(|w| w == o_attr.as_slice())
                .unwrap();
            let value = &plain[at + 5..at + 7 + usize::from(plain[at + 6])];
            splice(
                &plain,
                &[&o_attr[..], value].concat(),
                &[&o_attr[..], &[0x5f, 0x1f, 0x00]].concat(),
            )
        }),
    ];
    let ext = |extensions: &[(&[u64], bool, Vec<u8>)]| probe_leaf(Alg::P256, extensions).0;
    let bc = |value: &[u8]| ext(&[(BASIC_CONSTRAINTS, false, der_tlv(0x30, value))]);
    probes.extend([
        ("extensions SEQUENCE empty", {
            let (der, _) = probe_leaf(Alg::P256, &[]);
            // The extensions [3] is the last element of the TBS; rebuild it empty.
            let tbs = children(contents(&der))[0].to_vec();
            let fields = children(contents(&tbs));
            let last = fields.last().unwrap();
            assert_eq!(last[0], 0xa3);
            splice(&der, last, &[0xa3, 0x02, 0x30, 0x00])
        }),
        (
            "SAN critical FALSE explicit",
            splice(
                &plain,
                &[0x06, 0x03, 0x55, 0x1d, 0x11, 0x04],
                &[0x06, 0x03, 0x55, 0x1d, 0x11, 0x01, 0x01, 0x00, 0x04],
            ),
        ),
        (
            "SAN critical BOOLEAN 0x01",
            splice(
                &plain,
                &[0x06, 0x03, 0x55, 0x1d, 0x11, 0x04],
                &[0x06, 0x03, 0x55, 0x1d, 0x11, 0x01, 0x01, 0x01, 0x04],
            ),
        ),
        (
            "SAN twice",
            ext(&[(SAN, false, san(&dns)), (SAN, false, san(&dns))]),
        ),
        ("SAN empty", ext(&[(SAN, false, san(&[]))])),
        ("SAN not a SEQUENCE", ext(&[(SAN, false, dns.clone())])),
        (
            "SAN unknown tag [9]",
            ext(&[(SAN, false, san(&[&dns[..], &[0x89, 0x01, 0x00]].concat()))]),
        ),
        (
            "SAN constructed dNSName",
            ext(&[(
                SAN,
                false,
                san(&der_tlv(0xa2, &der_tlv(0x16, b"mx.example.test"))),
            )]),
        ),
        (
            "SAN primitive otherName",
            ext(&[(SAN, false, san(&[&dns[..], &[0x80, 0x01, 0x00]].concat()))]),
        ),
        ("basicConstraints empty", bc(&[])),
        (
            "basicConstraints cA FALSE explicit",
            bc(&[0x01, 0x01, 0x00]),
        ),
        ("basicConstraints cA BOOLEAN 0x01", bc(&[0x01, 0x01, 0x01])),
        ("pathLen 5", bc(&[0x01, 0x01, 0xff, 0x02, 0x01, 0x05])),
        (
            "pathLen negative",
            bc(&[0x01, 0x01, 0xff, 0x02, 0x01, 0xff]),
        ),
        (
            "pathLen 256",
            bc(&[0x01, 0x01, 0xff, 0x02, 0x02, 0x01, 0x00]),
        ),
        (
            "pathLen non-minimal",
            bc(&[0x01, 0x01, 0xff, 0x02, 0x02, 0x00, 0x05]),
        ),
        ("pathLen empty INTEGER", bc(&[0x01, 0x01, 0xff, 0x02, 0x00])),
        ("pathLen without cA", bc(&[0x02, 0x01, 0x00])),
        (
            "basicConstraints trailing",
            bc(&[0x01, 0x01, 0xff, 0x02, 0x01, 0x00, 0x05, 0x00]),
        ),
        (
            "basicConstraints twice",
            ext(&[
                (BASIC_CONSTRAINTS, false, der_tlv(0x30, &[])),
                (BASIC_CONSTRAINTS, false, der_tlv(0x30, &[])),
            ]),
        ),
        (
            "keyUsage twice",
            ext(&[
                (&[2, 5, 29, 15], false, vec![0x03, 0x02, 0x07, 0x80]),
                (&[2, 5, 29, 15], false, vec![0x03, 0x02, 0x07, 0x80]),
            ]),
        ),
        (
            "nameConstraints not a SEQUENCE",
            ext(&[(&[2, 5, 29, 30], true, vec![0x05, 0x00])]),
        ),
        (
            "unknown critical extension",
            ext(&[(&[1, 3, 6, 1, 4, 1, 99999, 1], true, vec![0x05, 0x00])]),
        ),
        (
            "unknown non-critical extension, garbage value",
            ext(&[(&[1, 3, 6, 1, 4, 1, 99999, 1], false, vec![0xff])]),
        ),
    ]);
    // mxtrust, OpenSSL, rustls-webpki end entity, rustls-webpki anchor.
    // `1` accepts, `0` refuses. See the table in core/src/cert.rs.
    let expected: &[(&str, &str)] = &[
        ("plain", "1111"),
        ("trailing octet", "0000"),
        ("version absent (v1)", "1100"),
        ("version 2", "1100"),
        ("version 4", "1100"),
        ("unique IDs", "1100"),
        ("key BIT STRING, 1 unused bit", "1111"),
        ("key BIT STRING, 1 unused bit set", "0111"),
        ("key BIT STRING, 8 unused bits", "0011"),
        ("key BIT STRING, empty", "0011"),
        ("UTCTime without seconds", "0111"),
        ("GeneralizedTime with fraction", "0111"),
        ("UTCTime with offset", "0111"),
        ("UTCTime 30 February", "0111"),
        ("empty RDN in the issuer", "1111"),
        ("issuer attribute with 3 elements", "0011"),
        ("issuer attribute value with high tag", "0011"),
        ("extensions SEQUENCE empty", "1111"),
        ("SAN critical FALSE explicit", "1111"),
        ("SAN critical BOOLEAN 0x01", "1100"),
        ("SAN twice", "0100"),
        ("SAN empty", "1111"),
        ("SAN not a SEQUENCE", "0100"),
        ("SAN unknown tag [9]", "0111"),
        ("SAN constructed dNSName", "0111"),
        ("SAN primitive otherName", "0111"),
        ("basicConstraints empty", "1111"),
        ("basicConstraints cA FALSE explicit", "1111"),
        ("basicConstraints cA BOOLEAN 0x01", "1111"),
        ("pathLen 5", "1111"),
        ("pathLen negative", "1111"),
        ("pathLen 256", "1111"),
        ("pathLen non-minimal", "1111"),
        ("pathLen empty INTEGER", "1111"),
        ("pathLen without cA", "1111"),
        ("basicConstraints trailing", "1111"),
        ("basicConstraints twice", "0100"),
        ("keyUsage twice", "1100"),
        ("nameConstraints not a SEQUENCE", "0100"),
        ("unknown critical extension", "1101"),
        ("unknown non-critical extension, garbage value", "1111"),
    ];
    assert_eq!(probes.len(), expected.len());
    let mut wrong = Vec::new();
    for ((name, der), (expected_name, flags)) in probes.iter().zip(expected) {
        assert_eq!(name, expected_name);
        let r = readings(der);
        let got: String = [r.mxtrust, r.openssl, r.webpki_ee, r.webpki_anchor]
            .iter()
            .map(|&ok| if ok { '1' } else { '0' })
            .collect();
        if got != *flags {
            wrong.push(format!("{name}: expected {flags}, got {got}: {}", hex(der)));
        }
        // Where both read it, the views agree (SPKI, dNSNames, validity).
        if r.mxtrust && r.openssl {
            let mut counts = Counts::default();
            if let Some(problem) = compare_view(name, der, &mut counts) {
                wrong.push(problem);
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
