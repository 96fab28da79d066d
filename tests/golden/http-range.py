#!/usr/bin/env python3
"""http-range.py DIR PORTFILE LOG [--cut N] - a small HTTP server on 127.0.0.1
for dlrig's download tests: serves DIR, honours "Range: bytes=N-" (206),
and with --cut N sends only N bytes of the first full GET of each file
before closing the connection (an interrupted download). Writes its port
to PORTFILE and one line per request to LOG."""
import http.server
import os
import sys

ROOT, PORTFILE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
CUT = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--cut" else 0
cut_done = set()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(f"{self.command} {self.path} range={self.headers.get('Range', '-')}\n")

    def do_GET(self):
        path = os.path.join(ROOT, self.path.lstrip("/"))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, "rb").read()
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        if CUT and not rng and path not in cut_done and not path.endswith(".sha256"):
            cut_done.add(path)
            self.wfile.write(body[:CUT])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
