"""Hardening overhead, counted: CPU instructions per request of a baked project against a plain `startproject`.

    python benchmarks/request_cost.py [--requests 300] [--without NAME ...] [--gunicorn [--access-log KIND]]

requests/s (hardening_overhead.py) is what users feel, but on a shared 2-core machine it moves by a
few percent from run to run, as much as the effect being measured. This script counts instead:
each project's WSGI application handles the same page in-process under callgrind (valgrind, Debian
package), with garbage collection off and a fixed hash seed, so the count repeats to about 0.2%.
Instructions per request = (run with N requests - run with none) / N; no network, no gunicorn.

--without NAME drops every middleware whose dotted path contains NAME from the baked project, to
see what one layer costs (leave-one-out). Same page, projects and settings as hardening_overhead.py.

--gunicorn counts a whole gunicorn sync worker instead (valgrind --trace-children, one worker, the
same command line as hardening_overhead.py, requests over 127.0.0.1 one at a time): what a response
costs once gunicorn has checked and formatted each of its headers. --access-log adds an access log
to both servers alike: gunicorn's own logger, or the baked project's shipped configuration.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hardening_overhead import ACCESS_LOGS, gunicorn_command, projects  # noqa: E402
from live.processes import free_port, stop, wait_for_port  # noqa: E402

# Runs inside valgrind: set up Django, drop the named middleware, serve the page N times.
DRIVER = """
import gc, io, os, sys
import django
from django.conf import settings
django.setup(set_prefix=False)
without = [name for name in os.environ["BENCH_WITHOUT"].split(",") if name]
settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not any(name in m for name in without)]
from django.core.handlers.wsgi import WSGIHandler
app = WSGIHandler()
statuses = []
def request():
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/bench/", "SCRIPT_NAME": "", "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "443", "HTTP_HOST": "127.0.0.1",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
               "wsgi.errors": sys.stderr, "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_USER_AGENT": "bench", "HTTP_ACCEPT": "*/*"}
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    body.close()
request(); request()  # warm: template and URL caches
gc.disable()
for _ in range(int(os.environ["BENCH_REQUESTS"])):
    request()
if any(not status.startswith("200") for status in statuses):
    sys.exit(f"non-200 answers: {sorted(set(statuses))}")
"""


def instructions(cwd, env, requests, without, out):
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", DRIVER],
        cwd=cwd, capture_output=True, text=True, timeout=900,
        env={**os.environ, **env, "PYTHONPATH": str(cwd), "PYTHONHASHSEED": "0",
             "BENCH_REQUESTS": str(requests), "BENCH_WITHOUT": ",".join(without)},
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"callgrind run failed:\n{result.stderr[-3000:]}")
    return total(out)


def total(path):
    return int(re.search(r"^(?:summary|totals): (\d+)", Path(path).read_text(), re.MULTILINE).group(1))


def get_page(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", "/bench/", headers={"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"/bench/ answered {response.status}")


def gunicorn_instructions(cwd, env, app, requests, out_dir, access_log, shipped_conf):
    """Instructions of the gunicorn worker after one warm-up request and `requests` more."""
    out_dir.mkdir()
    port = free_port()
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out_dir}/callgrind.%p",
         *gunicorn_command(app, port, "sync", access_log, shipped_conf)],
        cwd=cwd, env={**os.environ, **env, "PYTHONHASHSEED": "0"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, process, timeout=300)
        for _ in range(requests + 1):
            get_page(port)
    finally:
        stop(process)
    # One profile per process: the master's carries its pid; the worker is the busiest of the others.
    workers = [path for path in out_dir.glob("callgrind.*") if path.name != f"callgrind.{process.pid}"]
    return max(total(path) for path in workers)


def per_request(project, requests, without, runs_dir, gunicorn, access_log, shipped_conf):
    cwd, env, app = project
    runs_dir.mkdir()
    if gunicorn:
        runs = [gunicorn_instructions(cwd, env, app, n, runs_dir / f"gunicorn-{n}", access_log, shipped_conf)
                for n in (0, requests)]  # fmt: skip
    else:
        runs = [instructions(cwd, env, n, without, runs_dir / f"callgrind.{n}") for n in (0, requests)]
    return (runs[1] - runs[0]) / requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--without", action="append", default=[], metavar="NAME")
    parser.add_argument("--gunicorn", action="store_true", help="count a gunicorn worker, not the bare WSGI app")
    parser.add_argument("--access-log", choices=ACCESS_LOGS, help="with --gunicorn: " + "; ".join(
        f"{name}: {meaning}" for name, meaning in ACCESS_LOGS.items()))  # fmt: skip
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed: apt-get install valgrind")
    if args.gunicorn and args.without:
        sys.exit("--without works on the bare WSGI app only, not with --gunicorn")
    if args.access_log and not args.gunicorn:
        sys.exit("--access-log needs --gunicorn: the bare WSGI app has no access log")
    access_log = args.access_log or "none"
    if args.gunicorn:
        print(f"access log: {ACCESS_LOGS[access_log]}")

    with projects() as (tmp, plain, hardened):
        shipped_conf = hardened[0] / "deploy" / "gunicorn.conf.py"
        figures = {
            name: per_request(
                project, args.requests, without, tmp / f"{name}-runs", args.gunicorn, access_log, shipped_conf
            )
            for name, project, without in (("plain", plain, []), ("hardened", hardened, args.without))
        }
    for name, count in figures.items():
        print(f"{name:9} {count:12,.0f} instructions per request")
    label = f"hardened without {', '.join(args.without)}" if args.without else "hardened"
    print(f"plain/{label} {figures['plain'] / figures['hardened']:.3f}  (a throughput ratio, if CPU-bound)")
    print(json.dumps({name: round(count) for name, count in figures.items()}))


if __name__ == "__main__":
    main()
