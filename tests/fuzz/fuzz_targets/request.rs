#![no_main]
// See kubegate::sim::fuzz::request.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::request(data));
