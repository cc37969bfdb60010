//! Just enough DER to pull a certificate's signed bytes and signature apart
//! for the "one signature" limit. Setup only: panics on anything unexpected.

/// Splits one TLV off `input`: (whole TLV, contents, rest).
fn tlv(input: &[u8]) -> (&[u8], &[u8], &[u8]) {
    let first = input[1];
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        let len = input[2..2 + n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, 2 + n)
    };
    (
        &input[..header + len],
        &input[header..header + len],
        &input[header + len..],
    )
}

/// A certificate's tbsCertificate (header included) and signature value.
pub fn tbs_and_signature(cert: &'static [u8]) -> (&'static [u8], &'static [u8]) {
    let (_, body, _) = tlv(cert);
    let (tbs, _, rest) = tlv(body);
    let (_, _, rest) = tlv(rest); // signatureAlgorithm
    let (_, bits, _) = tlv(rest);
    (tbs, &bits[1..]) // no unused bits in a signature
}

/// The subjectPublicKey of a whole SubjectPublicKeyInfo.
pub fn spki_key(spki: &'static [u8]) -> &'static [u8] {
    let (_, body, _) = tlv(spki);
    let (_, _, rest) = tlv(body); // algorithm
    let (_, bits, _) = tlv(rest);
    &bits[1..]
}
