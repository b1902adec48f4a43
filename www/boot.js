// Starts the kubegate wasm app. Trunk's default loader is an inline <script>, which the page's
// Content-Security-Policy forbids; Trunk.toml's `pattern_script` emits a <script> tag for this
// file instead, carrying the hashed names of the wasm-bindgen module and the .wasm file.
const tag = document.querySelector("script[data-kubegate-js]");

try {
  const mod = await import(tag.dataset.kubegateJs);
  const wasm = await mod.default({ module_or_path: tag.dataset.kubegateWasm });
  // The app mounts itself; drop the placeholder if it did not mount over it.
  document.getElementById("boot-message")?.remove();
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
  // The API schemas for `kubectl explain` (1.4 MB) come after the first render, from our own
  // origin; until they arrive the simulated /openapi/v3 answers 503.
  fetch(new URL("openapi/v1.37.json", document.baseURI))
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((text) => {
      const problem = mod.install_openapi(text);
      if (problem) console.warn("kubegate: API schemas not usable:", problem);
      else document.documentElement.dataset.openapi = "ready";
    })
    .catch((err) => console.warn("kubegate: API schemas not loaded:", err));
} catch (err) {
  console.error("kubegate failed to start:", err);
  const msg = document.getElementById("boot-message") || document.body.appendChild(document.createElement("p"));
  msg.className = "boot-message boot-error";
  msg.textContent = `kubegate failed to start: ${err}`;
}
