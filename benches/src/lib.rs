//! Workloads and peers for mxtrust's side-by-side benchmarks.
//!
//! Every workload is built once from the committed fixtures
//! (`tests/fixtures/dane`) or from literal MTA-STS texts, and then offered
//! as a set of [`Op`]s that do the same job: mxtrust, a peer implementation
//! (OpenSSL's DANE, mail-auth's TXT parsers), or a physical limit (the one
//! SHA-256 a DANE-EE check cannot avoid, the one signature a DANE-TA check
//! cannot avoid). The criterion benches and the `compare` binary use the
//! same ops, so their figures describe the same work.
//!
//! The Python peer (postfix-mta-sts-resolver) runs in its own process; see
//! `python/sts_bench.py`. [`sts_policy_body`] and the TXT constants here are
//! the inputs it receives.

pub mod der;
pub mod openssl_dane;

use mail_auth::common::parse::TxtRecordParser;
use mxtrust::dane::{self, Options, Outcome, RecordStatus};
use mxtrust::policy::{Policy, Warning};
use mxtrust::sts;
use mxtrust::tlsrpt::{self, ReportUri};
use mxtrust::{SignatureVerificationAlgorithm, Tlsa};
use sha2::Digest;

/// Validation time: 2026-11-28T13:00:00Z, inside every fixture's validity.
pub const NOW: u64 = 1_795_870_800;

/// The TLSA base domain, which the fixture leaves name in their SAN.
pub const BASE_DOMAIN: &str = "mx.example.test";

/// ECDSA, Ed25519 and RSA, as a std MTA would configure mxtrust.
pub static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] =
    mxtrust::ring_algorithms_with_rsa!();

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../tests/fixtures/dane/", $name, ".der")).as_slice()
    };
}

/// A presented chain (leaf and intermediate) and how the intermediate signs.
pub struct Chain {
    /// Short name used in workload names.
    pub name: &'static str,
    /// Leaf DER.
    pub leaf: &'static [u8],
    /// Intermediate DER.
    pub int: &'static [u8],
    /// ring's algorithm for the one signature on the leaf.
    pub leaf_signature: &'static dyn ring::signature::VerificationAlgorithm,
}

/// The three chains of the workloads.
pub fn chains() -> [Chain; 3] {
    [
        Chain {
            name: "rsa2048",
            leaf: fixture!("rsa-leaf"),
            int: fixture!("rsa-int"),
            leaf_signature: &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        },
        Chain {
            name: "p256",
            leaf: fixture!("p256-leaf"),
            int: fixture!("p256-int"),
            leaf_signature: &ring::signature::ECDSA_P256_SHA256_ASN1,
        },
        Chain {
            name: "p256-under-p384",
            leaf: fixture!("p256-leaf-p384"),
            int: fixture!("p384-int"),
            leaf_signature: &ring::signature::ECDSA_P384_SHA384_ASN1,
        },
    ]
}

/// A certificate's SubjectPublicKeyInfo, whole.
pub fn spki(der: &[u8]) -> &[u8] {
    mxtrust::cert::Certificate::parse(der)
        .expect("fixture parses")
        .spki()
}

fn sha256(data: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(data).to_vec()
}

/// One TLSA record in wire form (RDATA).
#[derive(Clone, Debug)]
pub struct Record {
    /// Usage, selector, matching type.
    pub fields: (u8, u8, u8),
    /// Association data.
    pub data: Vec<u8>,
}

impl Record {
    fn sha256(usage: u8, selector: u8, selected: &[u8]) -> Self {
        Record {
            fields: (usage, selector, 1),
            data: sha256(selected),
        }
    }

    /// The RDATA octets.
    pub fn rdata(&self) -> Vec<u8> {
        let (u, s, m) = self.fields;
        let mut out = vec![u, s, m];
        out.extend_from_slice(&self.data);
        out
    }
}

/// The TLSA sets of the workloads, for one chain.
pub fn tlsa_sets(chain: &Chain) -> Vec<(&'static str, Vec<Record>)> {
    // The "next" key of a rollover and unrelated certificates: other fixtures.
    let next_key = spki(fixture!("ed25519-leaf"));
    let other_cert = fixture!("rsa-root");
    let current = Record::sha256(3, 1, spki(chain.leaf));
    let next = Record::sha256(3, 1, next_key);
    let issuer = Record::sha256(2, 1, spki(chain.int));
    vec![
        ("3 1 1", vec![current.clone()]),
        (
            "3 1 1 + 3 1 1 rollover",
            vec![next.clone(), current.clone()],
        ),
        ("2 1 1 intermediate", vec![issuer.clone()]),
        (
            "mixed 3 1 1 x2, 2 1 1, 2 0 1",
            vec![next, current, issuer, Record::sha256(2, 0, other_cert)],
        ),
    ]
}

