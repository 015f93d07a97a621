#!/usr/bin/env python3
"""A small HTTP server for the tests of `emvalidate report --emdb` (test infrastructure, not an oracle).

Serves ROOT (a folder laid out like the EMDB/PDB archives) on 127.0.0.1 at a free port, which it prints on
its first stdout line. Supports single byte ranges (`Range: bytes=N-`, answered with 206), so resumed
downloads can be tested. Every request is appended to --log as `METHOD PATH RANGE STATUS BYTES_SENT`
before its answer goes out, so a client holding the answer finds the line in the log (written after the
answer, a test reading the log at once could miss it).

--drop NAME:BYTES:TIMES misbehaves on purpose: for the first TIMES requests of a file whose name is NAME
(TIMES = 0: every request), the answer announces the full length but the connection is closed after BYTES
bytes of the body.
"""
import argparse
import http.server
import os
import sys
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--drop", action="append", default=[])
    args = ap.parse_args()
    drops = {}
    for d in args.drop:
        name, nbytes, times = d.rsplit(":", 2)
        drops[name] = [int(nbytes), int(times), 0]
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def record(self, status, sent):
            with lock, open(args.log, "a") as f:
                f.write("%s %s %s %d %d\n" % (self.command, self.path, self.headers.get("Range", "-"), status, sent))

        def do_GET(self):
            path = os.path.normpath(os.path.join(args.root, self.path.split("?")[0].lstrip("/")))
            if not path.startswith(os.path.abspath(args.root)) or not os.path.isfile(path):
                body = b"not found\n"
                self.record(404, 0)
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            with open(path, "rb") as f:
                data = f.read()
            total = len(data)
            start = 0
            rng = self.headers.get("Range")
            if rng and rng.startswith("bytes=") and rng.endswith("-"):
                start = int(rng[6:-1])
            if start > 0:
                if start >= total:
                    self.record(416, 0)
                    self.send_response(416)
                    self.send_header("Content-Range", "bytes */%d" % total)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, total - 1, total))
            else:
                self.send_response(200)
            body = data[start:]
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Accept-Ranges", "bytes")
            name = os.path.basename(path)
            cut = None
            with lock:
                if name in drops:
                    nbytes, times, seen = drops[name]
                    drops[name][2] = seen + 1
                    if times == 0 or seen < times:
                        cut = nbytes
            if cut is not None:
                self.record(206 if start else 200, min(cut, len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[:cut])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.record(206 if start else 200, len(body))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
