"""Bounded mixed load for the fault tests: a few threads send requests of several kinds to one gunicorn,
each on a new connection, recording every answer's status and latency under the current phase label.
The load stops when told to, or by itself after max_seconds. Requests reach gunicorn as nginx passes
them on (live/proxied.py): plain HTTP from a trusted proxy, with X-Forwarded-Proto https."""

import http.client
import json
import statistics
import threading
import time
import uuid
from dataclasses import dataclass

from live.proxied import cookie_header, login_form


@dataclass(frozen=True)
class Request:
    """One kind of request; body and headers may be callables, called with the request's sequence number."""

    kind: str
    method: str
    path: str
    body: object = None
    headers: object = ()


@dataclass(frozen=True)
class Answer:
    phase: str
    kind: str
    status: int  # 0: no answer within the client's timeout, or the connection failed
    seconds: float


class Load:
    def __init__(self, port, requests, headers, threads=3, pause=0.05, timeout=40, max_seconds=180):
        self.port, self.requests, self.headers = port, requests, dict(headers)
        self.pause, self.timeout, self.deadline = pause, timeout, time.monotonic() + max_seconds
        self.phase = "start"
        self.answers = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=self.timeout + 5)

    def run(self, offset):
        n = offset
        while not self.stopping.is_set() and time.monotonic() < self.deadline:
            request = self.requests[n % len(self.requests)]
            n += 1
            phase, started = self.phase, time.monotonic()
            status = self.send(request, n)
            with self.lock:
                self.answers.append(Answer(phase, request.kind, status, time.monotonic() - started))
            self.stopping.wait(self.pause)

    def send(self, request, n):
        body = request.body(n) if callable(request.body) else request.body
        headers = {**self.headers, **dict(request.headers(n) if callable(request.headers) else request.headers)}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(request.method, request.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return 0
        finally:
            connection.close()

    def run_phase(self, name, seconds):
        self.phase = name
        time.sleep(seconds)

    def summary(self):
        """{phase: {kind: (answers, statuses seen, median ms, slowest ms)}}"""
        table = {}
        with self.lock:
            answers = list(self.answers)
        for answer in answers:
            table.setdefault(answer.phase, {}).setdefault(answer.kind, []).append(answer)
        return {
            phase: {
                kind: (
                    len(found),
                    sorted({a.status for a in found}),
                    round(statistics.median(a.seconds for a in found) * 1000),
                    round(max(a.seconds for a in found) * 1000),
                )
                for kind, found in kinds.items()
            }
            for phase, kinds in table.items()
        }


REPORT = json.dumps({"csp-report": {"document-uri": "https://127.0.0.1/", "effective-directive": "img-src"}})


def mixed_requests(port, session_cookies):
    """Each failed login names another account, and each login and CSP report comes from another client
    address (X-Forwarded-For, believed from the trusted proxy), so no lockout or per-client limit answers
    in their place: each must be answered by the page itself."""
    form_cookies, token = login_form(port)
    cookie = ("Cookie", cookie_header(form_cookies))

    def failed_login_body(n):
        return (
            f"login=nobody-{n}-{uuid.uuid4().hex[:8]}@example.com&password=wrong-password&csrfmiddlewaretoken={token}"
        )

    def failed_login_headers(n):
        return (
            ("Content-Type", "application/x-www-form-urlencoded"),
            cookie,
            ("X-Forwarded-For", f"10.9.{n // 250}.{n % 250 + 1}"),
        )

    def report_headers(n):
        return (("Content-Type", "application/csp-report"), ("X-Forwarded-For", f"10.8.{n // 250}.{n % 250 + 1}"))

    return [
        Request("anonymous page", "GET", "/"),
        Request("login", "POST", "/accounts/login/", failed_login_body, failed_login_headers),
        Request("signed-in page", "GET", "/accounts/2fa/", headers=(("Cookie", cookie_header(session_cookies)),)),
        Request("CSP report", "POST", "/security/csp-report/", REPORT.encode(), report_headers),
    ]
