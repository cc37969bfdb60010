//! Sets of signature verification algorithms for DANE-TA and PKIX paths.

#[cfg(feature = "ring")]
use crate::SignatureVerificationAlgorithm;
#[cfg(feature = "ring")]
use webpki::ring as alg;

/// ring's ECDSA (P-256 and P-384 with SHA-256 and SHA-384) and Ed25519
/// verification, which work without `alloc`.
#[cfg(feature = "ring")]
pub static RING: &[&dyn SignatureVerificationAlgorithm] = &[
    alg::ECDSA_P256_SHA256,
    alg::ECDSA_P256_SHA384,
    alg::ECDSA_P384_SHA256,
    alg::ECDSA_P384_SHA384,
    alg::ED25519,
];

/// Expands to a `&'static [&'static dyn SignatureVerificationAlgorithm]` with
/// everything in [`RING`] plus ring's RSA algorithms (PKCS#1 v1.5 and PSS,
/// 2048 to 8192 bits).
///
/// rustls-webpki offers RSA only with its `alloc` feature. mxtrust never
/// enables it, so that bare-metal builds stay free of `alloc`; a std caller
/// adds `rustls-webpki = { version = "0.103", features = ["alloc"] }` to its
/// own dependencies (Cargo unifies the feature) and writes:
///
/// ```
/// static ALGORITHMS: &[&dyn mxtrust::SignatureVerificationAlgorithm] =
///     mxtrust::ring_algorithms_with_rsa!();
/// ```
#[cfg(feature = "ring")]
#[macro_export]
macro_rules! ring_algorithms_with_rsa {
    () => {{
        use $crate::__private::webpki::ring as alg;
        &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::ED25519,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        ]
    }};
}
