//! The engine's web entry point, built by Trunk as a bundle of its own (www/index.html,
//! `data-type="worker"`): www/worker.js loads it in the engine's Web Worker, and www/boot.js
//! in the page when the worker cannot start. The page's bundle (src/main.rs) holds the UI and
//! none of the engine, so the page renders before the engine (and its CEL interpreter) has
//! even downloaded. Everything here answers JSON; the engine itself is `kubegate::ui::engine`.

#[cfg(target_arch = "wasm32")]
mod web {
    use wasm_bindgen::prelude::*;

    /// Sets up the engine (www/engine-host.js calls it once the wasm is loaded): a panic's
    /// message is left on the global object, where engine-host.js reads it to report the crash.
    #[wasm_bindgen]
    pub fn worker_start() {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            let _ = js_sys::Reflect::set(
                &js_sys::global(),
                &"kubegatePanic".into(),
                &info.to_string().into(),
            );
        }));
    }

    /// Does one job (JSON) and answers (JSON): what engine-host.js calls for each message;
    /// `news` posts what the engine says before its answer.
    #[wasm_bindgen]
    pub fn engine_handle(job: &str, news: &js_sys::Function) -> String {
        kubegate::ui::engine::handle_json(job, &mut |text| {
            let _ = news.call1(&JsValue::NULL, &JsValue::from_str(&text));
        })
    }

    /// Hands the engine the OpenAPI schemas behind `kubectl explain`, which engine-host.js
    /// fetches from the page's own origin once the engine is up (they are too large to carry
    /// in the wasm). Returns an error text if the file does not parse.
    #[wasm_bindgen]
    pub fn install_openapi(text: &str) -> Option<String> {
        kubegate::sim::openapi::install(text).err()
    }

    /// Runs one input through one of the fuzz targets (`sim::fuzz`), so the browser tests can
    /// replay the kept corpus in the browser, with its stack and memory. `false` when the
    /// target does not exist; a panic or a trap ends the engine as any would.
    #[wasm_bindgen]
    pub fn replay_fuzz_input(target: &str, data: &[u8]) -> bool {
        match kubegate::sim::fuzz::TARGETS
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
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kubegate-engine is the browser's engine bundle; build it with `trunk build`");
    std::process::exit(2);
}
