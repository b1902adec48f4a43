// Measures the built page (dist/) against DESIGN.md's page budgets in headless Chromium and
// prints the figures; it reports, it does not fail (timings are not tests).
//
//   node scripts/measure-page.mjs            (after `trunk build --release`; uses tests/browser's
//                                              playwright-core and /usr/bin/chromium)
//
// 1. First render on localhost, fresh profile: navigation start to the workspace on screen.
// 2. First visit with the network throttled to 10 Mbit/s and 40 ms latency (DevTools' network
//    emulation), fresh profile, no cache.
// 3. Repeat visit offline (the service worker serves the page).
// 4. A 10 MB workspace (a `kubectl get rolebindings -A -o yaml`-style List, as benches/scale.rs
//    makes) pasted into the editor, read, booted by a command and answered: the longest
//    main-thread task (PerformanceObserver "longtask") and the time until the answer.
// 5. That page reloaded: until it shows, until the cluster and the answer are back, and the
//    longest main-thread task meanwhile.

import { createRequire } from "node:module";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { copyToClipboard, pasteCopied, rbacDump } from "../tests/browser/editor.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(REPO, "tests/browser/package.json"));
const { chromium } = require("playwright-core");
const DIST = path.join(REPO, "dist");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const MIME = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".json": "application/json", ".webmanifest": "application/manifest+json" };

function serve() {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (p.endsWith("/")) p += "index.html";
    const file = path.join(DIST, path.normalize(p));
    fs.readFile(file, (err, body) => {
      if (err || !file.startsWith(DIST)) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { "Content-Type": MIME[path.extname(file)] || "application/octet-stream", "Cache-Control": "no-cache" });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function fresh() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubegate-measure-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 900 },
    serviceWorkers: "allow",
  });
  const page = context.pages()[0] || (await context.newPage());
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push(e.duration);
    }).observe({ type: "longtask", buffered: true });
  });
  return { context, page };
}

// ms from navigation start until the workspace text is on screen.
async function rendered(page) {
  return page.waitForFunction(() => {
    const ws = document.querySelector("textarea#workspace");
    return ws && (ws.value.length > 0 || Number(ws.dataset.bytes) > 0) ? performance.now() : false;
  }, null, { timeout: 60000, polling: "raf" }).then((h) => h.jsonValue());
}


const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}/`;
const figures = [];
const say = (name, value, budget) => {
  figures.push([name, value, budget]);
  console.log(`[measure] ${name}: ${value}${budget ? ` (budget ${budget})` : ""}`);
};

try {
  // 1 and 3: localhost, then offline.
  {
    const { context, page } = await fresh();
    await page.goto(origin);
    say("first render, localhost", `${Math.round(await rendered(page))} ms`, "500 ms");
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready.then(() => true), null, { timeout: 30000 });
    await page.waitForTimeout(1500); // the worker's install (precache) finishes
    await context.setOffline(true);
    await page.reload();
    say("repeat visit, offline (service worker)", `${Math.round(await rendered(page))} ms`, "500 ms");
    await context.close();
  }
  // 2: throttled first visit.
  {
    const { context, page } = await fresh();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 40, downloadThroughput: (10e6 / 8), uploadThroughput: (10e6 / 8),
    });
    await page.goto(origin);
    say("first render, first visit at 10 Mbit/s and 40 ms", `${Math.round(await rendered(page))} ms`, "2500 ms");
    await context.close();
  }
  // 4: a 10 MB workspace.
  {
    const { context, page } = await fresh();
    await page.goto(origin);
    await rendered(page);
    await page.waitForSelector("html[data-editor] #workspace-editor .cm-content", { timeout: 30000 });
    const text = rbacDump(10_000_000);
    await copyToClipboard(page, text);
    await page.evaluate(() => { window.__longtasks = []; });
    const t0 = Date.now();
    await pasteCopied(page);
    await page.waitForFunction((n) => Number(document.querySelector("textarea#workspace").dataset.bytes) >= n, text.length, { timeout: 120000, polling: 100 });
    await page.waitForFunction(() => !(document.querySelector("#diagnostics")?.textContent ?? "").includes("Reading"), null, { timeout: 120000, polling: 100 });
    const read = Date.now() - t0;
    await page.fill("#command", "kubectl get rolebindings -n team-7 -o name");
    const sent = Date.now();
    await page.press("#command", "Enter");
    await page.waitForFunction(() => (document.querySelector("pre#output")?.textContent ?? "").includes("rolebinding.rbac.authorization.k8s.io/"), null, { timeout: 120000, polling: 100 });
    const answered = Date.now() - t0;
    const booted = Date.now() - sent;
    const tasks = await page.evaluate(() => window.__longtasks);
    const seen = await page.evaluate(() => ({
      length: Number(document.querySelector("textarea#workspace").dataset.bytes),
      diagnostics: (document.querySelector("#diagnostics")?.textContent ?? "").slice(0, 200),
      output: (document.querySelector("pre#output")?.textContent ?? "").slice(0, 200),
    }));
    console.log(`[measure] the page held ${seen.length} characters; diagnostics: ${seen.diagnostics}; output: ${seen.output.split("\n").slice(0, 2).join(" | ")}`);
    const longest = Math.round(Math.max(0, ...tasks));
    say("10 MB workspace: pasted until read (the editor waits 250 ms for typing to pause, the page 300 ms)", `${read} ms`);
    say("10 MB workspace: sent until answered (the boot from that reading, and the command)", `${booted} ms`);
    say("10 MB workspace: pasted until a command answered", `${answered} ms`, "2000 ms (parse + boot)");
    say("10 MB workspace: longest main-thread task", `${longest} ms (${tasks.length} tasks over 50 ms)`, "200 ms");
    // 5. The same page reloaded: the workspace comes back from storage, the command is sent
    // again (the cluster and the transcript come back).
    const r0 = Date.now();
    await page.reload();
    await rendered(page);
    const shown = Date.now() - r0;
    await page.waitForFunction(() => document.documentElement.dataset.engine === "idle" && (document.querySelector("pre#output")?.textContent ?? "").includes("rolebinding.rbac.authorization.k8s.io/"), null, { timeout: 120000, polling: 100 });
    const back = Date.now() - r0;
    const again = await page.evaluate(() => window.__longtasks);
    say("10 MB workspace reloaded: until the page shows it", `${shown} ms`);
    say("10 MB workspace reloaded: until the cluster and the answer are back", `${back} ms`);
    say("10 MB workspace reloaded: longest main-thread task", `${Math.round(Math.max(0, ...again))} ms (${again.length} tasks over 50 ms)`, "200 ms");
    await context.close();
  }
} finally {
  server.close();
}
