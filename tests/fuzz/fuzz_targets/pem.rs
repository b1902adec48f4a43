#![no_main]
// See kubegate::sim::fuzz::pem.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::pem(data));
