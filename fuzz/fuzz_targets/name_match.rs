#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| mxtrust_fuzz::name_match(data));
