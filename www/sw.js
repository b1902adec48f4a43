// kubegate's service worker: keeps the page's own files, so that after one visit the page loads
// and works with no network at all. It never talks to anything but the page's own origin.
//
// Network first (a new build is picked up at once when online), the cache when the network
// fails. At install it fetches index.html and caches every file it names (the hashed wasm and
// JS, the CSS, boot.js), the engine (worker.js, engine-host.js and its bundle) and the editor, plus the API schemas `kubectl explain` reads.
const CACHE = "kubegate-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const base = new URL("./", self.registration.scope);
      const html = await (await fetch(new URL("index.html", base), { cache: "no-store" })).text();
      const files = new Set([
        "./",
        "index.html",
        "editor.js",
        "worker.js",
        "engine-host.js",
        "kubegate-engine.js",
        "kubegate-engine_bg.wasm",
        "openapi/v1.37.json",
      ]);
      for (const m of html.matchAll(/(?:href|src|data-kubegate-js|data-kubegate-wasm)="\.\/([^"]+)"/g)) {
        files.add(m[1]);
      }
      const cache = await caches.open(CACHE);
      await cache.addAll([...files].map((f) => new URL(f, base)));
      // Files of earlier builds (other hashed names) are dropped.
      const keep = new Set([...files].map((f) => new URL(f, base).href));
      for (const req of await cache.keys()) {
        if (!keep.has(req.url)) await cache.delete(req);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      try {
        const res = await fetch(req);
        if (res.ok) {
          const cache = await caches.open(CACHE);
          await cache.put(req, res.clone());
        }
        return res;
      } catch (err) {
        const hit = await caches.match(req, { ignoreSearch: true });
        if (hit) return hit;
        if (req.mode === "navigate") {
          const page = await caches.match(new URL("index.html", self.registration.scope));
          if (page) return page;
        }
        throw err;
      }
    })(),
  );
});
