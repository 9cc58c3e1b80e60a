"""API hardening cost: the baked project's document list with a token, against a plain DRF view.

    python benchmarks/api_cost.py [--seconds 5] [--rounds 5] [--requests 100] [--layers] [--without-valgrind]

One baked project, production settings, Redis, 20 documents. Two endpoints over the same model,
serializer and pagination, side by side in one run:
  hardened - GET /api/documents/ with `Authorization: Token …`: knox token lookup, the second-factor
             rule, scope and role permissions, the per-address and per-token throttles (counted in
             Redis: the rates are raised so nothing is refused, the counting still happens)
  plain    - GET /api/bench-plain/: a ListAPIView with no authentication, permission or throttle
Both sit under /api/, so both pass the same middleware (ApiResponsesMiddleware included): the
ratio prices what DRF does per request for security, nothing else.

Figures, as hardening_overhead.py and request_cost.py measure them:
- requests/s and the worker's CPU per request: one gunicorn sync worker pinned to one CPU, wrk pinned
  to the other, 4 connections, the endpoints alternating (A B A B ...), medians;
- instructions per request: the WSGI app in-process under callgrind (GC off, fixed hash seed),
  (run with N requests - run with none) / N. Redis and SQLite work in this process is counted;
  the Redis server's own is not. --layers also counts the hardened list without its throttles,
  without its permission checks, and with neither (token authentication only), to price each layer.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hardening_overhead import make_hardened, pinned_to, serve, worker_cpu_seconds  # noqa: E402
from live.processes import start_redis, stop  # noqa: E402
from request_cost import total  # noqa: E402

VIEWS = """from rest_framework.generics import ListAPIView

from {slug}.api.serializers import DocumentSerializer
from {slug}.api.views import ApiViewMixin, DocumentViewSet
from {slug}.documents.models import Document


class PlainDocumentList(ListAPIView):
    queryset = Document.objects.select_related("owner")
    serializer_class = DocumentSerializer
    authentication_classes = []
    permission_classes = []
    throttle_classes = []


class WithoutThrottles(DocumentViewSet):
    throttle_classes = []

    def initial(self, request, *args, **kwargs):
        super(ApiViewMixin, self).initial(request, *args, **kwargs)  # skips the per-address throttle


class WithoutPermissions(DocumentViewSet):
    permission_classes = []


class TokenOnly(WithoutThrottles):
    permission_classes = []
"""
URLS = """from django.urls import path

from config import bench_api_views as views
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/bench-plain/", views.PlainDocumentList.as_view()),
    path("api/bench-without-throttles/", views.WithoutThrottles.as_view({"get": "list"})),
    path("api/bench-without-permissions/", views.WithoutPermissions.as_view({"get": "list"})),
    path("api/bench-token-only/", views.TokenOnly.as_view({"get": "list"})),
    *project_urlpatterns,
]
"""
# Counted as in production, never refused: a benchmark sends thousands of requests a minute.
RATES = """
API_RATES = dict.fromkeys(API_RATES, "100000000/m")  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": API_RATES}  # noqa: F405
"""
DATA = """
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.models import Group
from {slug}.accounts.models import User
from {slug}.api.models import Token
from {slug}.documents.models import Document
user = User.objects.create_user(email="editor@example.com", password=None)
EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={{"secret": encrypt("JBSWY3DPEHPK3PXP")}})
user.groups.add(Group.objects.get(name="Editors"))
Document.objects.bulk_create(Document(title=f"Document {{n}}", body="text " * 50, owner=user) for n in range(20))
print(Token.objects.create(user=user, name="bench", scope="read")[1])
"""
PATHS = {"hardened": "/api/documents/", "plain": "/api/bench-plain/"}
# Leave-one-out, counted only (--layers): the hardened list without one layer, to price each.
LAYERS = {
    "without throttles": "/api/bench-without-throttles/",
    "without permissions": "/api/bench-without-permissions/",
    "token only": "/api/bench-token-only/",
}

# Runs inside valgrind: set up Django, serve one endpoint N times.
DRIVER = """
import gc, io, os, sys
import django
django.setup(set_prefix=False)
from django.core.handlers.wsgi import WSGIHandler
app = WSGIHandler()
statuses = []
extra = {"HTTP_AUTHORIZATION": os.environ["BENCH_AUTH"]} if os.environ["BENCH_AUTH"] else {}
def request():
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": os.environ["BENCH_PATH"], "SCRIPT_NAME": "", "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "443", "HTTP_HOST": "127.0.0.1",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
               "wsgi.errors": sys.stderr, "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_USER_AGENT": "bench", "HTTP_ACCEPT": "application/json", **extra}
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    body.close()
request(); request()  # warm: URL and permission caches, the token's first use
gc.disable()
for _ in range(int(os.environ["BENCH_REQUESTS"])):
    request()
