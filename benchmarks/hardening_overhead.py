"""Hardening overhead: requests/s of a baked project against a plain `startproject`, same template view.

    python benchmarks/hardening_overhead.py [--seconds 5] [--rounds 7] [--access-log none|gunicorn|shipped]

Both projects serve one small template through gunicorn on 127.0.0.1 (one worker; sync, then gthread
with 4 threads), loaded by wrk (Debian package) with 4 connections. The server runs pinned to one
CPU and wrk to another, so the figure is the server's own cost per request, not a share of CPUs
the load generator also competes for (unpinned, run-to-run spread on a 2-core machine was +-4%).
The variants run alternately (A B A B ...) so drift hits them alike; the figures are ratios
of medians: requests/s, and the worker's own CPU time per request (user + system, from /proc),
which leaves out the time the worker waits for wrk.
  plain     - django-admin startproject, DEBUG off, its default middleware
  hardened  - the baked project, production settings (every middleware of the template, Redis)
The baked project sits behind a (simulated) TLS proxy: wrk sends X-Forwarded-Proto: https and the
project trusts 127.0.0.1, as behind deploy/nginx.
"""

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bakery import bake, read_env  # noqa: E402
from live.processes import free_port, start_redis, stop, wait_for_port  # noqa: E402

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<script src="/static/js/site.js" nonce="{{ request.csp_nonce }}" defer></script></head>
<body><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul></body></html>
"""
VIEW = """from django.shortcuts import render


def bench(request):
    return render(request, "bench.html", {"title": "Benchmark", "items": range(20)})
"""
PLAIN_URLS = """from django.urls import path

from .bench_view import bench

urlpatterns = [path("bench/", bench)]
"""
HARDENED_URLS = """from django.urls import path

from config.bench_view import bench
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/", bench), *project_urlpatterns]
"""
HARDENED_SETTINGS = """from config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"
"""


def make_plain(root):
    root.mkdir()
    subprocess.run([sys.executable, "-m", "django", "startproject", "baseline_site", str(root)], check=True)
    (root / "baseline_site" / "bench_view.py").write_text(VIEW)
    (root / "baseline_site" / "urls.py").write_text(PLAIN_URLS)
    (root / "templates").mkdir()
    (root / "templates" / "bench.html").write_text(TEMPLATE)
    settings = root / "baseline_site" / "settings.py"
    text = settings.read_text()
    text = text.replace("DEBUG = True", "DEBUG = False").replace("ALLOWED_HOSTS = []", 'ALLOWED_HOSTS = ["127.0.0.1"]')
    text = text.replace("'DIRS': [],", "'DIRS': [BASE_DIR / 'templates'],")
    if "BASE_DIR / 'templates'" not in text:
        sys.exit("startproject's settings changed shape: update make_plain() in this script")
    settings.write_text(text)
    return root, {"DJANGO_SETTINGS_MODULE": "baseline_site.settings"}, "baseline_site.wsgi"


def make_hardened(root, redis_port):
    project = bake(root)
    (project / "config" / "bench_view.py").write_text(VIEW)
    (project / "config" / "bench_urls.py").write_text(HARDENED_URLS)
    (project / "config" / "settings" / "bench.py").write_text(HARDENED_SETTINGS)
    (project / "templates" / "bench.html").write_text(TEMPLATE)
    env = {
        **read_env(project / ".env"),
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input"], cwd=project, env={**os.environ, **env},
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input"], cwd=project,
                   env={**os.environ, **env}, check=True, capture_output=True)  # fmt: skip
    return project, env, "config.wsgi"


@contextlib.contextmanager
def projects():
    """(tmp, plain, hardened) for one run: both projects built in a temporary directory, Redis up."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        redis, redis_port = start_redis(tmp)
        try:
            yield tmp, make_plain(tmp / "plain"), make_hardened(tmp / "hardened", redis_port)
        finally:
            stop(redis)


def pinned_to(cpus):
    """A preexec_fn that keeps the child (and its forks) on `cpus`; None when the machine has one CPU."""
    return (lambda: os.sched_setaffinity(0, cpus)) if cpus else None


ACCESS_LOGS = {
    "none": "no access log, gunicorn's default",
    "gunicorn": "gunicorn's own access logger, writing to /dev/null",
    "shipped": "the baked project's deploy/gunicorn.conf.py for both projects (gunicorn's logger, keys masked)",
}


