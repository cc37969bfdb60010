//! OpenSSL 3 DANE through its public API, as an MTA uses it for one
//! connection: `SSL_dane_enable` on a fresh `SSL` of a DANE-enabled
//! `SSL_CTX`, `SSL_dane_tlsa_add` per record, then `X509_verify_cert` on an
//! `X509_STORE_CTX` that carries the connection's DANE state
//! (`X509_STORE_CTX_set0_dane`) and verify parameters, as libssl's own
//! `ssl_verify_cert_chain` sets them up. DANE-EE name checks are off
//! (`DANE_FLAG_NO_DANE_EE_NAMECHECKS`, RFC 7672 §3.1.1), the validation
//! time is fixed, and the local trust store is empty.

use std::ffi::{c_char, c_int, c_uchar, c_void};
use std::ptr;

use openssl_sys::{
    OPENSSL_STACK, SSL, SSL_CTX, SSL_CTX_free, SSL_CTX_new, SSL_free, SSL_get0_param, SSL_new,
    TLS_client_method, X509, X509_STORE, X509_STORE_CTX, X509_STORE_CTX_free,
    X509_STORE_CTX_get_error, X509_STORE_CTX_init, X509_STORE_CTX_new, X509_STORE_free,
    X509_STORE_new, X509_VERIFY_PARAM, X509_VERIFY_PARAM_set_time, X509_free, X509_verify_cert,
    d2i_X509,
};

/// Opaque `SSL_DANE`.
#[repr(C)]
pub struct SslDane {
    _private: [u8; 0],
}

/// `DANE_FLAG_NO_DANE_EE_NAMECHECKS` from `<openssl/ssl.h>`.
const DANE_FLAG_NO_DANE_EE_NAMECHECKS: u64 = 1;

// The DANE API is not in openssl-sys; openssl-sys links libssl and
// libcrypto, which export these (OpenSSL 1.1.0 and later).
unsafe extern "C" {
    fn SSL_CTX_dane_enable(ctx: *mut SSL_CTX) -> c_int;
    fn SSL_dane_enable(ssl: *mut SSL, basedomain: *const c_char) -> c_int;
    fn SSL_dane_set_flags(ssl: *mut SSL, flags: u64) -> u64;
    fn SSL_dane_tlsa_add(
        ssl: *mut SSL,
        usage: u8,
        selector: u8,
        mtype: u8,
        data: *const c_uchar,
        dlen: usize,
    ) -> c_int;
    fn SSL_get0_dane(ssl: *mut SSL) -> *mut SslDane;
    fn SSL_get0_dane_tlsa(
        ssl: *mut SSL,
        usage: *mut u8,
        selector: *mut u8,
        mtype: *mut u8,
        data: *mut *const c_uchar,
        dlen: *mut usize,
    ) -> c_int;
    fn X509_STORE_CTX_set0_dane(ctx: *mut X509_STORE_CTX, dane: *mut SslDane);
    fn X509_STORE_CTX_set_default(ctx: *mut X509_STORE_CTX, name: *const c_char) -> c_int;
    fn X509_STORE_CTX_get0_param(ctx: *mut X509_STORE_CTX) -> *mut X509_VERIFY_PARAM;
    fn X509_VERIFY_PARAM_set1(to: *mut X509_VERIFY_PARAM, from: *const X509_VERIFY_PARAM) -> c_int;
    fn OPENSSL_sk_new_null() -> *mut OPENSSL_STACK;
    fn OPENSSL_sk_push(st: *mut OPENSSL_STACK, data: *const c_void) -> c_int;
    fn OPENSSL_sk_pop_free(st: *mut OPENSSL_STACK, func: unsafe extern "C" fn(*mut X509));
    /// Routes OpenSSL's allocations through the given functions; must come
    /// before OpenSSL allocates anything.
    pub fn CRYPTO_set_mem_functions(
        m: unsafe extern "C" fn(usize, *const c_char, c_int) -> *mut c_void,
        r: unsafe extern "C" fn(*mut c_void, usize, *const c_char, c_int) -> *mut c_void,
        f: unsafe extern "C" fn(*mut c_void, *const c_char, c_int),
    ) -> c_int;
}

/// A DANE-enabled `SSL_CTX` and an empty trust store, reused across checks.
pub struct OpensslDane {
    ctx: *mut SSL_CTX,
    store: *mut X509_STORE,
}

// SAFETY: after `new`, the SSL_CTX and X509_STORE are only read (SSL_new,
// X509_STORE_CTX_init), which OpenSSL allows from several threads.
unsafe impl Send for OpensslDane {}
// SAFETY: as above.
unsafe impl Sync for OpensslDane {}

impl Default for OpensslDane {
    fn default() -> Self {
        Self::new()
    }
}

