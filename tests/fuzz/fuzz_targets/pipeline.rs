#![no_main]
// See kubegate::sim::fuzz::pipeline.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::pipeline(data));
