#![no_main]
// See kubegate::sim::fuzz::workspace.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kubegate::sim::fuzz::workspace(data));
