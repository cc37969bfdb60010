#!/usr/bin/python3
"""The loopback MTA-STS policy host of the real-stack harness.

    policy-host.py ADDR PORT CERT KEY ROOT

Serves https://HOST/PATH from ROOT/HOST/PATH (HOST from the Host header),
so one listener is the policy host of every test domain:
ROOT/mta-sts.sts.example.test/.well-known/mta-sts.txt is that domain's
policy. A missing file is a 404; files are read per request, so a test may
add, change or remove a policy while the stack runs. text/plain for the
policy. A file PATH.redirect instead answers 301 with its content as the
Location (RFC 8461 §3.3: a client must not follow it). PATH.type holds
another Content-Type, PATH.delay a number of seconds to wait before the
answer (a slow host).
"""
import http.server
import os
import ssl
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "mxtrust-stack-policy-host"
    protocol_version = "HTTP/1.1"

    def _path(self):
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip().lower().rstrip(".")
        path = self.path.split("?", 1)[0]
        if not host or "/" in host or host.startswith(".") or ".." in path.split("/"):
            return None
        return os.path.join(ROOT, host, path.lstrip("/"))

    def _answer(self, head_only):
        path = self._path()
        full = path if path and os.path.isfile(path) else None
        if path and os.path.isfile(path + ".redirect"):
            with open(path + ".redirect") as f:
                location = f.read().strip()
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if full is None:
            body, status, ctype = b"not found\n", 404, "text/plain"
        else:
            with open(full, "rb") as f:
                body = f.read()
            status, ctype = 200, "text/plain"
            if os.path.isfile(path + ".type"):
                with open(path + ".type") as f:
                    ctype = f.read().strip()
            if os.path.isfile(path + ".delay"):
                with open(path + ".delay") as f:
                    time.sleep(float(f.read().strip()))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def do_GET(self):
        self._answer(False)

    def do_HEAD(self):
        self._answer(True)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.headers.get("Host"), fmt % args))
        sys.stderr.flush()


if __name__ == "__main__":
    addr, port, cert, key, ROOT = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    httpd = http.server.ThreadingHTTPServer((addr, port), Handler)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    httpd.serve_forever()
