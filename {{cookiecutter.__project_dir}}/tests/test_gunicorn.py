"""deploy/gunicorn.conf.py under the real gunicorn: it listens only where nginx alone can connect, and a
refused environment stops the boot with one line naming the variable."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.production_settings import VALID_ENV

PROJECT = Path(__file__).resolve().parent.parent
SERVE = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(**overrides):
    """Production settings from a valid environment (tests/helpers/production_settings.py), changed by overrides."""
    return {
        **os.environ,
        **VALID_ENV,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "GUNICORN_WORKERS": "2",
        **overrides,
    }


def run(env, timeout=30, command=SERVE):
    """gunicorn as the service starts it; its exit code and its output (stdout and stderr, in order), or
    TimeoutExpired when it is still running after `timeout` seconds."""
    result = subprocess.run(  # noqa: S603  (fixed argv, no shell)
        command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout
    )
    return result.returncode, result.stdout


def serves(env, reachable, timeout=30):
    """Whether gunicorn starts and accepts a connection (reachable() tries one); stopped either way."""
    server = subprocess.Popen(SERVE, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and server.poll() is None:
            try:
                reachable()
                return True
            except OSError:
                time.sleep(0.1)
        return False
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("bind", ["0.0.0.0:{port}", "[::]:{port}", "192.0.2.1:{port}", "example.com:{port}"])
def test_a_bind_nginx_alone_cannot_reach_is_refused(bind):
    address = bind.format(port=free_port())
    code, output = run(environment(GUNICORN_BIND=address))
    assert code != 0
    refusal = f"GUNICORN_BIND must be a loopback address or unix:PATH, not {address}:"
    assert [line for line in output.splitlines() if refusal in line] == [output.splitlines()[-1]], output
    assert "Listening at" not in output  # refused before any socket was opened


def test_loopback_and_unix_sockets_are_served(tmp_path):
    port = free_port()
    assert serves(
        environment(GUNICORN_BIND=f"127.0.0.1:{port}"), lambda: socket.create_connection(("127.0.0.1", port), 1).close()
    )
    assert serves(
        environment(GUNICORN_BIND=f"localhost:{port}"), lambda: socket.create_connection(("127.0.0.1", port), 1).close()
    )
    path = tmp_path / "gunicorn.sock"

    def unix():
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(path))

    assert serves(environment(GUNICORN_BIND=f"unix:{path}"), unix)


def test_a_container_says_where_it_listens():
    # Past the check, gunicorn tries the address itself: 192.0.2.1 (TEST-NET-1) is not on this machine.
    code, output = run(environment(GUNICORN_BIND=f"192.0.2.1:{free_port()}", GUNICORN_BIND_IN_CONTAINER="yes"))
    assert code != 0
    assert "GUNICORN_BIND must be" not in output
    assert "Can't connect to ('192.0.2.1'," in output


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", "", "DJANGO_SECRET_KEY is not set"),
        ("DJANGO_ALLOWED_HOSTS", "*", "DJANGO_ALLOWED_HOSTS must list the site's host names"),
    ],
)
def test_a_refused_environment_stops_the_boot_with_one_line(variable, value, message):
    env = environment(**{**VALID_ENV, variable: value}, GUNICORN_BIND=f"127.0.0.1:{free_port()}", GUNICORN_WORKERS="4")
    code, output = run(env)
    assert code == 3
    lines = output.splitlines()
    assert [line for line in lines if message in line] == [lines[-1]]  # once, last
    assert lines[-1].startswith("Refusing to start: ")
    assert len(lines) <= 2, output  # at most gunicorn's start line before it: no traceback, nothing per worker


def test_without_preload_a_refused_environment_still_stops_the_server():
    # Each worker then loads the application itself and exits with gunicorn's "failed to boot" status,
    # which stops the server instead of having it restart workers that can never start.
    address = f"127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "gunicorn", "--bind", address, "--workers", "2", "config.wsgi"]
    code, output = run(environment(DJANGO_SECRET_KEY=""), command=command)
    assert code != 0
    assert "Refusing to start: DJANGO_SECRET_KEY is not set" in output


def test_management_commands_name_the_refused_variable():
    env = environment(**{**VALID_ENV, "DJANGO_SECRET_KEY": ""})
    result = subprocess.run(  # noqa: S603  (fixed argv, no shell)
        [sys.executable, "manage.py", "check"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert result.stderr.splitlines()[-1].endswith(
        ": DJANGO_SECRET_KEY is not set: add it to the environment or to .env (see .env.example)."
    )
