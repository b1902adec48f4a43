//! The browser UI: a Yew single-page app over the engine. [`state`] holds what the page shows
//! and is plain Rust (tested natively); the components, compiled for wasm only, render it.

pub mod engine;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod cluster;
#[cfg(target_arch = "wasm32")]
mod detail;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod graph;
#[cfg(target_arch = "wasm32")]
mod output;
#[cfg(target_arch = "wasm32")]
mod security;
#[cfg(target_arch = "wasm32")]
mod sharing;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod timeline;
#[cfg(target_arch = "wasm32")]
mod worker;

/// Mounts the app on the page's body.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    // Through Yew's own API (its renderer would replace a std hook): the panic's message and
    // stack go to the console, and the message to the page, where www/boot.js shows it in the
    // crash notice when the trap that follows a panic reaches the browser.
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        note_panic(&info.to_string());
    }));
    yew::Renderer::<app::App>::new().render();
}

/// Sends the engine a job as written, for the browser tests (`window.kubegateEngineJob`, set by
/// www/boot.js from the page bundle's export, src/main.rs).
#[cfg(target_arch = "wasm32")]
pub fn engine_post_raw(job: String) {
    worker::post_raw(job);
}

/// Leaves a panic's message on the page's root element for the crash notice (the wasm
/// instance cannot run anything after it).
#[cfg(target_arch = "wasm32")]
fn note_panic(what: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-kubegate-panic", what);
    }
}
