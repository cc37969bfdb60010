// The repository's example inputs, for tests that run from a fresh folder
// where `mxtrust` is installed from its tarball. MXTRUST_REPO is the
// repository root (wasm/test.sh sets it).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const repo = process.env.MXTRUST_REPO ?? new URL("../..", import.meta.url).pathname;
export const read = (path) => readFileSync(join(repo, path));
export const text = (path) => readFileSync(join(repo, path), "utf8");

export const AT = "2026-11-28T13:00:00Z";
export const AT_SECONDS = 1795870800;
export const rsaChain = text("examples/rsa-chain.pem");
export const p256Chain = text("examples/p256-chain.pem");
export const p256NextChain = text("examples/p256-next-chain.pem");
export const rsaTlsa = text("examples/rsa.tlsa");
export const rolloverTlsa = text("examples/rollover.tlsa");
export const digAnswer = text("examples/dig-answer.txt");
export const policy = text("examples/mta-sts.txt");
export const csr = text("examples/p256-next.csr");
export const der = (name) => new Uint8Array(read(`tests/fixtures/dane/${name}.der`));
