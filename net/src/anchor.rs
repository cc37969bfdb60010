//! Trust-anchor files: DS and DNSKEY records in zone-file presentation
//! form (RFC 4034 §2.2, §5.3), as `ldns-keygen`, `dnssec-keygen`,
//! `unbound-anchor` and IANA's root anchors write them.
//!
//! `;` starts a comment, parentheses continue a record over lines, the TTL
//! and class are optional, other record types are an error (a file handed
//! to `--trust-anchor` that holds something else is a mistake).

use data_encoding::{BASE64, HEXLOWER_PERMISSIVE};

/// One record of a trust-anchor file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The line it starts on, from 1.
    pub line: usize,
    /// Its owner, the zone it anchors.
    pub owner: String,
    pub record: Record,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Record {
    Ds {
        key_tag: u16,
        algorithm: u8,
        digest_type: u8,
        digest: Vec<u8>,
    },
    Dnskey {
        flags: u16,
        algorithm: u8,
        key: Vec<u8>,
    },
}

/// The records of a trust-anchor file, or the line at fault and why.
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>, (usize, String)> {
    let mut entries = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    let mut depth = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let line = raw.split(';').next().unwrap_or_default();
        for c in line.chars() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or((number, "unbalanced ')'".to_owned()))?
                }
                _ => {}
            }
        }
        let cleaned = line.replace(['(', ')'], " ");
        match &mut pending {
            Some((_, text)) => {
                text.push(' ');
                text.push_str(&cleaned);
            }
            None if cleaned.trim().is_empty() => continue,
            None => pending = Some((number, cleaned)),
        }
        if depth == 0
            && let Some((start, text)) = pending.take()
        {
            entries.push(entry(start, &text).map_err(|m| (start, m))?);
        }
    }
    if let Some((start, _)) = pending {
        return Err((start, "a '(' is not closed".to_owned()));
    }
    Ok(entries)
}

fn entry(line: usize, text: &str) -> Result<Entry, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let owner = words.first().copied().unwrap_or_default();
    if owner.starts_with('$') {
        return Err(format!("{owner} is not supported in a trust-anchor file"));
    }
    let at = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("DS") || w.eq_ignore_ascii_case("DNSKEY"))
        .filter(|at| (1..=3).contains(at))
        .ok_or_else(|| {
            "not a DS or DNSKEY record (OWNER [TTL] [CLASS] DS|DNSKEY ...)".to_owned()
        })?;
    let kind = words.get(at).copied().unwrap_or_default();
    let fields = words.get(at + 1..).unwrap_or_default();
    let number = |i: usize, what: &str| -> Result<u64, String> {
        fields
            .get(i)
            .and_then(|w| w.parse().ok())
            .ok_or_else(|| format!("{kind}: {what} is missing or not a number"))
    };
    let narrow = |n: u64, what: &str| -> Result<u8, String> {
        u8::try_from(n).map_err(|_| format!("{kind}: {what} {n} is out of range"))
    };
    let rest = fields.get(3..).unwrap_or_default().concat();
    let record = if kind.eq_ignore_ascii_case("DS") {
        let digest = HEXLOWER_PERMISSIVE
            .decode(rest.as_bytes())
            .map_err(|e| format!("DS: the digest is not hexadecimal ({e})"))?;
        Record::Ds {
            key_tag: u16::try_from(number(0, "the key tag")?)
                .map_err(|_| "DS: the key tag is out of range".to_owned())?,
            algorithm: narrow(number(1, "the algorithm")?, "algorithm")?,
            digest_type: narrow(number(2, "the digest type")?, "digest type")?,
            digest,
        }
    } else {
        let key = BASE64
            .decode(rest.as_bytes())
            .map_err(|e| format!("DNSKEY: the key is not base64 ({e})"))?;
        if narrow(number(1, "the protocol")?, "protocol")? != 3 {
            return Err("DNSKEY: the protocol must be 3 (RFC 4034 §2.1.2)".to_owned());
        }
        Record::Dnskey {
            flags: u16::try_from(number(0, "the flags")?)
                .map_err(|_| "DNSKEY: the flags are out of range".to_owned())?,
            algorithm: narrow(number(2, "the algorithm")?, "algorithm")?,
            key,
        }
    };
    if rest.is_empty() {
        return Err(format!("{kind}: no digest or key"));
    }
    Ok(Entry {
        line,
        owner: owner.to_owned(),
        record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldns_keygen_ds() {
        let text = "example.test.\t3600\tIN\tDS\t12345 13 2 a1b2c3d4E5F6\n";
        assert_eq!(
            parse(text).unwrap(),
            vec![Entry {
                line: 1,
                owner: "example.test.".to_owned(),
                record: Record::Ds {
                    key_tag: 12345,
                    algorithm: 13,
                    digest_type: 2,
                    digest: vec![0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6],
                },
            }]
        );
    }

    #[test]
    fn multi_line_dnskey_and_comments() {
        let text = "; the root\n. IN DNSKEY ( 257 3 8\n  AwEA ; KSK\n  AQID )\n\n. DS 20326 8 2 E06D 44B8\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].line, 2);
        assert!(matches!(
            &entries[0].record,
            Record::Dnskey {
                flags: 257,
                algorithm: 8,
                ..
            }
        ));
        assert_eq!(entries[1].line, 6);
        assert!(
            matches!(&entries[1].record, Record::Ds { digest, .. } if digest == &[0xe0, 0x6d, 0x44, 0xb8])
        );
    }

    /// (text, line at fault)
    const BAD: &[(&str, usize)] = &[
        ("example.test. IN A 127.0.0.1\n", 1),
        ("\nexample.test. DS 1 13 2 zz\n", 2),
        ("example.test. DS 70000 13 2 00\n", 1),
        ("example.test. DNSKEY 257 4 13 AAAA\n", 1),
        ("example.test. DS 1 13 2\n", 1),
        ("example.test. DNSKEY ( 257 3 13\n", 1),
        ("$ORIGIN example.test.\n", 1),
        ("example.test. DS 1 13 2 00 )\n", 1),
    ];

    #[test]
    fn errors_name_the_line() {
        for (text, line) in BAD {
            assert_eq!(parse(text).map_err(|e| e.0), Err(*line), "{text:?}");
        }
    }
}
