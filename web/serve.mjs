// A loopback static server for web/ (the checker page): no dependency,
// GET and HEAD only, no directory listings, no path outside web/.
//
//   node web/serve.mjs [PORT] [ADDRESS]      default 8000 127.0.0.1; PORT 0 picks one
//
// Prints `serving http://ADDRESS:PORT/` once it listens. The Domain mode
// needs the edge API: give its base URL on the page, or serve the page and
// the API together from the edge worker (edge/README.md).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));
const port = Number(process.argv[2] ?? 8000);
const address = process.argv[3] ?? "127.0.0.1";
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

const server = createServer(async (req, res) => {
  const send = (status, body, type = "text/plain; charset=utf-8") => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end(req.method === "HEAD" ? undefined : body);
  };
  if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  } catch {
    return send(400, "bad path\n");
  }
  if (path.endsWith("/")) path += "index.html";
  const file = normalize(join(root, path));
  if (!file.startsWith(root) || file.split(sep).some((s) => s.startsWith(".") || s === "node_modules" || s === "test")) {
    return send(404, "not found\n");
  }
  try {
    if (!(await stat(file)).isFile()) return send(404, "not found\n");
    send(200, await readFile(file), TYPES[extname(file)] || "application/octet-stream");
  } catch {
    send(404, "not found\n");
  }
});
server.listen(port, address, () => {
  const a = server.address();
  console.log(`serving http://${a.address}:${a.port}/`);
});
