// Node: the module initialises itself on import, so
// `import { verifyDane } from "mxtrust"` is all it takes.
import { readFileSync } from "node:fs";
import { initSync } from "./mxtrust.js";

initSync({ module: readFileSync(new URL("./mxtrust_bg.wasm", import.meta.url)) });

export * from "./api.js";
export { default } from "./api.js";