impl OpensslDane {
    /// Sets up the context once, as an MTA does at start.
    pub fn new() -> Self {
        openssl_sys::init();
        // SAFETY: plain OpenSSL calls on freshly created objects.
        unsafe {
            let ctx = SSL_CTX_new(TLS_client_method());
            assert!(!ctx.is_null());
            assert!(SSL_CTX_dane_enable(ctx) > 0);
            let store = X509_STORE_new();
            assert!(!store.is_null());
            OpensslDane { ctx, store }
        }
    }

    /// Verifies `chain` (DER, leaf first) against `records` for
    /// [`crate::BASE_DOMAIN`] at [`crate::NOW`]; returns
    /// [`crate::dane_verdict`] of the matched record, or 0. Decodes the
    /// certificates first, as a handshake does.
    pub fn verify(&self, chain: &[&[u8]], records: &[crate::Record]) -> u64 {
        let parsed = ParsedChain::new(chain);
        self.verify_parsed(&parsed, records)
    }

    /// Like [`Self::verify`] with certificates decoded beforehand: the DANE
    /// machinery alone, without OpenSSL 3.0's certificate decoding.
    pub fn verify_parsed(&self, chain: &ParsedChain, records: &[crate::Record]) -> u64 {
        // SAFETY: every pointer comes from OpenSSL and is freed once below;
        // DANE data outlives the calls that read it.
        unsafe {
            let ssl = SSL_new(self.ctx);
            assert!(!ssl.is_null());
            assert!(SSL_dane_enable(ssl, c"mx.example.test".as_ptr()) > 0);
            SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
            for r in records {
                let (u, s, m) = r.fields;
                assert!(SSL_dane_tlsa_add(ssl, u, s, m, r.data.as_ptr(), r.data.len()) > 0);
            }
            let sctx = X509_STORE_CTX_new();
            assert!(X509_STORE_CTX_init(sctx, self.store, chain.leaf, chain.others.cast()) == 1);
            X509_STORE_CTX_set_default(sctx, c"ssl_server".as_ptr());
            let param = X509_STORE_CTX_get0_param(sctx);
            X509_VERIFY_PARAM_set1(param, SSL_get0_param(ssl));
            X509_STORE_CTX_set0_dane(sctx, SSL_get0_dane(ssl));
            X509_VERIFY_PARAM_set_time(param, crate::NOW as TimeT);
            let ok = X509_verify_cert(sctx) == 1 && X509_STORE_CTX_get_error(sctx) == 0;
            let verdict = if ok {
                let mut usage = 0u8;
                let depth = SSL_get0_dane_tlsa(
                    ssl,
                    &mut usage,
                    ptr::null_mut(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                );
                match usize::try_from(depth) {
                    Ok(depth) => crate::dane_verdict(usage, depth),
                    Err(_) => 0,
                }
            } else {
                0
            };
            X509_STORE_CTX_free(sctx);
            SSL_free(ssl);
            verdict
        }
    }
}

/// A chain decoded by OpenSSL: the leaf and a stack of the others.
pub struct ParsedChain {
    leaf: *mut X509,
    others: *mut OPENSSL_STACK,
}

// SAFETY: only read after construction (X509 objects are reference
// counted and internally locked in OpenSSL 3).
unsafe impl Send for ParsedChain {}
// SAFETY: as above.
unsafe impl Sync for ParsedChain {}

impl ParsedChain {
    /// Decodes DER certificates, leaf first.
    pub fn new(chain: &[&[u8]]) -> Self {
        // SAFETY: `parse` returns owned objects, which the stack takes over.
        unsafe {
            let leaf = parse(chain[0]);
            let others = OPENSSL_sk_new_null();
            for der in &chain[1..] {
                OPENSSL_sk_push(others, parse(der).cast());
            }
            ParsedChain { leaf, others }
        }
    }
}

impl Drop for ParsedChain {
    fn drop(&mut self) {
        // SAFETY: owned since `new`, freed once.
        unsafe {
            X509_free(self.leaf);
            OPENSSL_sk_pop_free(self.others, X509_free);
        }
    }
}

impl Drop for OpensslDane {
    fn drop(&mut self) {
        // SAFETY: created in `new`, freed once.
        unsafe {
            X509_STORE_free(self.store);
            SSL_CTX_free(self.ctx);
        }
    }
}

type TimeT = i64;

/// # Safety
/// `der` must be a valid slice; the returned X509 is owned by the caller.
unsafe fn parse(der: &[u8]) -> *mut X509 {
    let mut p = der.as_ptr();
    // SAFETY: OpenSSL reads at most `der.len()` octets.
    let x = unsafe { d2i_X509(ptr::null_mut(), &mut p, der.len() as _) };
    assert!(!x.is_null());
    x
}
