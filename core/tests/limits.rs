//! Limits of `mxtrust::limits`, at the limit and one past it. The
//! limits that `dane::verify` checks (chain length, records, reference
//! identifiers) are also covered, with the report left untouched, by
//! `dane.rs::caller_errors_write_nothing`.

mod support;

use mxtrust::cert::Certificate;
use mxtrust::dane::{self, Options, Outcome, RecordStatus};
use mxtrust::limits::{
    MAX_CERTIFICATE_LEN, MAX_CHAIN_LEN, MAX_NAME_LEN, MAX_REFERENCE_IDS, MAX_TLSA_DATA_LEN,
    MAX_TLSA_RECORDS,
};
use mxtrust::name::ReferenceId;
use mxtrust::{Error, Tlsa};
use support::*;

#[test]
fn tlsa_data_length_from_rdata() {
    let mut rdata = vec![3, 1, 0];
    rdata.resize(3 + MAX_TLSA_DATA_LEN, 0xab);
    assert_eq!(
        Tlsa::from_rdata(&rdata).unwrap().data.len(),
        MAX_TLSA_DATA_LEN
    );
    rdata.push(0xab);
    assert_eq!(Tlsa::from_rdata(&rdata), Err(Error::TlsaDataTooLong));
}

#[test]
fn tlsa_data_length_from_text() {
    let mut storage = vec![0u8; MAX_TLSA_DATA_LEN + 1];
    let at_limit = format!("3 1 0 {}", "ab".repeat(MAX_TLSA_DATA_LEN));
    let record = Tlsa::parse_text(&at_limit, &mut storage).unwrap();
    assert_eq!(record.data.len(), MAX_TLSA_DATA_LEN);
    let mut storage = vec![0xeeu8; MAX_TLSA_DATA_LEN + 1];
    let past = format!("3 1 0 {}", "ab".repeat(MAX_TLSA_DATA_LEN + 1));
    assert_eq!(
        Tlsa::parse_text(&past, &mut storage),
        Err(Error::TlsaDataTooLong)
    );
    assert!(storage.iter().all(|&b| b == 0xee), "storage written");
    // The generic form of RFC 3597 counts the three fields too.
    let mut storage = vec![0u8; MAX_TLSA_DATA_LEN + 4];
    let generic = |data_len: usize| format!("\\# {} 030100{}", data_len + 3, "ab".repeat(data_len));
    let record = Tlsa::parse_text(&generic(MAX_TLSA_DATA_LEN), &mut storage).unwrap();
    assert_eq!(record.data.len(), MAX_TLSA_DATA_LEN);
    assert_eq!(
        Tlsa::parse_text(&generic(MAX_TLSA_DATA_LEN + 1), &mut storage),
        Err(Error::TlsaDataTooLong)
    );
}

/// A name of exactly `len` octets, in labels of at most 63.
fn name_of(len: usize) -> String {
    let mut name = String::new();
    while name.len() < len {
        if !name.is_empty() {
            name.push('.');
        }
        let room = (len - name.len()).min(63);
        // Never end on a dot: a one-octet tail becomes its own label.
        name.push_str(&"a".repeat(room.max(1)));
    }
    assert_eq!(name.len(), len);
    name
}

#[test]
fn name_length_of_reference_ids() {
    let at = name_of(MAX_NAME_LEN);
    let past = name_of(MAX_NAME_LEN + 1);
    assert!(ReferenceId::new(&at).is_ok());
    assert!(ReferenceId::new(&format!("{at}.")).is_ok(), "trailing dot");
    assert!(ReferenceId::new(&format!(".{at}")).is_ok(), "parent domain");
    assert_eq!(ReferenceId::new(&past), Err(Error::InvalidReferenceName));
    assert_eq!(
        ReferenceId::new(&format!("{past}.")),
        Err(Error::InvalidReferenceName)
    );
    // Through dane::verify, which checks every reference identifier first.
    let pki = Pki::new(Alg::P256);
    let record = Record::of(3, 1, 1, &pki.leaf);
    let mut report = [RecordStatus::EMPTY];
    let options = Options::new(mxtrust::time::unix_time(NOW), &[]);
    let chain = pki.chain();
    assert!(matches!(
        dane::verify(&chain, &[record.tlsa()], &[&at], &options, &mut report),
        Ok(Outcome::Authenticated(_))
    ));
    assert_eq!(
        dane::verify(&chain, &[record.tlsa()], &[&past], &options, &mut report),
        Err(Error::InvalidReferenceName)
    );
}

