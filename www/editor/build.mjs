// Bundles the workspace editor (editor.js and its CodeMirror packages from node_modules, which
// scripts/setup.sh installs with `npm ci`) into one minified ES module, editor.js, in the folder
// Trunk is building (TRUNK_STAGING_DIR; Trunk.toml runs this as a build hook), or in the folder
// given as the first argument. Offline: esbuild reads only node_modules.
import * as esbuild from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || process.env.TRUNK_STAGING_DIR;
if (!out) {
  console.error("build.mjs: no output folder (pass one, or run from Trunk)");
  process.exit(2);
}
await esbuild.build({
  entryPoints: [path.join(here, "editor.js")],
  outfile: path.join(out, "editor.js"),
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "eof",
  logLevel: "warning",
});
