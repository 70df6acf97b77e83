#![no_main]
//! Fuzz target: see `ser_fuzz::stream`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| ser_fuzz::stream(data));
