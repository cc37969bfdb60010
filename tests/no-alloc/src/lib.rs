//! A bare-metal static library with no allocator, exercising what a small
//! MCU's firmware needs: DANE-EE verification (`dane::verify_ee`, no crypto
//! provider, no path builder) and MTA-STS policy matching. rustc refuses to
//! link it if anything uses `alloc`; `benches/` and `scripts/test.sh` link
//! these entry points with `--gc-sections` to measure and hold the image's
//! `.text` budget.
#![no_std]

use mxtrust::Tlsa;
use mxtrust::dane::{self, Options, Outcome, RecordStatus};
use mxtrust::policy::Policy;

/// Verifies one DANE-EE record (wire RDATA) against a one-certificate
/// chain; returns 1 when authenticated, 0 otherwise, -1 on bad input.
#[unsafe(no_mangle)]
pub extern "C" fn check_dane_ee(
    leaf: &[u8; 2048],
    leaf_len: usize,
    rdata: &[u8; 67],
    rdata_len: usize,
    now: u64,
) -> i32 {
    let (Some(leaf), Some(rdata)) = (leaf.get(..leaf_len), rdata.get(..rdata_len)) else {
        return -1;
    };
    let Ok(record) = Tlsa::from_rdata(rdata) else {
        return -1;
    };
    let mut report = [RecordStatus::EMPTY; 1];
    match dane::verify_ee(
        &[leaf],
        &[record],
        &["mx.example"],
        &Options::new(mxtrust::time::unix_time(now), &[]),
        &mut report,
    ) {
        Ok(Outcome::Authenticated(_)) => 1,
        Ok(_) => 0,
        Err(_) => -1,
    }
}

/// Whether an MTA-STS policy body allows an MX host: 1 yes, 0 no, -1 when
/// the policy is invalid.
#[unsafe(no_mangle)]
pub extern "C" fn check_mx_allowed(
    body: &[u8; 4096],
    body_len: usize,
    host: &[u8; 253],
    host_len: usize,
) -> i32 {
    let (Some(body), Some(host)) = (body.get(..body_len), host.get(..host_len)) else {
        return -1;
    };
    match Policy::<8>::parse(body, &mut []) {
        Ok(policy) => i32::from(policy.allows_mx(host)),
        Err(_) => -1,
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
