//! Eight octets at a time: what the TXT record and policy scans share.

/// One in every octet of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every octet of a word.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// `octet` in every octet of a word.
pub(crate) const fn splat(octet: u64) -> u64 {
    ONES.wrapping_mul(octet)
}

/// The index of the first octet of `bytes` that `octet_is` picks, eight
/// octets at a time. `word_bits` gives, for eight octets read as a
/// little-endian word, a word whose lowest set bit is the high bit of the
/// first octet `octet_is` picks (bits above it may be wrong); the octets
/// after the last whole word are asked one by one.
#[inline(always)]
pub(crate) fn first_where(
    bytes: &[u8],
    word_bits: impl Fn(u64) -> u64,
    octet_is: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0usize;
    for chunk in &mut chunks {
        let bits = word_bits(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
        if bits != 0 {
            let index = usize::try_from(bits.trailing_zeros() / 8).unwrap_or(0);
            return Some(offset.saturating_add(index));
        }
        offset = offset.saturating_add(8);
    }
    let tail = chunks.remainder().iter().position(|&b| octet_is(b));
    tail.map(|index| offset.saturating_add(index))
}