if any(not status.startswith("200") for status in statuses):
    sys.exit(f"non-200 answers: {sorted(set(statuses))}")
"""


def prepare(root, redis_port):
    project, env, app = make_hardened(root, redis_port)
    (project / "config" / "bench_api_views.py").write_text(VIEWS.format(slug=project.name))
    (project / "config" / "bench_urls.py").write_text(URLS)
    settings = project / "config" / "settings" / "bench.py"
    settings.write_text(settings.read_text() + RATES)
    token = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", DATA.format(slug=project.name)],
        cwd=project, env={**os.environ, **env}, check=True, capture_output=True, text=True,
    ).stdout.split()[-1]  # fmt: skip
    return project, env, app, token


def wrk_api(port, path, token, seconds, cpus):
    """hardening_overhead.py's wrk run, on an API path, with the token header when given one."""
    headers = ["-H", f"Authorization: Token {token}"] if token else []
    result = subprocess.run(
        ["wrk", "-t1", "-c4", f"-d{seconds}s", "-H", "X-Forwarded-Proto: https", *headers,
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True, timeout=seconds + 30, preexec_fn=pinned_to(cpus),
    )  # fmt: skip
    return parse_wrk(result.stdout)


def parse_wrk(output):
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{errors.group(1)} non-2xx answers:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), requests


def throughput(project, env, app, token, seconds, rounds, tmp):
    cpus = sorted(os.sched_getaffinity(0))
    server_cpus, load_cpus = ({cpus[-1]}, {cpus[0]}) if len(cpus) > 1 else (None, None)
    with (tmp / "gunicorn.log").open("wb") as log:
        process, port = serve(project, env, app, "sync", "none", None, log, server_cpus)
        try:
            for name, path in PATHS.items():
                wrk_api(port, path, token if name == "hardened" else None, 1, load_cpus)  # warm-up
            results = {name: [] for name in PATHS}
            for _ in range(rounds):
                for name, path in PATHS.items():
                    before = worker_cpu_seconds(process)
                    rate, requests = wrk_api(port, path, token if name == "hardened" else None, seconds, load_cpus)
                    results[name].append((rate, (worker_cpu_seconds(process) - before) / requests * 1e6))
                    time.sleep(0.5)
        finally:
            stop(process)
    rates = {name: statistics.median(rate for rate, _ in runs) for name, runs in results.items()}
    cpu = {name: statistics.median(micros for _, micros in runs) for name, runs in results.items()}
    for name, runs in results.items():
        print(f"sync {name:9} median {rates[name]:6.0f} req/s {cpu[name]:5.0f} us CPU/request  runs "
              f"{[round(rate) for rate, _ in runs]} req/s {[round(micros) for _, micros in runs]} us")  # fmt: skip
    print(f"hardened/plain: throughput {rates['hardened'] / rates['plain']:.3f}, "
          f"CPU per request {cpu['plain'] / cpu['hardened']:.3f}")  # fmt: skip


def instructions(project, env, path, auth, requests, out):
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", DRIVER],
        cwd=project, capture_output=True, text=True, timeout=900,
        env={**os.environ, **env, "PYTHONPATH": str(project), "PYTHONHASHSEED": "0",
             "BENCH_REQUESTS": str(requests), "BENCH_PATH": path, "BENCH_AUTH": auth},
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"callgrind run failed:\n{result.stderr[-3000:]}")
    return total(out)


def counted(project, env, token, requests, layers, tmp):
    paths = {**PATHS, **(LAYERS if layers else {})}
    figures = {}
    for name, path in paths.items():
        auth = "" if name == "plain" else f"Token {token}"
        out = tmp / name.replace(" ", "-")
        runs = [instructions(project, env, path, auth, n, f"{out}.{n}") for n in (0, requests)]
        figures[name] = (runs[1] - runs[0]) / requests
        print(f"{name:20} {figures[name]:12,.0f} instructions per request")
    for name in figures.keys() - {"plain"}:
        print(f"plain/{name} {figures['plain'] / figures[name]:.3f}  (a throughput ratio, if CPU-bound)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--without-valgrind", action="store_true", help="requests/s only")
    parser.add_argument("--layers", action="store_true", help="also count the hardened list without each layer")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    if not args.without_valgrind and not shutil.which("valgrind"):
        sys.exit("valgrind is not installed: apt-get install valgrind (or --without-valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        redis, redis_port = start_redis(tmp)
        try:
            project, env, app, token = prepare(tmp / "hardened", redis_port)
            throughput(project, env, app, token, args.seconds, args.rounds, tmp)
            if not args.without_valgrind:
                counted(project, env, token, args.requests, args.layers, tmp)
        finally:
            stop(redis)


if __name__ == "__main__":
    main()
