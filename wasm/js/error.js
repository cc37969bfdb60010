// The one error class the package throws. wasm-bindgen copies this file
// into the package's snippets/ and the entry points re-export it, so
// `err instanceof MxtrustError` holds for every error mxtrust throws.
export class MxtrustError extends Error {
  constructor(code, message, line) {
    super(message);
    this.name = "MxtrustError";
    this.code = code;
    if (line !== undefined && line !== null) {
      this.line = line;
    }
  }
}
