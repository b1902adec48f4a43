#![no_main]
// See kubegate::sim::fuzz::patch.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::patch(data));
