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
    // In the engine's worker (www/worker.js) the same wasm starts with no page to mount on.
    if web_sys::window().is_none() {
        return;
    }
    // Through Yew's own API (its renderer would replace a std hook): the panic's message and
    // stack go to the console, and the message to the page, where www/boot.js shows it in the
    // crash notice when the trap that follows a panic reaches the browser.
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        note_panic(&info.to_string());
    }));
    yew::Renderer::<app::App>::new().render();
}

/// Hands the engine the OpenAPI schemas behind `kubectl explain`, which www/worker.js fetches
/// from the page's own origin once the engine's worker is up (they are too large to carry in
/// the wasm). Returns an error text if the file does not parse.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn install_openapi(text: &str) -> Option<String> {
    crate::sim::openapi::install(text).err()
}

/// Runs one input through one of the fuzz targets (`sim::fuzz`), so the browser tests can
/// replay the kept corpus inside the page, with the page's stack and memory. `false` when the
/// target does not exist; a panic or a trap ends the page as any would.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn replay_fuzz_input(target: &str, data: &[u8]) -> bool {
    match crate::sim::fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
    {
        Some((_, run)) => {
            run(data);
            true
        }
        None => false,
    }
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
