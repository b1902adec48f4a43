// kubegate's engine thread. The page (src/ui/worker.rs) starts this module worker and sends it
// first the addresses of its own wasm-bindgen module and .wasm file (the same hashed files the
// page runs: one download, one build), then one job at a time as JSON. Reading a 10 MB
// workspace, booting its cluster and running commands happen here, so the page never freezes.
// Answers are JSON too (src/ui/engine.rs: Reply). Nothing here talks to any other host.
let ready = null;
let engine = null;
// Once the engine has crashed (a Rust panic traps the wasm instance) it cannot answer again.
let dead = null;

async function start({ js, wasm }) {
  const mod = await import(js);
  await mod.default({ module_or_path: wasm });
  mod.worker_start();
  engine = mod;
  // The API schemas behind `kubectl explain` (1.4 MB of JSON) are read once the engine is up;
  // until then the simulated /openapi/v3 answers 503.
  fetch(new URL("openapi/v1.37.json", self.location.href))
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((text) => postMessage(JSON.stringify({ Schemas: mod.install_openapi(text) ?? null })))
    .catch((err) => postMessage(JSON.stringify({ Schemas: `not loaded: ${err}` })));
}

self.onmessage = async (event) => {
  if (typeof event.data !== "string") {
    ready = start(event.data);
    // A worker that cannot start reports it as an error event on the page's side, which then
    // runs the engine itself.
    ready.catch((err) =>
      setTimeout(() => {
        throw err;
      }),
    );
    return;
  }
  try {
    await ready;
  } catch (_) {
    return;
  }
  if (dead) {
    postMessage(dead);
    return;
  }
  try {
    postMessage(engine.engine_handle(event.data, (news) => postMessage(news)));
  } catch (err) {
    dead = JSON.stringify({ Crashed: String(self.kubegatePanic || err) });
    postMessage(dead);
  }
};
