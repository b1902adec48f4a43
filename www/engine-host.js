// The engine's side of the page↔engine messages, shared by the engine's Web Worker
// (www/worker.js) and the page's fallback when no worker starts (www/boot.js:
// KubegateLocalEngine). The first message says where the engine's wasm-bindgen bundle is
// (src/bin/kubegate-engine.rs); every later one is a job as JSON, answered with one JSON reply
// (src/ui/engine.rs: Reply), news first. Nothing here talks to any host but the page's own.
export function engineHost(post) {
  let ready = null;
  let engine = null;
  // Once the engine has crashed (a Rust panic traps the wasm instance) it cannot answer again.
  let dead = null;

  async function start({ js, wasm }) {
    const mod = await import(js);
    await mod.default({ module_or_path: wasm });
    mod.worker_start();
    engine = mod;
    // The API schemas behind `kubectl explain` (1.4 MB of JSON) are read once the engine is
    // up; until then the simulated /openapi/v3 answers 503.
    fetch(new URL("openapi/v1.37.json", new URL(".", js)))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => post(JSON.stringify({ Schemas: mod.install_openapi(text) ?? null })))
      .catch((err) => post(JSON.stringify({ Schemas: `not loaded: ${err}` })));
    return mod;
  }

  return {
    // Loads the engine; the promise fails if it cannot.
    start(where) {
      ready = start(where);
      return ready;
    },
    // Answers one job.
    async handle(text) {
      try {
        await ready;
      } catch (_) {
        return;
      }
      if (dead) {
        post(dead);
        return;
      }
      try {
        post(engine.engine_handle(text, (news) => post(news)));
      } catch (err) {
        dead = JSON.stringify({ Crashed: String(globalThis.kubegatePanic || err) });
        post(dead);
      }
    },
  };
}
