"""A Mailroom webhook receiver that verifies Standard Webhooks signatures, with Python alone.

    MAILROOM_WEBHOOK_SECRET=whsec_... PORT=9000 python3 receiver.py

Subscribe http://localhost:9000/hooks (the quick start allows localhost receivers).
"""

import base64
import binascii
import hashlib
import hmac
import os
import sys
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Older or newer deliveries are refused, so a captured request cannot be replayed later.
TOLERANCE_SECONDS = 5 * 60

SECRET = os.environ.get("MAILROOM_WEBHOOK_SECRET", "")
if not SECRET.startswith("whsec_"):
    sys.exit("Set MAILROOM_WEBHOOK_SECRET to the whsec_ secret shown at subscription")
KEY = base64.b64decode(SECRET[len("whsec_"):])
PORT = int(os.environ.get("PORT", "9000"))
# Retries carry the same webhook-id: remember recent ones so an event is handled once.
SEEN = OrderedDict()


def problem_with(webhook_id, timestamp, signatures, body):
    try:
        sent_at = int(timestamp)
    except ValueError:
        return "bad webhook-timestamp"
    if abs(time.time() - sent_at) > TOLERANCE_SECONDS:
        return "timestamp outside tolerance"
    # The raw bytes: re-serialized JSON would not match what was signed.
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    expected = hmac.new(KEY, signed, hashlib.sha256).digest()
    # While a secret rotates the header carries one signature per secret, space-separated.
    for candidate in signatures.split(" "):
        if candidate.startswith("v1,"):
            try:
                given = base64.b64decode(candidate[3:], validate=True)
            except binascii.Error:
                continue
            if hmac.compare_digest(given, expected):
                return None
    return "invalid signature"


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        webhook_id = self.headers.get("webhook-id")
        timestamp = self.headers.get("webhook-timestamp")
        signatures = self.headers.get("webhook-signature")
        if not (webhook_id and timestamp and signatures):
            return self.answer(400, "refused: missing webhook headers")
        problem = problem_with(webhook_id, timestamp, signatures, body)
        if problem:
            status = 400 if problem == "bad webhook-timestamp" else 401
            return self.answer(status, f"refused: {problem}")
        first = webhook_id not in SEEN
        SEEN[webhook_id] = True
        if len(SEEN) > 10000:
            SEEN.popitem(last=False)
        # A real receiver parses the JSON here ({"type", "timestamp", "data"}) and queues the work.
        word = "verified" if first else "duplicate"
        self.answer(204, f"{word} {webhook_id} {body.decode('utf-8')}")

    def answer(self, status, line):
        print(line, flush=True)
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass  # one line per delivery is printed by answer()


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Receiver)
    print(f"ready on port {PORT}", flush=True)
    server.serve_forever()
