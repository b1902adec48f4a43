#![no_main]
// See kubegate::sim::fuzz::kubectl.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::kubectl(data));
