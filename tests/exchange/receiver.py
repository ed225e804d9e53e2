"""A deliberately faulty receiver, run as a separate process by the fault tests:

    python tests/exchange/receiver.py PORT SECRET STATEFILE

It verifies the HMAC signature like the real inbox and keeps its state (the set of message ids it
stored, in the order first stored) in STATEFILE. Its behaviour is switched by POST /_mode:
`ok`, `500` (answers 500, stores nothing), `slow` (stores, then answers after 2 s — later than
the sender's timeout), `ack_lost` (stores, then answers 500: the sender must retry a message the
receiver already has). GET /_state returns the state and the number of requests seen.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, SECRET, STATE_FILE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
LOCK = threading.Lock()
STATE: dict = {"mode": "ok", "stored": [], "requests": 0, "bad_signatures": 0}


def _save():
    with open(STATE_FILE, "w") as handle:
        json.dump(STATE, handle)


def _store(body: bytes) -> None:
    data = json.loads(body)
    for envelope in data.get("messages", [data]):
        if envelope["id"] not in STATE["stored"]:
            STATE["stored"].append(envelope["id"])
            STATE.setdefault("order", []).append([envelope["key"], envelope["key_seq"]])
    _save()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        with LOCK:
            self._answer(200, STATE)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/_mode":
            with LOCK:
                STATE["mode"] = json.loads(body)["mode"]
                _save()
            return self._answer(200, {"mode": STATE["mode"]})
        stamp = self.headers.get("X-Sanxiang-Timestamp", "")
        expected = (
            "sha256=" + hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        )
        with LOCK:
            STATE["requests"] += 1
            mode = STATE["mode"]
            if not hmac.compare_digest(expected, self.headers.get("X-Sanxiang-Signature", "")):
                STATE["bad_signatures"] += 1
                _save()
                return self._answer(403, {"code": "signature"})
            if mode == "500":
                _save()
                return self._answer(500, {"code": "boom"})
            _store(body)
        if mode == "slow":
            time.sleep(2)
        if mode == "ack_lost":
            return self._answer(500, {"code": "stored but the answer is lost"})
        return self._answer(200, {"ok": True})


if __name__ == "__main__":
    _save()
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
