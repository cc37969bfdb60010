// Browsers and bundlers: call the default export once, `await init()`,
// which fetches mxtrust_bg.wasm next to this file (or pass
// `{ module_or_path }`: a URL, a Response, bytes or a WebAssembly.Module).
export * from "./api.js";
export { default } from "./api.js";
