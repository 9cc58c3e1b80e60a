"""Login under attack: what a rejected attempt costs the server, and what a real user waits meanwhile.

    python benchmarks/login_under_attack.py [--seconds 10] [--workers 2]

Bakes a project and serves it like production behind a TLS proxy: gunicorn speaking HTTP on 127.0.0.1
with production settings, Redis and Argon2, and DJANGO_TRUSTED_PROXIES=127.0.0.1. This script plays the
proxy (X-Forwarded-For and X-Forwarded-Proto on each request), so the figures are the application's
cost, without TLS handshakes: gunicorn's sync workers close every connection, and a handshake per
request would be nginx's work in production.
After a 3 s warm-up flood from another address (not counted: the workers' first requests import what
they need), phase 1: one client (203.0.113.10) floods the login form with wrong passwords; CPU used by
the gunicorn workers (from /proc) divided by the attempts rejected = CPU cost per rejected attempt. Phase 2: the
flood goes on while real users log in, one every 0.5 s, each from its own address (198.51.100.N), as
a site's users do; their login latency is reported.
Loopback only (the addresses above travel in X-Forwarded-For); every loop is bounded by time and
count, and every process is stopped by its PID.
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bakery import bake, read_env  # noqa: E402
from live.processes import free_port, start_gunicorn, start_redis, stop  # noqa: E402

ATTACKER = "203.0.113.10"
WARM_UP, WARM_UP_SECONDS = "203.0.113.99", 3
USERS = 40
PASSWORD = "benchmark-" + os.urandom(8).hex()
MAX_REQUESTS = 200_000


class Client:
    """An HTTP client that reaches gunicorn as the TLS proxy would, on behalf of one client address."""

    def __init__(self, port, client_address):
        self.port, self.client_address = port, client_address
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        for _ in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            proxy_headers = {"X-Forwarded-For": self.client_address, "X-Forwarded-Proto": "https"}
            try:
                self.connection.request(method, path, body=body, headers={**proxy_headers, **(headers or {})})
                response = self.connection.getresponse()
                return response, response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
        raise RuntimeError("request failed twice")

    def login_form(self):
        response, body = self.request("GET", "/accounts/login/")
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        return cookie, token

    def login(self, email, password, cookie, token):
        form = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": f"https://127.0.0.1:{self.port}",
        }
        response, _ = self.request("POST", "/accounts/login/", body=form, headers=headers)
        return response.status


def worker_cpu_seconds(master_pid):
    """utime + stime of the master's child processes (the workers), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def flood(client, seconds, stop_event, counts, email="victim@example.com"):
    cookie, token = client.login_form()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop_event.is_set() and sum(counts.values()) < MAX_REQUESTS:
        status = client.login(email, "wrong guess", cookie, token)
        counts[status] = counts.get(status, 0) + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = bake(tmp / "bake")
        redis, redis_port = start_redis(tmp)
        processes = [redis]
        try:
            env = {
                **os.environ,
                **read_env(project / ".env"),
                "DJANGO_SETTINGS_MODULE": "config.settings.prod",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            }
            manage = [sys.executable, "manage.py"]
            subprocess.run([*manage, "migrate", "--no-input"], cwd=project, env=env, check=True, capture_output=True)
            subprocess.run([*manage, "collectstatic", "--no-input"], cwd=project, env=env, check=True,
                           capture_output=True)  # fmt: skip
            create = (
                "from allauth.account.models import EmailAddress\n"
                f"from {project.name}.accounts.models import User\n"
                f"for email in ['victim@example.com'] + [f'user{{n}}@example.com' for n in range({USERS})]:\n"
                f"    user = User.objects.create_user(email=email, password={PASSWORD!r})\n"
                "    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)\n"
            )
            subprocess.run([*manage, "shell", "-c", create], cwd=project, env=env, check=True, capture_output=True)
            port = free_port()
            with (tmp / "gunicorn.log").open("wb") as log:
                gunicorn = start_gunicorn(project, env, port, log, workers=args.workers)
            processes.append(gunicorn)
            time.sleep(1)

            # Warm-up, from another address and not counted: each worker's first requests import the URL
            # configuration, the views and templates they need, one-off work that is not a refusal's cost.
            flood(Client(port, WARM_UP), WARM_UP_SECONDS, threading.Event(), {}, email="warm-up@example.com")

            # Phase 1: the flood alone.
            counts = {}
            cpu_before, start = worker_cpu_seconds(gunicorn.pid), time.monotonic()
            flood(Client(port, ATTACKER), args.seconds, threading.Event(), counts)
            elapsed, cpu = time.monotonic() - start, worker_cpu_seconds(gunicorn.pid) - cpu_before
            attempts = sum(counts.values())
            rejected = counts.get(429, 0)
            print(
                f"flood: {attempts} login attempts in {elapsed:.1f} s ({attempts / elapsed:.0f}/s), by status {counts}"
            )
            print(f"CPU per attempt: {cpu / attempts * 1000:.2f} ms ({cpu:.2f} s of worker CPU, "
                  f"{rejected} of {attempts} rejected with 429 before the password check)")  # fmt: skip

            # Phase 2: the flood goes on while a real user logs in.
            stop_event, counts = threading.Event(), {}
            attacker = threading.Thread(target=flood, args=(Client(port, ATTACKER), args.seconds, stop_event, counts))
            attacker.start()
            latencies, statuses = [], []
            deadline = time.monotonic() + args.seconds
            for n in range(USERS):
                if time.monotonic() >= deadline:
                    break
                user = Client(port, f"198.51.100.{n + 1}")
                cookie, token = user.login_form()
                start = time.perf_counter()
                statuses.append(user.login(f"user{n}@example.com", PASSWORD, cookie, token))
                latencies.append(time.perf_counter() - start)
                time.sleep(0.5)
            stop_event.set()
            attacker.join()
            p95 = statistics.quantiles(latencies, n=20)[-1]
            print(f"legitimate logins during the flood: {len(latencies)}, statuses {sorted(set(statuses))}, "
                  f"median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; "
                  f"flood meanwhile: {sum(counts.values())} attempts {counts}")  # fmt: skip
        finally:
            for process in reversed(processes):
                stop(process)


if __name__ == "__main__":
    main()
