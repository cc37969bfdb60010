//! Test PKI: chains generated at test time with rcgen.
#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SignatureAlgorithm, date_time_ymd,
};

/// 2026-11-28T13:00:00Z, inside the default validity of every test certificate.
pub const NOW: u64 = 1_795_870_800;

#[derive(Clone, Copy, Debug)]
pub enum Alg {
    P256,
    P384,
    Ed25519,
}

impl Alg {
    fn rcgen(self) -> &'static SignatureAlgorithm {
        match self {
            Alg::P256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            Alg::P384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            Alg::Ed25519 => &rcgen::PKCS_ED25519,
        }
    }
}

/// A CA that can issue certificates.
pub struct Ca {
    pub der: Vec<u8>,
    pub spki: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

/// What to put in a certificate.
#[derive(Clone)]
pub struct Spec {
    pub cn: Option<String>,
    pub dns: Vec<String>,
    pub years: (i32, i32),
    pub path_len: Option<u8>,
    pub eku: Option<ExtendedKeyUsagePurpose>,
    pub ca: bool,
}

impl Spec {
    pub fn leaf(dns: &[&str]) -> Self {
        Spec {
            cn: None,
            dns: dns.iter().map(|s| s.to_string()).collect(),
            years: (2025, 2035),
            path_len: None,
            eku: Some(ExtendedKeyUsagePurpose::ServerAuth),
            ca: false,
        }
    }

    pub fn ca(cn: &str) -> Self {
        Spec {
            cn: Some(cn.to_string()),
            dns: vec![],
            years: (2025, 2035),
            path_len: None,
            eku: None,
            ca: true,
        }
    }

    pub fn cn(mut self, cn: &str) -> Self {
        self.cn = Some(cn.to_string());
        self
    }

    pub fn years(mut self, from: i32, to: i32) -> Self {
        self.years = (from, to);
        self
    }

    pub fn path_len(mut self, len: u8) -> Self {
        self.path_len = Some(len);
        self
    }

    pub fn eku(mut self, eku: Option<ExtendedKeyUsagePurpose>) -> Self {
        self.eku = eku;
        self
    }

    pub fn not_ca(mut self) -> Self {
        self.ca = false;
        self
    }

    pub fn params(&self) -> CertificateParams {
        let mut params = CertificateParams::default();
        params.distinguished_name = DistinguishedName::new();
        if let Some(cn) = &self.cn {
            params
                .distinguished_name
                .push(DnType::CommonName, cn.as_str());
        }
        params
            .distinguished_name
            .push(DnType::OrganizationName, "mxtrust tests");
        params.subject_alt_names = self
            .dns
            .iter()
            .map(|d| SanType::DnsName(d.as_str().try_into().unwrap()))
            .collect();
        params.not_before = date_time_ymd(self.years.0, 1, 1);
        params.not_after = date_time_ymd(self.years.1, 1, 1);
        if self.ca {
            params.is_ca = IsCa::Ca(match self.path_len {
                Some(n) => BasicConstraints::Constrained(n),
                None => BasicConstraints::Unconstrained,
            });
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        } else {
            params.is_ca = IsCa::ExplicitNoCa;
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        }
        params.extended_key_usages = self.eku.iter().cloned().collect();
        params
    }
}

pub fn key(alg: Alg) -> KeyPair {
    KeyPair::generate_for(alg.rcgen()).unwrap()
}

/// A self-signed root.
pub fn root(alg: Alg, spec: Spec) -> Ca {
    let key = key(alg);
    let params = spec.params();
    let cert = params.self_signed(&key).unwrap();
    Ca {
        der: cert.der().to_vec(),
        spki: rcgen::PublicKeyData::subject_public_key_info(&key),
        issuer: Issuer::new(params, key),
    }
}

/// A certificate issued by `parent` for a fresh key.
pub fn issue(parent: &Ca, alg: Alg, spec: Spec) -> Ca {
    issue_with_key(parent, key(alg), spec)
}

/// A certificate issued by `parent` for `key`.
pub fn issue_with_key(parent: &Ca, key: KeyPair, spec: Spec) -> Ca {
    issue_with_params(parent, key, spec.params())
}

/// A certificate issued by `parent` for `key` with hand-made parameters.
pub fn issue_with_params(parent: &Ca, key: KeyPair, params: CertificateParams) -> Ca {
    let cert = params.signed_by(&key, &parent.issuer).unwrap();
    Ca {
        der: cert.der().to_vec(),
        spki: rcgen::PublicKeyData::subject_public_key_info(&key),
        issuer: Issuer::new(params, key),
    }
}

/// A key's PKCS#8 form, to reuse it for a cross-signed certificate.
pub fn key_of(ca: &Ca) -> KeyPair {
    let pkcs8 = ca.issuer.key().serialize_der();
    KeyPair::try_from(pkcs8.as_slice()).unwrap()
}

/// A three-level chain: root, intermediate, leaf for `mx.example.test`.
pub struct Pki {
    pub root: Ca,
    pub int: Ca,
    pub leaf: Ca,
}

impl Pki {
    pub fn new(alg: Alg) -> Self {
        let root = root(alg, Spec::ca("mxtrust test root"));
        let int = issue(&root, alg, Spec::ca("mxtrust test intermediate"));
        let leaf = issue(&int, alg, Spec::leaf(&["mx.example.test"]));
        Pki { root, int, leaf }
    }

