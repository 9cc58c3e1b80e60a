"""A Pwned Passwords range server, run on 127.0.0.1 by the tests that need the breach check to answer."""

import hashlib
import http.server
import time

BREACHED = "correct-horse-battery-staple-1"  # the server below says it was seen in 42 breaches


def sha1(password):
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


class RangeServer(http.server.BaseHTTPRequestHandler):
    """GET /range/<5 hex digits>: padded suffix:count lines, as the real service answers."""

    seen = []  # (path, headers) of every request
    delay = 0

    def do_GET(self):
        type(self).seen.append((self.path, dict(self.headers)))
        time.sleep(type(self).delay)
        prefix = self.path.rsplit("/", 1)[-1]
        lines = [f"{'0' * 35}:0"] * 5  # padding entries
        if prefix == sha1(BREACHED)[:5]:
            lines.append(f"{sha1(BREACHED)[5:]}:42")
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the slow-service test's client gives up mid-answer, on purpose
