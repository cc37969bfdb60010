#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|input: mxtrust_fuzz::DaneInput<'_>| mxtrust_fuzz::dane_verify(&input));
