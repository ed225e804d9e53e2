"""A minimal local receiver for the outbox benchmark: verifies the HMAC like the inbox, counts
unique message ids, answers 200. `python bench/exchange_receiver.py PORT SECRET`; GET / → counts."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, SECRET = int(sys.argv[1]), sys.argv[2].encode()
SEEN: set[str] = set()
STATE = {"requests": 0, "bad": 0, "out_of_order": 0}
LAST: dict[str, int] = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # headers and body leave in one write…

    def setup(self):
        super().setup()
        # …and without Nagle's delay: otherwise every small response waits for the client's
        # delayed ACK (~40 ms) and the one-message-per-request baseline measures that, not us
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self):
        self.wfile.flush()
        super().finish()

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._answer(200, json.dumps({**STATE, "unique": len(SEEN)}).encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp = self.headers.get("X-Sanxiang-Timestamp", "")
        expected = "sha256=" + hmac.new(SECRET, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        STATE["requests"] += 1
        if not hmac.compare_digest(expected, self.headers.get("X-Sanxiang-Signature", "")):
            STATE["bad"] += 1
            return self._answer(403, b"{}")
        data = json.loads(body)
        for envelope in data.get("messages", [data]):
            if envelope["id"] in SEEN:
                continue
            SEEN.add(envelope["id"])
            if envelope["key_seq"] != LAST.get(envelope["key"], 0) + 1:
                STATE["out_of_order"] += 1
            LAST[envelope["key"]] = envelope["key_seq"]
        self._answer(200, b'{"ok":true}')


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
