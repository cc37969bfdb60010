// Each `exports` condition, in its own Node process: which entry point
// resolves, that it initialises as its world does, and that it verifies
// the example chain.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const loader = fileURLToPath(new URL("./wasm-module-loader.mjs", import.meta.url));

function run(flags, body) {
  const script = `
    import * as f from ${JSON.stringify(new URL("./fixtures.mjs", import.meta.url).href)};
    const entry = import.meta.resolve("mxtrust");
    const m = await import("mxtrust");
    ${body}
    const r = m.verifyDane({ chain: f.rsaChain, tlsa: f.rsaTlsa, names: "mx.example.test", time: f.AT });
    let error;
    try { m.parseTlsa("3 1 1 0g"); } catch (e) { error = e instanceof m.MxtrustError && e.code; }
    console.log(JSON.stringify({ entry: entry.split("/").pop(), outcome: r.outcome, error }));
  `;
  const out = execFileSync(process.execPath, [...flags, "--input-type=module", "-e", script], {
    cwd: here,
    env: process.env,
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop());
}

test("node (default): initialised on import", () => {
  assert.deepEqual(run([], ""), { entry: "node.js", outcome: "authenticated", error: "invalid-hex" });
});

test("browser: await init() first", () => {
  const body = `
    let before;
    try { m.parseTlsa("3 1 1 00"); } catch (e) { before = e.constructor.name; }
    if (before === undefined) throw new Error("the browser entry must not initialise itself");
    const { readFileSync } = await import("node:fs");
    const wasm = new URL("./mxtrust_bg.wasm", import.meta.resolve("mxtrust"));
    await m.default({ module_or_path: readFileSync(wasm) });
  `;
  assert.deepEqual(run(["--conditions=browser"], body), { entry: "browser.js", outcome: "authenticated", error: "invalid-hex" });
});

for (const condition of ["workerd", "worker"]) {
  test(`${condition}: the .wasm imported as a WebAssembly.Module, initSync on import`, () => {
    assert.deepEqual(run(["--import", loader, `--conditions=${condition}`], ""), {
      entry: "worker.js",
      outcome: "authenticated",
      error: "invalid-hex",
    });
  });
}

test("mxtrust/roots resolves under every condition", () => {
  for (const flags of [[], ["--conditions=browser"], ["--import", loader, "--conditions=workerd"]]) {
    const out = execFileSync(
      process.execPath,
      [...flags, "--input-type=module", "-e", 'import r from "mxtrust/roots"; console.log(r.length)'],
      { cwd: here, encoding: "utf8" },
    );
    assert.ok(Number(out.trim()) > 100);
  }
});

test("no crypto.getRandomValues: a PolicyCache without a key says so", () => {
  const script = `
    delete globalThis.crypto;
    const m = await import("mxtrust");
    try { new m.PolicyCache(); console.log("no error"); } catch (e) { console.log(e.code); }
    console.log(new m.PolicyCache({ key: new Uint8Array(16) }).capacity);
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: here, encoding: "utf8" });
  assert.deepEqual(out.trim().split("\n"), ["no-random-source", "1024"]);
});
