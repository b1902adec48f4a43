// Starts the kubegate wasm app. Trunk's default loader is an inline <script>, which the page's
// Content-Security-Policy forbids; Trunk.toml's `pattern_script` emits a <script> tag for this
// file instead, carrying the hashed names of the wasm-bindgen module and the .wasm file.
const tag = document.querySelector("script[data-kubegate-js]");

try {
  const { default: init } = await import(tag.dataset.kubegateJs);
  const wasm = await init({ module_or_path: tag.dataset.kubegateWasm });
  // The app mounts itself; drop the placeholder if it did not mount over it.
  document.getElementById("boot-message")?.remove();
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
} catch (err) {
  console.error("kubegate failed to start:", err);
  const msg = document.getElementById("boot-message") || document.body.appendChild(document.createElement("p"));
  msg.className = "boot-message boot-error";
  msg.textContent = `kubegate failed to start: ${err}`;
}
