#![no_main]
// See kubegate::sim::fuzz::script.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::script(data));
