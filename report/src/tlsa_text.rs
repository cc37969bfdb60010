//! TLSA records in presentation form: `--tlsa` arguments, and files of
//! records (`U S M HEX` lines, zone-file lines, `dig` output), each record
//! remembering where it came from so that reports and errors can say so.

use mxtrust::{CertUsage, MatchingType, Selector, Tlsa};

use crate::{ReadError, ReadErrorKind};

/// A TLSA record that owns its certificate association data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Where it came from: `FILE:LINE` or `--tlsa N`.
    pub source: String,
    usage: CertUsage,
    selector: Selector,
    matching_type: MatchingType,
    data: Vec<u8>,
}

impl Record {
    /// Parses one record in any form [`Tlsa::parse_text`] accepts.
    ///
    /// # Errors
    ///
    /// Core's reason.
    pub fn parse(text: &str, source: String) -> Result<Self, mxtrust::Error> {
        Self::parse_line(text, source)?.ok_or(mxtrust::Error::NotTlsa)
    }

    /// Like [`Record::parse`], but a line of another record type (the
    /// RRSIGs of `dig +dnssec`) is `None` rather than an error.
    fn parse_line(text: &str, source: String) -> Result<Option<Self>, mxtrust::Error> {
        // Hex never decodes to more than half the text.
        let mut storage = vec![0u8; text.len() / 2 + 1];
        match Tlsa::parse_text(text, &mut storage) {
            Ok(tlsa) => Ok(Some(Self {
                usage: tlsa.usage,
                selector: tlsa.selector,
                matching_type: tlsa.matching_type,
                data: tlsa.data.to_vec(),
                source,
            })),
            Err(mxtrust::Error::NotTlsa) => Ok(None),
            Err(e) => Err(e),
        }
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

/// The records of a file's text, one per line; blank lines, lines starting
/// with `#` or `;` (zone-file comments and `dig`'s section headers) and
/// lines of other record types (the RRSIGs of `dig +dnssec`) are skipped.
/// `name` is how sources call the file (`NAME:LINE`).
///
/// # Errors
///
/// The first line that does not parse, with its line number.
pub fn records(text: &str, name: &str) -> Result<Vec<Record>, ReadError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start();
            !(line.is_empty() || line.starts_with('#') || line.starts_with(';'))
        })
        .filter_map(|(n, line)| {
            let line_number = n.saturating_add(1);
            Record::parse_line(line, format!("{name}:{line_number}"))
                .map_err(|e| ReadError::at(line_number, ReadErrorKind::Tlsa(e)))
                .transpose()
        })
        .collect()
}
