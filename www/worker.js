// kubegate's engine thread. The page (src/ui/worker.rs) starts this module worker and sends it
// first the addresses of the engine's wasm bundle (src/bin/kubegate-engine.rs), then one job at
// a time as JSON; www/engine-host.js answers them. Reading a 10 MB workspace, booting its
// cluster and running commands happen here, so the page never freezes.
import { engineHost } from "./engine-host.js";

const host = engineHost((message) => postMessage(message));

self.onmessage = (event) => {
  if (typeof event.data !== "string") {
    // A worker that cannot start reports it as an error event on the page's side, which then
    // runs the engine itself.
    host.start(event.data).catch((err) =>
      setTimeout(() => {
        throw err;
      }),
    );
    return;
  }
  host.handle(event.data);
};
