//! The browser UI: a Yew single-page app over the engine. [`state`] holds what the page shows
//! and is plain Rust (tested natively); the components, compiled for wasm only, render it.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod detail;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod graph;
#[cfg(target_arch = "wasm32")]
mod output;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod timeline;

/// Mounts the app on the page's body.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    std::panic::set_hook(Box::new(|info| report_crash(&info.to_string())));
    yew::Renderer::<app::App>::new().render();
}

/// Hands the engine the OpenAPI schemas behind `kubectl explain`, which www/boot.js fetches
/// from the page's own origin after the app has started (they are too large to carry in the
/// wasm). Returns an error text if the file does not parse.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn install_openapi(text: &str) -> Option<String> {
    crate::sim::openapi::install(text).err()
}

/// Tells the user the app stopped (a bug in kubegate), instead of leaving a frozen page. The
/// workspace was saved on every edit, so a reload loses nothing.
#[cfg(target_arch = "wasm32")]
fn report_crash(what: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(p) = doc.create_element("p") else {
        return;
    };
    p.set_class_name("boot-message boot-error crash");
    p.set_text_content(Some(&format!(
        "kubegate stopped because of a bug: {what}. Your workspace is saved: reload the page to continue."
    )));
    if let Some(body) = doc.body() {
        let _ = body.prepend_with_node_1(&p);
    }
}
