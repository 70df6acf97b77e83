#![no_main]
//! Fuzz target: see `ser_fuzz::analyze`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| ser_fuzz::analyze(data));
