#![no_main]
//! Fuzz target: see `ser_fuzz::ingest`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| ser_fuzz::ingest(data));
