//! A strict, zero-copy DER reader over [`untrusted`]: canonical definite
//! lengths only, low tag numbers only, no trailing data, every read checked.

use crate::Error;
use untrusted::{Input, Reader};

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const SET: u8 = 0x31;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const UTC_TIME: u8 = 0x17;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;

/// `[n]` constructed, context-specific.
pub(crate) const fn context_constructed(n: u8) -> u8 {
    0xa0 | n
}

/// Reads one TLV, returning its tag and contents.
pub(crate) fn read_tlv<'a>(r: &mut Reader<'a>) -> Result<(u8, Input<'a>), Error> {
    let tag = r.read_byte().map_err(|_| Error::BadDer)?;
    if tag & 0x1f == 0x1f {
        // High tag numbers never occur in the structures mxtrust reads.
        return Err(Error::BadDer);
    }
    let len = read_length(r)?;
    let value = r.read_bytes(len).map_err(|_| Error::BadDer)?;
    Ok((tag, value))
}

fn read_length(r: &mut Reader<'_>) -> Result<usize, Error> {
    let first = r.read_byte().map_err(|_| Error::BadDer)?;
    let octets = match first {
        0..=0x7f => return Ok(usize::from(first)),
        0x81 => 1,
        0x82 => 2,
        0x83 => 3,
        // 0x80 is BER's indefinite form; longer forms exceed every limit here.
        _ => return Err(Error::BadDer),
    };
    let mut len: usize = 0;
    for _ in 0..octets {
        let b = r.read_byte().map_err(|_| Error::BadDer)?;
        len = len
            .checked_mul(256)
            .and_then(|l| l.checked_add(usize::from(b)))
            .ok_or(Error::BadDer)?;
    }
    // Canonical: the shortest form, so the long form must need every octet.
    let min = match octets {
        1 => 0x80,
        2 => 0x100,
        _ => 0x1_0000,
    };
    if len < min {
        return Err(Error::BadDer);
    }
    Ok(len)
}

/// Reads a TLV that must carry `tag`, returning its contents.
pub(crate) fn expect_tag<'a>(r: &mut Reader<'a>, tag: u8) -> Result<Input<'a>, Error> {
    match read_tlv(r)? {
        (t, value) if t == tag => Ok(value),
        _ => Err(Error::BadDer),
    }
}

/// Reads a TLV with `tag` if it is next, else nothing.
pub(crate) fn optional_tag<'a>(r: &mut Reader<'a>, tag: u8) -> Result<Option<Input<'a>>, Error> {
    if r.peek(tag) {
        expect_tag(r, tag).map(Some)
    } else {
        Ok(None)
    }
}

/// Reads a TLV with `tag` and returns the whole encoding (tag and length
/// included), as DANE's selectors hash it.
pub(crate) fn expect_tag_with_header<'a>(
    r: &mut Reader<'a>,
    tag: u8,
) -> Result<(Input<'a>, Input<'a>), Error> {
    let (whole, (t, value)) = r.read_partial(read_tlv)?;
    if t == tag {
        Ok((whole, value))
    } else {
        Err(Error::BadDer)
    }
}

/// Splits the first TLV off `bytes`: its tag, its contents, and the rest.
/// The same rules as [`read_tlv`] (low tag numbers, canonical definite
/// lengths of at most three octets, no truncation), read straight off the
/// slice: the DANE-EE path reads a leaf's key with this alone, where a
/// [`Reader`] and its closures cost more than the SHA-256 of the key.
#[inline]
pub(crate) fn split_tlv(bytes: &[u8]) -> Result<(u8, &[u8], &[u8]), Error> {
    let [tag, first, rest @ ..] = bytes else {
        return Err(Error::BadDer);
    };
    if tag & 0x1f == 0x1f {
        return Err(Error::BadDer);
    }
    let (len, rest) = match (*first, rest) {
        (0..=0x7f, rest) => (usize::from(*first), rest),
        (0x81, [a, rest @ ..]) if *a >= 0x80 => (usize::from(*a), rest),
        (0x82, [a, b, rest @ ..]) if *a != 0 => (usize::from(u16::from_be_bytes([*a, *b])), rest),
        (0x83, [a, b, c, rest @ ..]) if *a != 0 => {
            let len = u32::from_be_bytes([0, *a, *b, *c]);
            (usize::try_from(len).map_err(|_| Error::BadDer)?, rest)
        }
        // 0x80 is BER's indefinite form; longer forms exceed every limit
        // here; a long form with a leading zero is not the shortest.
        _ => return Err(Error::BadDer),
    };
    let (value, rest) = rest.split_at_checked(len).ok_or(Error::BadDer)?;
    Ok((*tag, value, rest))
}

