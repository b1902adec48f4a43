#![no_main]
// See kubegate::sim::fuzz::jwt.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::jwt(data));