#[test]
fn certificate_length() {
    // At the limit the size is fine and the content decides (here: BadDer).
    let at = vec![0u8; MAX_CERTIFICATE_LEN];
    assert_eq!(Certificate::parse(&at), Err(Error::BadDer));
    let past = vec![0u8; MAX_CERTIFICATE_LEN + 1];
    assert_eq!(Certificate::parse(&past), Err(Error::CertificateTooLarge));
    // A presented certificate past the limit is the server's doing: a
    // verdict, in which DANE-EE still matches the leaf.
    let pki = Pki::new(Alg::P256);
    let chain: Vec<&[u8]> = vec![&pki.leaf.der, &past];
    let record = Record::of(3, 1, 1, &pki.leaf);
    let mut report = [RecordStatus::EMPTY];
    let outcome = dane::verify(
        &chain,
        &[record.tlsa()],
        &["mx.example.test"],
        &Options::new(mxtrust::time::unix_time(NOW), &[]),
        &mut report,
    );
    assert!(
        matches!(outcome, Ok(dane::Outcome::Authenticated(_))),
        "{outcome:?}"
    );
}

#[test]
fn counts_at_and_past_their_limits() {
    let pki = Pki::new(Alg::P256);
    let record = Record::of(3, 1, 1, &pki.leaf);
    let options = Options::new(mxtrust::time::unix_time(NOW), &[]);
    let names: Vec<&str> = vec!["mx.example.test"; MAX_REFERENCE_IDS];
    let run = |chain_len: usize, records: usize, names: &[&str]| {
        let chain: Vec<&[u8]> = vec![&pki.leaf.der; chain_len];
        let tlsa = vec![record.tlsa(); records];
        let mut report = vec![RecordStatus::EMPTY; records];
        dane::verify(&chain, &tlsa, names, &options, &mut report).map(|_| ())
    };
    assert_eq!(run(MAX_CHAIN_LEN, MAX_TLSA_RECORDS, &names), Ok(()));
    // One certificate too many is a verdict, not an error (see tests/dane.rs).
    assert_eq!(run(MAX_CHAIN_LEN + 1, 1, &names[..1]), Ok(()));
    assert_eq!(
        run(1, MAX_TLSA_RECORDS + 1, &names[..1]),
        Err(Error::TooManyRecords)
    );
    let seventeen: Vec<&str> = vec!["mx.example.test"; MAX_REFERENCE_IDS + 1];
    assert_eq!(run(1, 1, &seventeen), Err(Error::TooManyReferenceIds));
}

#[test]
fn mx_records_and_cname_steps() {
    use mxtrust::base_domain::{self, BaseError, CnameStep, TlsaBase};
    use mxtrust::decision::DnssecStatus::Secure;
    use mxtrust::limits::{MAX_CNAME_CHAIN, MAX_MX_HOSTS};
    use mxtrust::mx::{self, Mx, MxAnswer, MxError, Order, Route};

    let names: Vec<String> = (0..=MAX_MX_HOSTS + 1)
        .map(|i| format!("h{i}.example"))
        .collect();
    let records: Vec<Mx<'_>> = names
        .iter()
        .map(|n| Mx {
            preference: 10,
            exchange: n,
        })
        .collect();
    let mut out = [Mx::EMPTY; MAX_MX_HOSTS];
    let at = MxAnswer::Records(&records[..MAX_MX_HOSTS]);
    assert!(matches!(
        mx::hosts("example.com", at, Order::AsGiven, &mut out),
        Ok(Route::Hosts {
            count: MAX_MX_HOSTS,
            ..
        })
    ));
    let past = MxAnswer::Records(&records[..=MAX_MX_HOSTS]);
    assert_eq!(
        mx::hosts("example.com", past, Order::AsGiven, &mut out),
        Err(MxError::TooManyRecords)
    );

    let chain: Vec<CnameStep<'_>> = names
        .windows(2)
        .map(|w| CnameStep {
            owner: &w[0],
            target: &w[1],
            status: Secure,
        })
        .collect();
    assert!(matches!(
        base_domain::candidates(&names[0], &chain[..MAX_CNAME_CHAIN], Secure),
        Ok(TlsaBase::Candidates(_))
    ));
    assert_eq!(
        base_domain::candidates(&names[0], &chain[..=MAX_CNAME_CHAIN], Secure),
        Err(BaseError::ChainTooLong)
    );
}
