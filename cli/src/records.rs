//! TLSA records from `--tlsa` arguments and `--tlsa-file` files, each
//! remembering where it came from so that reports and errors can say so.

use std::path::Path;

use mxtrust::{CertUsage, MatchingType, Selector, Tlsa};

use crate::input::{self, InputError};

/// A TLSA record that owns its certificate association data.
#[derive(Clone, Debug)]
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
    /// Core's reason, prefixed with `source`.
    pub fn parse(text: &str, source: String) -> Result<Self, InputError> {
        Self::parse_line(text, source.clone())?
            .ok_or_else(|| InputError::new(format!("{source}: {}", mxtrust::Error::NotTlsa)))
    }

    /// Like [`Record::parse`], but a line of another record type (the
    /// RRSIGs of `dig +dnssec`) is `None` rather than an error.
    fn parse_line(text: &str, source: String) -> Result<Option<Self>, InputError> {
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
            Err(e) => Err(InputError::new(format!("{source}: {e}"))),
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

/// Records from `--tlsa` arguments (numbered from 1), then from each file.
///
/// # Errors
///
/// The first record that does not parse, or a file that cannot be read.
pub fn collect<P: AsRef<Path>>(
    arguments: &[String],
    files: &[P],
) -> Result<Vec<Record>, InputError> {
    let mut records = Vec::new();
    for (i, text) in arguments.iter().enumerate() {
        records.push(Record::parse(
            text,
            format!("--tlsa {}", i.saturating_add(1)),
        )?);
    }
    for path in files {
        records.extend(from_file(path.as_ref())?);
    }
    Ok(records)
}

/// One record per line; blank lines, lines starting with `#` or `;`
/// (zone-file comments and `dig`'s section headers) and lines of other
/// record types (the RRSIGs of `dig +dnssec`) are skipped.
///
/// # Errors
///
/// `FILE:LINE: reason` for the first line that does not parse.
pub fn from_file(path: &Path) -> Result<Vec<Record>, InputError> {
    let text = input::read_text(path)?;
    let name = input::display_name(path);
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start();
            !(line.is_empty() || line.starts_with('#') || line.starts_with(';'))
        })
        .filter_map(|(n, line)| {
            Record::parse_line(line, format!("{name}:{}", n.saturating_add(1))).transpose()
        })
        .collect()
}
