//! Inputs that fuzzing or the differential tests against OpenSSL found
//! mishandled, kept as tests of the fix.

mod oracle;

use mxtrust::Error;
use mxtrust::cert::Certificate;
use mxtrust::name::ReferenceId;

/// `ReferenceId::matches` ignored two trailing dots of a presented name
/// (fuzz/name_match).
#[test]
fn one_trailing_dot_not_two() {
    let reference = ReferenceId::new("_.m._.").unwrap();
    assert!(reference.matches(b"_.m._."));
    assert!(!reference.matches(b"_.m._.."));
}

/// A subjectAltName entry whose tag is no GeneralName alternative (RFC 5280
/// §4.2.1.6) was skipped, so mxtrust kept the other dNSNames while OpenSSL
/// rejects the whole extension (and then falls back to the CN): found by
/// `differential::certificate_view_agrees_with_openssl`.
#[test]
fn subject_alt_name_entries_must_be_general_names() {
    let fixture = oracle::load()
        .into_iter()
        .find(|e| e.name == "p256-leaf-multi")
        .unwrap();
    let der = fixture.der;
    // The second dNSName, `mx.example.test`: tag 0x82, length 15.
    let needle = b"\x82\x0fmx.example.test";
    let at = der
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the fixture's second dNSName");
    let names: Vec<&[u8]> = Certificate::parse(&der).unwrap().dns_names().collect();
    assert_eq!(names, [&b"a.example.test"[..], b"mx.example.test"]);
    // Primitive [0], constructed [2], universal, application and private
    // tags are not GeneralNames.
    for bad in [0x80, 0xa2, 0x20, 0x04, 0x46, 0xdd, 0x89] {
        let mut mutated = der.clone();
        mutated[at] = bad;
        assert_eq!(
            Certificate::parse(&mutated),
            Err(Error::BadDer),
            "tag {bad:#04x}"
        );
    }
}
