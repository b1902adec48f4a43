//! The page's web entry point, built by Trunk: mounts the Yew app. The engine is a bundle of
//! its own (src/bin/kubegate-engine.rs), run in a Web Worker.

#[cfg(target_arch = "wasm32")]
fn main() {
    kubegate::ui::start();
}

/// Sends the engine a job as written, for the browser tests (`window.kubegateEngineJob`, set by
/// www/boot.js).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn engine_post_raw(job: String) {
    kubegate::ui::engine_post_raw(job);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kubegate-web is the browser entry point; build it with `trunk build`");
    std::process::exit(2);
}