/// A DANE verdict as a number, the same for every implementation:
/// `1 + (usage << 8 | depth)` when authenticated, 0 when not.
pub fn dane_verdict(usage: u8, depth: usize) -> u64 {
    1 + ((u64::from(usage) << 8) | depth as u64)
}

/// mxtrust's DANE check from wire RDATA, as an MTA does per connection:
/// parse the RRset's RDATA (zero copy) and verify the presented chain.
pub fn mxtrust_dane(chain: &[&[u8]], rdata: &[Vec<u8>]) -> u64 {
    mxtrust_dane_n::<8>(chain, rdata)
}

/// [`mxtrust_dane`] with storage for `N` records: the RDATA parsed into a
/// fixed-capacity vector (only the records there are get written), and a
/// report of `N` statuses.
pub fn mxtrust_dane_n<const N: usize>(chain: &[&[u8]], rdata: &[Vec<u8>]) -> u64 {
    let mut records = heapless::Vec::<Tlsa<'_>, N>::new();
    for r in rdata {
        let record = Tlsa::from_rdata(r).expect("valid RDATA");
        records.push(record).expect("at most N records");
    }
    let mut report = [RecordStatus::EMPTY; N];
    let options = Options::new(mxtrust::time::unix_time(NOW), ALGORITHMS);
    match dane::verify(chain, &records, &[BASE_DOMAIN], &options, &mut report) {
        Ok(Outcome::Authenticated(a)) => dane_verdict(u8::from(a.usage), a.depth),
        Ok(Outcome::Failed(_)) => 0,
        Ok(Outcome::Unauthenticated) => u64::MAX,
        Err(_) => u64::MAX - 1,
    }
}

/// The leaf's signature, its signed bytes, and the issuer's public key.
pub struct LeafSignature {
    /// tbsCertificate, header included.
    pub tbs: &'static [u8],
    /// The signature value.
    pub signature: &'static [u8],
    /// The issuer's subjectPublicKey (BIT STRING contents).
    pub issuer_key: &'static [u8],
    /// ring's algorithm.
    pub algorithm: &'static dyn ring::signature::VerificationAlgorithm,
}

impl LeafSignature {
    /// Pulls the parts out of a chain's DER.
    pub fn of(chain: &Chain) -> Self {
        let (tbs, signature) = der::tbs_and_signature(chain.leaf);
        LeafSignature {
            tbs,
            signature,
            issuer_key: der::spki_key(spki(chain.int)),
            algorithm: chain.leaf_signature,
        }
    }

    /// ring's bare verification: 1 when valid.
    pub fn verify(&self) -> u64 {
        let key = ring::signature::UnparsedPublicKey::new(self.algorithm, self.issuer_key);
        u64::from(key.verify(self.tbs, self.signature).is_ok())
    }
}

/// An MTA-STS policy with `mx_count` patterns, CRLF line ends; the last
/// pattern is the one [`STS_HOST`] matches, so every matcher scans them all.
pub fn sts_policy_body(mx_count: usize) -> String {
    let mut body = String::from("version: STSv1\r\nmode: enforce\r\n");
    for i in 1..mx_count {
        body.push_str(&format!("mx: mx{i}.mail.example.com\r\n"));
    }
    body.push_str("mx: *.example.net\r\nmax_age: 604800\r\n");
    body
}

/// The MX host matched against the policies.
pub const STS_HOST: &str = "mx2.example.net";

/// Policy sizes of the workloads.
pub const STS_MX_COUNTS: [usize; 4] = [1, 3, 32, 50];

/// Policy verdict: 0 rejected, 1 parsed and host not allowed, 2 allowed.
pub fn mxtrust_policy(body: &[u8], host: &[u8]) -> u64 {
    let mut warnings = [Warning::EMPTY; 4];
    let parsed: Result<Policy<'_>, _> = Policy::parse(body, &mut warnings);
    match parsed {
        Ok(policy) => 1 + u64::from(policy.allows_mx(host)),
        Err(_) => 0,
    }
}

/// The name of the policy parser's limit.
pub const LINE_SPLIT: &str = "memchr line split";

/// The least a policy parser does: find every line of the body (the
/// `memchr` crate's LF search). Returns the number of non-empty lines.
pub fn line_split(body: &[u8]) -> u64 {
    let mut lines = 0u64;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body) {
        lines += u64::from(!body[start..end].is_empty());
        start = end + 1;
    }
    lines + u64::from(start < body.len())
}

