//! Exercises mxtrust's entry points from a bare-metal static library that has
//! no allocator: DANE-EE verification needs no crypto provider.
#![no_std]

use mxtrust::dane::{self, Options, Outcome, RecordStatus};
use mxtrust::{Tlsa, tlsa};

/// Verifies one DANE-EE record against a one-certificate chain; returns 1
/// when authenticated, 0 otherwise, -1 on bad input.
#[unsafe(no_mangle)]
pub extern "C" fn check_dane_ee(
    leaf: &[u8; 512],
    leaf_len: usize,
    rdata: &[u8; 67],
    now: u64,
) -> i32 {
    let Some(leaf) = leaf.get(..leaf_len) else {
        return -1;
    };
    let Ok(record) = Tlsa::from_rdata(rdata) else {
        return -1;
    };
    let mut report = [RecordStatus::EMPTY; 1];
    let mut data = [0u8; 64];
    if tlsa::association_data(leaf, record.selector, record.matching_type, &mut data).is_err() {
        return -1;
    }
    match dane::verify(
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

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
