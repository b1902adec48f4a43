//! The fuzzers' kept corpus (`tests/fuzz-corpus/<target>/`, or `$KUBEGATE_CORPUS/<target>/`),
//! replayed through each target with
//! the time of every input (run: `cargo bench --bench corpus`): how many inputs, the total,
//! and the slowest input with its time. Reports, never fails (tests/hostile.rs has the bounds).

/// The native CLI's allocator (see src/bin/kubegate.rs): the benchmarks time what it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

fn main() {
    // KUBEGATE_CORPUS=tests/fuzz/corpus measures the fuzzers' whole working corpus instead.
    let root = std::env::var_os("KUBEGATE_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus")
        });
    for (target, run) in kubegate::sim::fuzz::TARGETS {
        let Ok(dir) = std::fs::read_dir(root.join(target)) else {
            println!("{target:<10} no corpus");
            continue;
        };
        let mut count = 0;
        let mut total = Duration::ZERO;
        let mut slowest = (Duration::ZERO, String::new(), 0);
        for entry in dir.flatten() {
            let Ok(data) = std::fs::read(entry.path()) else {
                continue;
            };
            // Warm the target (its default session boots on first use), then time the input.
            run(b"");
            let t = Instant::now();
            run(&data);
            let took = t.elapsed();
            count += 1;
            total += took;
            if took > slowest.0 {
                slowest = (
                    took,
                    entry.file_name().to_string_lossy().into_owned(),
                    data.len(),
                );
            }
        }
        println!(
            "{target:<10} {count:>5} inputs, {:>8.1} ms in all; slowest {:>7.2} ms ({} bytes, {})",
            total.as_secs_f64() * 1e3,
            slowest.0.as_secs_f64() * 1e3,
            slowest.2,
            slowest.1
        );
    }
}