/// Splits a TLV that must carry `tag` off `bytes`: its contents and the rest.
/// A short-form length (one octet), the usual case inside a Name or a key,
/// is read first: [`split_tlv`]'s general match cost a DANE-EE check a
/// fifth of its instructions besides the digest. (Reading the two-octet form
/// of a certificate's outer SEQUENCEs here too saved 10 instructions and
/// cost the firmware image 500 octets, as this is inlined everywhere.)
#[inline]
pub(crate) fn split_expected(bytes: &[u8], tag: u8) -> Result<(&[u8], &[u8]), Error> {
    let (t, len, rest) = match bytes {
        [t, len @ 0..=0x7f, rest @ ..] => (t, usize::from(*len), rest),
        _ => {
            return match split_tlv(bytes)? {
                (t, value, rest) if t == tag => Ok((value, rest)),
                _ => Err(Error::BadDer),
            };
        }
    };
    match rest.split_at_checked(len) {
        Some(split) if *t == tag && tag & 0x1f != 0x1f => Ok(split),
        _ => Err(Error::BadDer),
    }
}

/// Runs `f` over all of `input`, which must be consumed entirely.
pub(crate) fn read_all<'a, T>(
    input: Input<'a>,
    f: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
) -> Result<T, Error> {
    input.read_all(Error::BadDer, f)
}

/// Calls `f` on each TLV of `input` until it is consumed.
pub(crate) fn for_each_tlv<'a>(
    input: Input<'a>,
    mut f: impl FnMut(u8, Input<'a>) -> Result<(), Error>,
) -> Result<(), Error> {
    read_all(input, |r| {
        while !r.at_end() {
            let (tag, value) = read_tlv(r)?;
            f(tag, value)?;
        }
        Ok(())
    })
}