/// `_mta-sts` TXT record of the workloads.
pub const STS_TXT: &str = "v=STSv1; id=20250101T000000Z;";
/// `_smtp._tls` TXT record of the workloads.
pub const TLSRPT_TXT: &str =
    "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://tlsrpt.example.com/v1";

/// Verdicts of TXT parsers as one number: FNV-1a's multiply and xor, over
/// eight octets at a time (zero-padded) and each part's length. An octet
/// at a time, the hash was a chain of one multiply per octet that took
/// longer than parsing an `_mta-sts` record, and made every parser look
/// alike; this keeps the verdict exact enough to tell parsers apart.
pub fn verdict_hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |word: u64| h = (h ^ word).wrapping_mul(0x0100_0000_01b3);
    for part in parts {
        mix(part.len() as u64);
        for chunk in part.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            mix(u64::from_le_bytes(word));
        }
    }
    h
}

/// mxtrust `_mta-sts`: the id, hashed; 0 when invalid.
pub fn mxtrust_sts_txt(txt: &[u8]) -> u64 {
    sts::Record::parse(txt).map_or(0, |r| verdict_hash(&[r.id().as_bytes()]))
}

/// mail-auth `_mta-sts`: the id, hashed; 0 when invalid.
pub fn mail_auth_sts_txt(txt: &[u8]) -> u64 {
    mail_auth::mta_sts::MtaSts::parse(txt).map_or(0, |r| verdict_hash(&[r.id.as_bytes()]))
}

/// mxtrust `_smtp._tls`: the URIs, hashed; 0 when invalid.
pub fn mxtrust_tlsrpt_txt(txt: &[u8]) -> u64 {
    let Ok(record) = tlsrpt::Record::parse(txt) else {
        return 0;
    };
    let mut uris: [&[u8]; 16] = [&[]; 16];
    let mut n = 0;
    for (slot, uri) in uris.iter_mut().zip(record.uris()) {
        *slot = match uri {
            ReportUri::Mailto(s) | ReportUri::Https(s) | ReportUri::Other(s) => s.as_bytes(),
        };
        n += 1;
    }
    verdict_hash(&uris[..n])
}

/// mail-auth `_smtp._tls`: the URIs (mailto: restored), hashed.
pub fn mail_auth_tlsrpt_txt(txt: &[u8]) -> u64 {
    use mail_auth::mta_sts::{ReportUri as U, TlsRpt};
    let Ok(record) = TlsRpt::parse(txt) else {
        return 0;
    };
    let uris: Vec<String> = record
        .rua
        .iter()
        .map(|u| match u {
            U::Mail(m) => format!("mailto:{m}"),
            U::Http(h) => h.clone(),
        })
        .collect();
    let parts: Vec<&[u8]> = uris.iter().map(|s| s.as_bytes()).collect();
    verdict_hash(&parts)
}

/// A chain of `len` P-256 certificates as a server presents it, leaf
/// first: a leaf for [`BASE_DOMAIN`] (serverAuth), then `len - 1` CAs, each
/// issuing the one before it; the last is issued by a root that is not
/// presented. Keys are fresh (rcgen), so the octets differ between runs;
/// the sizes, names and signature algorithm do not.
pub fn generated_chain(len: usize) -> Vec<Vec<u8>> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    };
    let ca_params = |name: String| {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name.push(DnType::CommonName, name);
        p
    };
    // From the root down: each CA's params and key issue the next.
    let mut params = ca_params("mxtrust scaling root".into());
    let mut key = KeyPair::generate().expect("key");
    let mut presented = Vec::new();
    for depth in (1..len).rev() {
        let next_params = ca_params(format!("mxtrust scaling CA {depth}"));
        let next_key = KeyPair::generate().expect("key");
        let cert = next_params
            .signed_by(&next_key, &Issuer::from_params(&params, &key))
            .expect("CA");
        presented.push(cert.der().to_vec());
        (params, key) = (next_params, next_key);
    }
    let mut leaf = CertificateParams::new(vec![BASE_DOMAIN.to_string()]).expect("params");
    leaf.distinguished_name
        .push(DnType::CommonName, BASE_DOMAIN);
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().expect("key");
    let leaf = leaf
        .signed_by(&leaf_key, &Issuer::from_params(&params, &key))
        .expect("leaf");
    presented.push(leaf.der().to_vec());
    presented.reverse();
    presented
}

