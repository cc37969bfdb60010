// A DNS-over-HTTPS relay for the edge tests: HTTP/1.1 in, HTTP/2 out.
//
//   node doh-relay.mjs ADDR PORT CERT KEY UPSTREAM CA
//
// unbound's DoH listener speaks HTTP/2 only, and workerd's fetch() speaks
// HTTP/1.1 (public resolvers such as 1.1.1.1 and 8.8.8.8 accept both). The
// relay passes the RFC 8484 message and unbound's answer through unchanged:
// the answers, RCODEs and AD bits the worker sees are unbound's.
import { createServer } from "node:https";
import { connect } from "node:http2";
import { readFileSync } from "node:fs";

const [addr, port, cert, key, upstream, ca] = process.argv.slice(2);
const target = new URL(upstream);
let session;
function h2() {
  if (!session || session.closed || session.destroyed) {
    session = connect(target.origin, { ca: readFileSync(ca) });
    session.on("error", () => { session = null; });
  }
  return session;
}

createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const headers = { ":method": req.method, ":path": target.pathname + (req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "") };
    for (const h of ["content-type", "accept"]) if (req.headers[h]) headers[h] = req.headers[h];
    const up = h2().request(headers);
    up.on("error", (e) => { if (!res.headersSent) res.writeHead(502); res.end(String(e)); });
    up.on("response", (head) => {
      const out = [];
      up.on("data", (c) => out.push(c));
      up.on("end", () => {
        const answer = Buffer.concat(out);
        res.writeHead(head[":status"], { "content-type": head["content-type"] || "application/octet-stream", "content-length": answer.length });
        res.end(answer);
      });
    });
    up.end(req.method === "POST" ? body : undefined);
  });
}).listen(Number(port), addr);
