#![no_main]
// See kubegate::sim::fuzz::cel.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::cel(data));
