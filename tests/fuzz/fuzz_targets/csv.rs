#![no_main]
// See kubegate::sim::fuzz::csv.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::csv(data));