    /// Leaf and intermediate, as a server presents them.
    pub fn chain(&self) -> Vec<&[u8]> {
        vec![&self.leaf.der, &self.int.der]
    }
}

/// An intermediate issued by `root` under the given dNSName constraints.
pub fn constrained_int(root: &Ca, permitted: &[&str], excluded: &[&str]) -> Ca {
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "constrained int");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign];
    let subtrees = |names: &[&str]| {
        names
            .iter()
            .map(|n| rcgen::GeneralSubtree::DnsName(n.to_string()))
            .collect()
    };
    params.name_constraints = Some(rcgen::NameConstraints {
        permitted_subtrees: subtrees(permitted),
        excluded_subtrees: subtrees(excluded),
    });
    issue_with_params(root, key(Alg::P256), params)
}

/// A leaf with no subjectAltName, named only by its CN.
pub fn cn_only_leaf(issuer: &Ca, cn: &str) -> Ca {
    issue(issuer, Alg::P256, Spec::leaf(&[]).cn(cn))
}

/// A leaf for `names` whose basicConstraints encodes `cA FALSE` explicitly
/// (`30 03 01 01 00`): not DER's canonical form, but common, and read by
/// OpenSSL and rustls-webpki.
pub fn explicit_ca_false_leaf(issuer: &Ca, names: &[&str]) -> Ca {
    let mut params = Spec::leaf(names).params();
    params.is_ca = IsCa::NoCa;
    params
        .custom_extensions
        .push(rcgen::CustomExtension::from_oid_content(
            &[2, 5, 29, 19],
            vec![0x30, 0x03, 0x01, 0x01, 0x00],
        ));
    issue_with_params(issuer, key(Alg::P256), params)
}

pub fn sha256(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

pub fn sha512(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha512::digest(data).to_vec()
}

/// The TLSA data for a selector and matching type, computed independently
/// of mxtrust from the DER and the key rcgen reports.
pub fn data(ca: &Ca, selector: u8, mtype: u8) -> Vec<u8> {
    let selected = match selector {
        0 => ca.der.clone(),
        1 => ca.spki.clone(),
        _ => panic!("selector"),
    };
    match mtype {
        0 => selected,
        1 => sha256(&selected),
        2 => sha512(&selected),
        _ => panic!("matching type"),
    }
}

/// An owned TLSA record.
#[derive(Clone, Debug)]
pub struct Record(pub u8, pub u8, pub u8, pub Vec<u8>);

impl Record {
    pub fn of(usage: u8, selector: u8, mtype: u8, ca: &Ca) -> Self {
        Record(usage, selector, mtype, data(ca, selector, mtype))
    }

    pub fn tlsa(&self) -> mxtrust::Tlsa<'_> {
        mxtrust::Tlsa {
            usage: self.0.into(),
            selector: self.1.into(),
            matching_type: self.2.into(),
            data: &self.3,
        }
    }

    pub fn corrupted(mut self) -> Self {
        let last = self.3.len() - 1;
        self.3[last] ^= 1;
        self
    }
}
