//! Hexadecimal certificate association data (RFC 6698 §2.2), decoded into
//! caller storage. ASCII whitespace between digits is ignored, as zone files
//! and `dig` split long data into several words.

use crate::Error;

/// Decodes `text`, ignoring ASCII whitespace, as [`decode_digits`] does.
#[cfg(test)]
fn decode_into(text: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    decode_digits(
        text.iter().copied().filter(|c| !c.is_ascii_whitespace()),
        out,
    )
}

/// Decodes a sequence of hex digits into the front of `out`, returning the
/// number of octets. Nothing is written unless the whole input is valid and
/// fits.
///
/// # Errors
///
/// [`Error::InvalidHex`] for a non-hex character or an odd digit count,
/// [`Error::BufferTooSmall`] when `out` is shorter than the decoded data.
pub(crate) fn decode_digits(
    digits: impl Iterator<Item = u8> + Clone,
    out: &mut [u8],
) -> Result<usize, Error> {
    let mut count: usize = 0;
    for c in digits.clone() {
        nibble(c)?;
        count = count.checked_add(1).ok_or(Error::InvalidHex)?;
    }
    if !count.is_multiple_of(2) {
        return Err(Error::InvalidHex);
    }
    let needed = count / 2;
    let out = out
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let mut nibbles = digits.map(nibble);
    for byte in out.iter_mut() {
        let (Some(Ok(high)), Some(Ok(low))) = (nibbles.next(), nibbles.next()) else {
            return Err(Error::InvalidHex);
        };
        *byte = high << 4 | low;
    }
    Ok(needed)
}

fn nibble(c: u8) -> Result<u8, Error> {
    match c {
        b'0'..=b'9' => Ok(c.wrapping_sub(b'0')),
        b'a'..=b'f' => Ok(c.wrapping_sub(b'a' - 10)),
        b'A'..=b'F' => Ok(c.wrapping_sub(b'A' - 10)),
        _ => Err(Error::InvalidHex),
    }
}

/// Formats octets as lowercase hexadecimal.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        let cases: &[(&str, Result<&[u8], Error>)] = &[
            ("", Ok(&[])),
            ("00ff", Ok(&[0x00, 0xff])),
            ("AbCd", Ok(&[0xab, 0xcd])),
            (" ab\tcd\r\n ef ", Ok(&[0xab, 0xcd, 0xef])),
            ("a bc", Err(Error::InvalidHex)),
            ("abc", Err(Error::InvalidHex)),
            ("0g", Err(Error::InvalidHex)),
            ("0x00", Err(Error::InvalidHex)),
            ("\u{e9}", Err(Error::InvalidHex)),
            ("001122334455", Err(Error::BufferTooSmall { needed: 6 })),
        ];
        for (text, expected) in cases {
            let mut out = [0xeeu8; 4];
            let got = decode_into(text.as_bytes(), &mut out).map(|n| &out[..n]);
            assert_eq!(got, *expected, "{text:?}");
        }
    }

    #[test]
    fn nothing_is_written_on_error() {
        let mut out = [0xeeu8; 2];
        assert_eq!(decode_into(b"0011zz", &mut out), Err(Error::InvalidHex));
        assert_eq!(
            decode_into(b"001122", &mut out),
            Err(Error::BufferTooSmall { needed: 3 })
        );
        assert_eq!(out, [0xee, 0xee]);
    }
}