def gunicorn_command(app, port, worker_class, access_log, shipped_conf):
    """The same server for either project: one worker, and the access log asked for (ACCESS_LOGS)."""
    # --timeout: a worker under valgrind (request_cost.py) is slow, not stuck.
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "--worker-class", worker_class, "--timeout", "300"]  # fmt: skip
    if worker_class == "gthread":
        command += ["--threads", "4"]
    if access_log == "shipped":
        command += ["--config", str(shipped_conf), "--max-requests", "0"]  # no worker recycling mid-run
    if access_log != "none":
        command += ["--access-logfile", "/dev/null"]
    return command


def serve(cwd, env, app, worker_class, access_log, shipped_conf, log, cpus):
    port = free_port()
    process = subprocess.Popen(
        gunicorn_command(app, port, worker_class, access_log, shipped_conf),
        cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, preexec_fn=pinned_to(cpus),
    )  # fmt: skip
    wait_for_port(port, process)
    return process, port


def wrk(port, seconds, cpus):
    result = subprocess.run(
        ["wrk", "-t1", "-c4", f"-d{seconds}s", "-H", "X-Forwarded-Proto: https", f"http://127.0.0.1:{port}/bench/"],
        capture_output=True, text=True, check=True, timeout=seconds + 30, preexec_fn=pinned_to(cpus),
    )  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise RuntimeError(f"{errors.group(1)} non-2xx answers:\n{result.stdout}")
    requests = int(re.search(r"(\d+) requests in", result.stdout).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1)), requests


def worker_cpu_seconds(master):
    """User plus system CPU time the master's one worker has used so far (10 ms resolution)."""
    [worker] = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def measure(master, port, seconds, cpus):
    """(requests/s, worker CPU microseconds per request) of one wrk run."""
    cpu_before = worker_cpu_seconds(master)
    rate, requests = wrk(port, seconds, cpus)
    return rate, (worker_cpu_seconds(master) - cpu_before) / requests * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--access-log", choices=ACCESS_LOGS, default="none", help="; ".join(
        f"{name}: {meaning}" for name, meaning in ACCESS_LOGS.items()))  # fmt: skip
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    cpus = sorted(os.sched_getaffinity(0))
    server_cpus, load_cpus = ({cpus[-1]}, {cpus[0]}) if len(cpus) > 1 else (None, None)
    if server_cpus is None:
        print("one CPU only: server and wrk share it, expect a noisier ratio")

    with projects() as (tmp, plain, hardened):
        variants = {"plain": plain, "hardened": hardened}
        shipped_conf = hardened[0] / "deploy" / "gunicorn.conf.py"
        print(f"access log: {ACCESS_LOGS[args.access_log]}")
        with (tmp / "gunicorn.log").open("wb") as log:
            for worker_class in ("sync", "gthread"):
                servers = {
                    name: serve(*variant, worker_class, args.access_log, shipped_conf, log, server_cpus)
                    for name, variant in variants.items()
                }
                try:
                    for port in (port for _, port in servers.values()):
                        wrk(port, 1, load_cpus)  # warm-up: imports, template caches
                    results = {name: [] for name in variants}
                    for _ in range(args.rounds):
                        for name, (process, port) in servers.items():
                            results[name].append(measure(process, port, args.seconds, load_cpus))
                            time.sleep(0.5)
                finally:
                    for process, _ in servers.values():
                        stop(process)
                report(worker_class, results)


def report(worker_class, results):
    rates = {name: statistics.median(rate for rate, _ in runs) for name, runs in results.items()}
    cpu = {name: statistics.median(micros for _, micros in runs) for name, runs in results.items()}
    for name, runs in results.items():
        print(f"{worker_class:8} {name:10} median {rates[name]:6.0f} req/s {cpu[name]:5.0f} us CPU/request  runs "
              f"{[round(rate) for rate, _ in runs]} req/s {[round(micros) for _, micros in runs]} us")  # fmt: skip
    print(f"{worker_class:8} hardened/plain: throughput {rates['hardened'] / rates['plain']:.3f}, "
          f"CPU per request {cpu['plain'] / cpu['hardened']:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
