// Starts the kubegate wasm app. Trunk's default loader is an inline <script>, which the page's
// Content-Security-Policy forbids; Trunk.toml's `pattern_script` emits a <script> tag for this
// file instead, carrying the hashed names of the wasm-bindgen module and the .wasm file.
const tag = document.querySelector("script[data-kubegate-js]");

// The crash notice. A Rust panic leaves its message on <html data-kubegate-panic> (src/ui/mod.rs)
// and then traps; a trap (a stack overflow, `unreachable`) reaches the browser as an uncaught
// error. Either way the wasm instance is dead, so the notice and its buttons are plain DOM and
// JavaScript. The workspace was saved before the engine read it, so nothing typed is lost.
let crashed = false;
function showCrash(detail) {
  if (crashed) return;
  crashed = true;
  // The app may still be half-alive (an error that did not kill the wasm instance): it must
  // not record anything from here on, above all not the text it stopped on as a good one.
  document.documentElement.dataset.kubegateCrashed = "1";
  const panic = document.documentElement.dataset.kubegatePanic;
  const box = document.createElement("div");
  box.id = "crash";
  box.className = "crash";
  box.setAttribute("role", "alert");
  const text = document.createElement("p");
  text.textContent =
    `kubegate stopped because of a bug: ${panic || detail}. ` +
    "Your workspace is saved. Reload to continue, or reload with the last workspace that worked " +
    "(the current one is kept and offered back).";
  const reload = document.createElement("button");
  reload.id = "crash-reload";
  reload.textContent = "Reload";
  reload.addEventListener("click", () => location.reload());
  const recover = document.createElement("button");
  recover.id = "crash-recover";
  recover.textContent = "Reload with the last good workspace";
  recover.addEventListener("click", () => {
    try {
      localStorage.setItem("kubegate.recover.v1", "1");
    } catch (_) {
      // Storage off: a plain reload is all there is.
    }
    location.reload();
  });
  box.append(text, reload, recover);
  document.body.prepend(box);
  // Whatever the page still shows is stale now.
  document.querySelector("main")?.setAttribute("inert", "");
}
addEventListener("error", (e) => showCrash(e.message || String(e.error)));
addEventListener("unhandledrejection", (e) => showCrash(String(e.reason)));

// A page inside someone else's frame could be dressed up to take a learner's credentials; a
// <meta> Content-Security-Policy cannot forbid framing (frame-ancestors), so refuse here.
const framed = (() => {
  try {
    return window.top !== window.self;
  } catch (_) {
    return true;
  }
})();

// Where the engine's wasm bundle is (src/bin/kubegate-engine.rs), for its worker
// (src/ui/worker.rs sends it this) and for the page when no worker starts. Trunk names a
// worker's files without a hash, so the page's own hashed wasm name goes in the query: a new
// build never meets an old engine in the browser's cache.
function engineFiles() {
  const build = encodeURIComponent(tag.dataset.kubegateWasm.split("/").pop());
  const at = (f) => new URL(`${f}?v=${build}`, document.baseURI).href;
  return { js: at("kubegate-engine.js"), wasm: at("kubegate-engine_bg.wasm") };
}

// The engine in the page, for when its worker cannot start (a browser without module workers,
// a host that does not serve worker.js): it takes and answers the same messages as the worker
// (www/engine-host.js), one job per task, and cannot be stopped. src/ui/worker.rs makes one.
class KubegateLocalEngine {
  constructor() {
    this.onmessage = null;
    this.host = null;
    this.queue = import(new URL("engine-host.js", document.baseURI).href).then(({ engineHost }) => {
      this.host = engineHost((data) => setTimeout(() => this.onmessage?.({ data })));
    });
  }
  postMessage(data) {
    this.queue = this.queue.then(() => {
      if (typeof data !== "string") {
        this.host.start(data).catch((err) =>
          setTimeout(() => {
            throw err;
          }),
        );
        return undefined;
      }
      return new Promise((done) => setTimeout(() => this.host.handle(data).then(done), 0));
    });
  }
  terminate() {}
}
window.KubegateLocalEngine = KubegateLocalEngine;
window.kubegateEngineFiles = engineFiles;

// For the browser tests: replay a fuzz input through the engine, loaded in the page (so with
// the page's stack and memory; src/bin/kubegate-engine.rs).
let replayEngine = null;
window.kubegateReplay = async (target, bytes) => {
  replayEngine ??= (async () => {
    const files = engineFiles();
    const mod = await import(files.js);
    await mod.default({ module_or_path: files.wasm });
    mod.worker_start();
    return mod;
  })();
  return (await replayEngine).replay_fuzz_input(target, bytes);
};

if (framed) {
  const msg = document.getElementById("boot-message");
  if (msg) {
    msg.className = "boot-message boot-error";
    msg.textContent = "kubegate does not run inside a frame: open it in its own tab.";
  }
} else {
  try {
    performance.mark("kubegate:import");
    const mod = await import(tag.dataset.kubegateJs);
    performance.mark("kubegate:instantiate");
    const wasm = await mod.default({ module_or_path: tag.dataset.kubegateWasm });
    performance.mark("kubegate:started");
    // The app mounts itself; drop the placeholder if it did not mount over it.
    document.getElementById("boot-message")?.remove();
    // For the browser tests: hand the engine a job as written (src/ui/worker.rs).
    window.kubegateEngineJob = mod.engine_post_raw;
    dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
    // Everything else waits until the first frame is on screen: a long task before it (the
    // editor's 400 KB of JavaScript, the schemas' 1.4 MB of JSON read into the engine) would hold
    // the page blank.
    await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
    performance.mark("kubegate:painted");
    // The code editor (CodeMirror, www/editor/editor.js) takes over the workspace textarea;
    // until it has, and if it cannot load, the textarea works alone.
    import(new URL("editor.js", document.baseURI).href)
      .then((editor) => editor.enhance())
      .catch((err) => console.warn("kubegate: the code editor did not load (the plain one works):", err));
    // Offline from the next visit on (www/sw.js). Not on file:// or where the browser has none.
    if ("serviceWorker" in navigator && location.protocol !== "file:") {
      navigator.serviceWorker
        .register(new URL("sw.js", document.baseURI))
        .catch((err) => console.warn("kubegate: works online only:", err));
    }
  } catch (err) {
    console.error("kubegate failed to start:", err);
    const msg = document.getElementById("boot-message") || document.body.appendChild(document.createElement("p"));
    msg.className = "boot-message boot-error";
    msg.textContent = `kubegate failed to start: ${err}`;
  }
}
