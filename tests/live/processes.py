"""Ports, and the servers the live tests start (redis-server, gunicorn), each stopped by its PID."""

import os
import signal
import socket
import subprocess
import sys
import time

# Worker PID first: tests can tell which process answered.
ACCESS_LOG_FORMAT = 'access pid=%(p)s "%(r)s" %(s)s'


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=30):
    listening(lambda: socket.create_connection(("127.0.0.1", port), timeout=0.5).close(), f"127.0.0.1:{port}",
              process, timeout)  # fmt: skip


def wait_for_socket(path, process, timeout=30):
    def connect():
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(path))

    listening(connect, path, process, timeout)


def listening(connect, where, process, timeout):
    """Returns once connect() succeeds; raises if the process exits first or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before listening on {where}")
        try:
            connect()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {where} after {timeout}s")


def stop(process):
    """Stop a process the tests started, by its PID."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def start_redis(directory, port=None, unix_socket=None):
    """redis-server on 127.0.0.1:port, or, given a path, on that Unix socket alone (mode 0700: only the
    account that started it, as the production socket admits only its group)."""
    if unix_socket:
        listen = ["--port", "0", "--unixsocket", str(unix_socket), "--unixsocketperm", "700"]
    else:
        port = port or free_port()
        listen = ["--bind", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        ["redis-server", *listen, "--save", "", "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    if unix_socket:
        wait_for_socket(unix_socket, process)
    else:
        wait_for_port(port, process)
    return process, port


def start_gunicorn(project, env, port, log, *tls_files, workers=2):
    """gunicorn serving the project on 127.0.0.1:port, over TLS when given (certificate, key) files."""
    tls = ["--certfile", str(tls_files[0]), "--keyfile", str(tls_files[1])] if tls_files else []
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT, "--error-logfile", "-", *tls],
        cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for_port(port, process)
    return process