/// Skips the rest of a reader.
pub(crate) fn skip_rest(r: &mut Reader<'_>) {
    r.skip_to_end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::{vec, vec::Vec};

    /// The DER encoding of a TLV with a low tag number.
    fn encode(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = value.len();
        match len {
            0..=0x7f => out.push(len as u8),
            0x80..=0xff => out.extend([0x81, len as u8]),
            0x100..=0xffff => out.extend([0x82, (len >> 8) as u8, len as u8]),
            _ => out.extend([0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]),
        }
        out.extend_from_slice(value);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Random bytes never panic, and an accepted TLV re-encodes to
        /// exactly the octets it was read from (DER is canonical).
        #[test]
        fn accepted_tlvs_reencode_to_themselves(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            if let Ok((tag, value, rest)) = split_tlv(&bytes) {
                let consumed = &bytes[..bytes.len() - rest.len()];
                prop_assert_eq!(encode(tag, value), consumed);
            }
            let _ = read_all(Input::from(&bytes), |r| {
                while !r.at_end() {
                    read_tlv(r)?;
                }
                Ok(())
            });
        }

        /// The slice reader and the `untrusted` reader accept the same TLVs
        /// and split them the same way.
        #[test]
        fn split_tlv_agrees_with_read_tlv(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut r = Reader::new(Input::from(&bytes));
            let by_reader = r
                .read_partial(read_tlv)
                .map(|(whole, (tag, value))| (tag, value.as_slice_less_safe(), &bytes[whole.len()..]));
            prop_assert_eq!(split_tlv(&bytes), by_reader);
        }

        /// The short-form read of [`split_expected`] splits as
        /// [`split_tlv`] and a tag comparison do, for every tag asked.
        #[test]
        fn split_expected_agrees_with_split_tlv(tag in any::<u8>(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let reference = match split_tlv(&bytes) {
                Ok((t, value, rest)) if t == tag => Ok((value, rest)),
                Ok(_) => Err(Error::BadDer),
                Err(e) => Err(e),
            };
            prop_assert_eq!(split_expected(&bytes, tag), reference);
            let mut tagged = bytes.clone();
            if let Some(first) = tagged.first_mut() {
                *first = tag;
                let reference = match split_tlv(&tagged) {
                    Ok((_, value, rest)) => Ok((value, rest)),
                    Err(e) => Err(e),
                };
                prop_assert_eq!(split_expected(&tagged, tag), reference);
            }
        }

        /// Every DER TLV with a low tag number reads back.
        #[test]
        fn encoded_tlvs_read_back(tag in any::<u8>().prop_filter("low tag", |t| t & 0x1f != 0x1f),
                                  value in prop::collection::vec(any::<u8>(), 0..1000)) {
            let der = encode(tag, &value);
            prop_assert_eq!(split_tlv(&der), Ok((tag, value.as_slice(), &[][..])));
            prop_assert_eq!(split_expected(&der, tag), Ok((value.as_slice(), &[][..])));
            prop_assert_eq!(split_expected(&der, tag ^ 1), Err(Error::BadDer));
            // One octet short: every length form refuses it.
            prop_assert_eq!(split_expected(&der[..der.len() - 1], tag), Err(Error::BadDer));
        }
    }

    fn tlv(bytes: &[u8]) -> Result<(u8, &[u8]), Error> {
        let read = read_all(Input::from(bytes), |r| {
            read_tlv(r).map(|(t, v)| (t, v.as_slice_less_safe()))
        });
        // The slice reader agrees, trailing data aside (it returns the rest).
        let split = split_tlv(bytes).and_then(|(t, v, rest)| {
            if rest.is_empty() {
                Ok((t, v))
            } else {
                Err(Error::BadDer)
            }
        });
        assert_eq!(read, split, "{bytes:02x?}");
        read
    }

    #[test]
    fn lengths_must_be_canonical_and_complete() {
        assert_eq!(tlv(&[0x04, 0x01, 0xaa]), Ok((0x04, &[0xaa][..])));
        assert_eq!(tlv(&[0x04, 0x00]), Ok((0x04, &[][..])));
        let mut long = [0u8; 0x83];
        long[0] = 0x04;
        long[1] = 0x81;
        long[2] = 0x80;
        assert!(tlv(&long).is_ok());
        // Long form for a length that fits the short form.
        assert_eq!(tlv(&[0x04, 0x81, 0x01, 0xaa]), Err(Error::BadDer));
        // Leading zero octet in the long form.
        assert_eq!(tlv(&[0x04, 0x82, 0x00, 0x81]), Err(Error::BadDer));
        // Indefinite length.
        assert_eq!(tlv(&[0x30, 0x80, 0x00, 0x00]), Err(Error::BadDer));
        // Four length octets.
        assert_eq!(tlv(&[0x04, 0x84, 0, 0, 0, 1, 0]), Err(Error::BadDer));
        // Truncated value and truncated header.
        assert_eq!(tlv(&[0x04, 0x02, 0xaa]), Err(Error::BadDer));
        assert_eq!(tlv(&[0x04]), Err(Error::BadDer));
        assert_eq!(tlv(&[]), Err(Error::BadDer));
        // Trailing data.
        assert_eq!(tlv(&[0x04, 0x00, 0x00]), Err(Error::BadDer));
        // High tag number form.
        assert_eq!(tlv(&[0x1f, 0x81, 0x00, 0x00]), Err(Error::BadDer));
    }
}
