// Node has no `import module from "x.wasm"` that yields a compiled
// WebAssembly.Module, which is what workerd (and wrangler's CompiledWasm
// rule) give a module worker. This loader gives Node the same, so that the
// `workerd` and `worker` conditions' entry point runs here as it runs
// there: `node --import ./wasm-module-loader.mjs --conditions=workerd`.
import { register } from "node:module";

register("data:text/javascript," + encodeURIComponent(`
  export async function load(url, context, next) {
    if (url.endsWith(".wasm")) {
      return {
        format: "module",
        shortCircuit: true,
        source: "import { readFileSync } from 'node:fs';" +
          "export default new WebAssembly.Module(readFileSync(new URL(" + JSON.stringify(url) + ")));",
      };
    }
    return next(url, context);
  }
`));