/// Chain lengths of the scaling table: 1 to [`mxtrust::limits::MAX_CHAIN_LEN`].
pub const SCALING_CHAIN_LENS: std::ops::RangeInclusive<usize> = 1..=mxtrust::limits::MAX_CHAIN_LEN;
/// TLSA RRset sizes of the scaling table.
pub const SCALING_RRSET_SIZES: [usize; 6] = [1, 2, 4, 8, 16, 32];
/// Policy sizes of the scaling table: 1 to [`mxtrust::limits::MAX_MX_PATTERNS`].
pub const SCALING_MX_COUNTS: [usize; 8] =
    [1, 2, 4, 8, 16, 32, 50, mxtrust::limits::MAX_MX_PATTERNS];

/// The workloads of `compare --scaling`: DANE against chain length (`3 1 1`
/// on the leaf, `2 1 1` on the topmost presented CA) and against the
/// RRset's size (`3 1 1` records that do not match, then the one that
/// does), mxtrust beside OpenSSL; the policy against its `mx` lines,
/// beside the line split.
pub fn scaling_ops() -> Vec<Op> {
    let mut ops = Vec::new();
    let openssl: &'static openssl_dane::OpensslDane =
        Box::leak(Box::new(openssl_dane::OpensslDane::new()));
    let mut push_dane = |workload: String, kind: Kind, chain: &[Vec<u8>], records: Vec<Record>| {
        let der: &'static [Vec<u8>] = Box::leak(chain.to_vec().into_boxed_slice());
        let chain: &'static [&'static [u8]] = Box::leak(
            der.iter()
                .map(Vec::as_slice)
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        );
        let rdata: &'static [Vec<u8>] = Box::leak(records.iter().map(Record::rdata).collect());
        let records: &'static [Record] = Box::leak(records.into_boxed_slice());
        ops.push(Op {
            workload: workload.clone(),
            kind,
            who: Who::Mxtrust,
            run: Box::new(move || mxtrust_dane_n::<64>(chain, rdata)),
        });
        ops.push(Op {
            workload,
            kind,
            who: Who::Peer("openssl"),
            run: Box::new(move || openssl.verify(chain, records)),
        });
    };
    for len in SCALING_CHAIN_LENS {
        let chain = generated_chain(len);
        let leaf = Record::sha256(3, 1, spki(&chain[0]));
        push_dane(
            format!("chain {len}, 3 1 1 leaf"),
            Kind::DaneChain { len, usage: 3 },
            &chain,
            vec![leaf],
        );
        if len > 1 {
            let top = Record::sha256(2, 1, spki(&chain[len - 1]));
            push_dane(
                format!("chain {len}, 2 1 1 top CA"),
                Kind::DaneChain { len, usage: 2 },
                &chain,
                vec![top],
            );
        }
    }
    let chain = generated_chain(2);
    for size in SCALING_RRSET_SIZES {
        let mut records: Vec<Record> = (1..size)
            .map(|i| Record::sha256(3, 1, format!("not this key {i}").as_bytes()))
            .collect();
        records.push(Record::sha256(3, 1, spki(&chain[0])));
        push_dane(
            format!("rrset {size}, 3 1 1 last matches"),
            Kind::DaneRrset { records: size },
            &chain,
            records,
        );
    }
    for mx in SCALING_MX_COUNTS {
        let body: &'static [u8] = Box::leak(sts_policy_body(mx).into_bytes().into_boxed_slice());
        let workload = format!("policy {mx} mx, parse+match");
        ops.push(Op {
            workload: workload.clone(),
            kind: Kind::Policy { mx },
            who: Who::Mxtrust,
            run: Box::new(move || mxtrust_policy(body, STS_HOST.as_bytes())),
        });
        ops.push(Op {
            workload,
            kind: Kind::Policy { mx },
            who: Who::Limit(LINE_SPLIT),
            run: Box::new(move || line_split(body)),
        });
    }
    ops
}

/// Who does the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// mxtrust itself.
    Mxtrust,
    /// Another implementation of the same job: its verdict must equal
    /// mxtrust's.
    Peer(&'static str),
    /// A physical limit: the least work any implementation must do.
    Limit(&'static str),
}

impl Who {
    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Who::Mxtrust => "mxtrust",
            Who::Peer(name) | Who::Limit(name) => name,
        }
    }
}

/// What a workload exercises, for targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A DANE check of a chain against a TLSA set.
    Dane {
        /// Chain name.
        chain: &'static str,
        /// TLSA set name.
        set: &'static str,
    },
    /// MTA-STS policy parse and MX match.
    Policy {
        /// Number of mx patterns.
        mx: usize,
    },
    /// `_mta-sts` TXT record.
    StsTxt,
    /// `_smtp._tls` TXT record.
    TlsrptTxt,
    /// A generated chain of `len` certificates, one record of `usage`.
    DaneChain {
        /// Presented certificates.
        len: usize,
        /// 3: `3 1 1` on the leaf; 2: `2 1 1` on the topmost CA.
        usage: u8,
    },
    /// `records` `3 1 1` records, the last one matching.
    DaneRrset {
        /// Records in the RRset.
        records: usize,
    },
}

