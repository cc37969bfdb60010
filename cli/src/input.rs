//! Reading the files and arguments a command names, with errors that say
//! which file (and line) is at fault.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

use mxtrust::TrustAnchor;
use mxtrust_report::ReadErrorKind;
use mxtrust_report::tlsa_gen::{self, KeyError, KeySource};
use mxtrust_report::tlsa_text::{self, Ignored, ReadOptions, Record};

/// Input the tool cannot use: a missing or unreadable file, malformed
/// records, an argument core rejects. Exit status 2.
#[derive(Debug)]
pub struct InputError(String);

impl InputError {
    /// An error with this message, shown as `mxtrust: <message>`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// How a path appears in messages: `-` is standard input.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The whole content of `path`, or of standard input for `-`, refused at
/// once when it is larger than `limit` octets (the largest legal input of
/// its kind; reading stops at `limit + 1`, so `/dev/zero` is refused too).
/// `what` names the kind in the message.
pub fn read_bytes(path: &Path, limit: usize, what: &str) -> Result<Vec<u8>, InputError> {
    let bytes = read_up_to(path, limit.saturating_add(1))?;
    if bytes.len() > limit {
        return Err(InputError::new(format!(
            "{}: larger than {limit} octets, the most {what} can be",
            display_name(path)
        )));
    }
    Ok(bytes)
}

/// At most the first `cap` octets of `path` (or standard input for `-`).
pub fn read_up_to(path: &Path, cap: usize) -> Result<Vec<u8>, InputError> {
    let name = display_name(path);
    let io = |e: std::io::Error| InputError::new(format!("{name}: {e}"));
    let mut bytes = Vec::new();
    let cap = u64::try_from(cap).unwrap_or(u64::MAX);
    if is_stdin(path) {
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path)
            .map_err(io)?
            .take(cap)
            .read_to_end(&mut bytes)
    }
    .map_err(io)?;
    Ok(bytes)
}

/// The certificates in `path` (PEM, `s_client` output or DER), as DER.
///
/// # Errors
///
/// An unreadable or oversized file, or what the reader says, prefixed with
/// the file.
pub fn certificates(path: &Path, limit: usize, what: &str) -> Result<Vec<Vec<u8>>, InputError> {
    let bytes = read_bytes(path, limit, what)?;
    mxtrust_report::pem::certificates(&bytes)
        .map_err(|e| InputError::new(e.in_input(&display_name(path))))
}

/// Records from `--tlsa` arguments (numbered from 1), then from each file,
/// and the records the files hold for other owners.
///
/// # Errors
///
/// The first record that does not parse, a file that cannot be read, a
/// `dig` answer nobody vouches for.
pub fn tlsa_records<P: AsRef<Path>>(
    arguments: &[String],
    files: &[P],
    tlsa_name: &str,
    dnssec_unchecked: bool,
) -> Result<(Vec<Record>, Vec<Ignored>), InputError> {
    let mut records = Vec::new();
    let mut ignored = Vec::new();
    for (i, text) in arguments.iter().enumerate() {
        let source = format!("--tlsa {}", i.saturating_add(1));
        records.push(
            Record::parse(text, source.clone())
                .map_err(|e| InputError::new(format!("{source}: {e}")))?,
        );
    }
    for path in files {
        let path = path.as_ref();
        let name = display_name(path);
        let bytes = read_bytes(path, tlsa_text::MAX_INPUT_LEN, "a TLSA file")?;
        let text = mxtrust_report::text(&bytes).map_err(|e| InputError::new(e.in_input(&name)))?;
        let options = ReadOptions {
            name: &name,
            tlsa_name,
            dnssec_unchecked,
        };
        let file = tlsa_text::records(text, &options).map_err(|e| {
            let hint = match e.kind {
                ReadErrorKind::DigNotAuthenticated | ReadErrorKind::DigStatus(_) => {
                    "; if you vouch for these records, pass --dnssec-unchecked"
                }
                _ => "",
            };
            InputError::new(format!("{}{hint}", e.in_input(&name)))
        })?;
        records.extend(file.records);
        ignored.extend(file.ignored);
    }
    Ok((records, ignored))
}

/// Trust anchors from DER certificates (read from `path`), in order.
///
/// # Errors
///
/// The first certificate that cannot be a trust anchor, by number.
pub fn trust_anchors<'a>(
    ders: &'a [Vec<u8>],
    path: Option<&Path>,
) -> Result<Vec<TrustAnchor<'a>>, InputError> {
    ders.iter()
        .enumerate()
        .map(|(i, der)| {
            trust_anchor(der).map_err(|e| {
                let name = path.map(display_name).unwrap_or_default();
                InputError::new(format!(
                    "{name}: certificate {} is not usable as a trust anchor: {e}",
                    i.saturating_add(1)
                ))
            })
        })
        .collect()
}

/// Trust anchors from a bundle the user did not write (the system roots),
/// leaving out the certificates that cannot be one; and how many were left
/// out.
pub fn usable_trust_anchors(ders: &[Vec<u8>]) -> (Vec<TrustAnchor<'_>>, usize) {
    let anchors: Vec<TrustAnchor<'_>> = ders.iter().filter_map(|d| trust_anchor(d).ok()).collect();
    let skipped = ders.len().saturating_sub(anchors.len());
    (anchors, skipped)
}

fn trust_anchor(der: &[u8]) -> Result<TrustAnchor<'_>, mxtrust::Error> {
    mxtrust::cert::Certificate::parse(der).and_then(|cert| cert.trust_anchor())
}

/// The SubjectPublicKeyInfo (DER) of a public key file (PEM `PUBLIC KEY`
/// or DER) or of a PKCS#10 certificate request (PEM
/// `CERTIFICATE REQUEST` / `NEW CERTIFICATE REQUEST` or DER).
///
/// # Errors
///
/// A file that cannot be read or holds no such object.
pub fn key_spki(path: &Path, source: KeySource) -> Result<Vec<u8>, InputError> {
    let name = display_name(path);
    let what = match source {
        KeySource::PublicKey => "a public key file",
        KeySource::Request => "a certificate request file",
    };
    let bytes = read_bytes(path, mxtrust_report::pem::MAX_OBJECT_INPUT_LEN, what)?;
    tlsa_gen::key_spki(&bytes, source).map_err(|e| {
        InputError::new(match e {
            KeyError::Read(e) => e.in_input(&name),
            e @ KeyError::NotARequest(_) => format!("{name}: {e}"),
        })
    })
}
