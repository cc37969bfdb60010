// workerd (Cloudflare Workers) and other worker runtimes that import a
// .wasm file as a compiled WebAssembly.Module: initialised on import.
import module from "./mxtrust_bg.wasm";
import { initSync } from "./mxtrust.js";

initSync({ module });

export * from "./api.js";
export { default } from "./api.js";