/// One implementation of one workload.
pub struct Op {
    /// The workload's name: ops with the same name do the same job.
    pub workload: String,
    /// What it exercises.
    pub kind: Kind,
    /// Who does it.
    pub who: Who,
    /// Does it once; returns the verdict.
    pub run: Box<dyn Fn() -> u64 + Send + Sync>,
}

impl Op {
    /// `workload/who`, unique.
    pub fn id(&self) -> String {
        format!("{}/{}", self.workload, self.who.name())
    }
}

/// Every op of every workload, grouped by workload, mxtrust first.
pub fn ops() -> Vec<Op> {
    let mut ops = Vec::new();
    let openssl: &'static openssl_dane::OpensslDane =
        Box::leak(Box::new(openssl_dane::OpensslDane::new()));
    for chain in chains() {
        let pair: &'static [&'static [u8]] = Box::leak(Box::new([chain.leaf, chain.int]));
        for (set, records) in tlsa_sets(&chain) {
            let workload = format!("dane {} {}", chain.name, set);
            let kind = Kind::Dane {
                chain: chain.name,
                set,
            };
            let rdata: &'static [Vec<u8>] = Box::leak(records.iter().map(Record::rdata).collect());
            let records: &'static [Record] = Box::leak(records.into_boxed_slice());
            ops.push(Op {
                workload: workload.clone(),
                kind,
                who: Who::Mxtrust,
                run: Box::new(move || mxtrust_dane(pair, rdata)),
            });
            ops.push(Op {
                workload: workload.clone(),
                kind,
                who: Who::Peer("openssl"),
                run: Box::new(move || openssl.verify(pair, records)),
            });
            let parsed: &'static openssl_dane::ParsedChain =
                Box::leak(Box::new(openssl_dane::ParsedChain::new(pair)));
            ops.push(Op {
                workload: workload.clone(),
                kind,
                who: Who::Peer("openssl, certificates pre-decoded"),
                run: Box::new(move || openssl.verify_parsed(parsed, records)),
            });
            if set == "3 1 1" {
                let selected = spki(chain.leaf);
                ops.push(Op {
                    workload: workload.clone(),
                    kind,
                    who: Who::Limit("sha2 SHA-256 of leaf SPKI"),
                    run: Box::new(move || u64::from(sha2::Sha256::digest(selected)[0])),
                });
            }
            if set == "2 1 1 intermediate" {
                let sig: &'static LeafSignature = Box::leak(Box::new(LeafSignature::of(&chain)));
                ops.push(Op {
                    workload,
                    kind,
                    who: Who::Limit("ring verify of leaf signature"),
                    run: Box::new(move || sig.verify()),
                });
            }
        }
    }
    for mx in STS_MX_COUNTS {
        let body: &'static [u8] = Box::leak(sts_policy_body(mx).into_bytes().into_boxed_slice());
        ops.push(Op {
            workload: format!("mta-sts policy {mx} mx, parse+match"),
            kind: Kind::Policy { mx },
            who: Who::Mxtrust,
            run: Box::new(move || mxtrust_policy(body, STS_HOST.as_bytes())),
        });
        ops.push(Op {
            workload: format!("mta-sts policy {mx} mx, parse+match"),
            kind: Kind::Policy { mx },
            who: Who::Limit(LINE_SPLIT),
            run: Box::new(move || line_split(body)),
        });
    }
    let txt = [
        (
            "_mta-sts TXT",
            Kind::StsTxt,
            STS_TXT,
            mxtrust_sts_txt as fn(&[u8]) -> u64,
            mail_auth_sts_txt as fn(&[u8]) -> u64,
        ),
        (
            "_smtp._tls TXT",
            Kind::TlsrptTxt,
            TLSRPT_TXT,
            mxtrust_tlsrpt_txt,
            mail_auth_tlsrpt_txt,
        ),
    ];
    for (workload, kind, text, ours, theirs) in txt {
        ops.push(Op {
            workload: workload.to_string(),
            kind,
            who: Who::Mxtrust,
            run: Box::new(move || ours(text.as_bytes())),
        });
        ops.push(Op {
            workload: workload.to_string(),
            kind,
            who: Who::Peer("mail-auth 0.13"),
            run: Box::new(move || theirs(text.as_bytes())),
        });
    }
    ops
}
