"""Tier 4: the postgresql bake against a real PostgreSQL server (Debian's package), on a throwaway
cluster created and started here on 127.0.0.1, then stopped by its PID file and deleted."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from conftest import OPTION_SETS, read_env, run
from live import free_port

pytestmark = pytest.mark.services


def postgres_bindir():
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    assert versions, "PostgreSQL server binaries not found (bin/test installs Debian's postgresql)"
    return versions[-1].parent


@pytest.fixture(scope="module")
def postgres():
    bindir = postgres_bindir()
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # initdb refuses to run as root
    base = Path(tempfile.mkdtemp(prefix="secure-django-pg-", dir="/tmp"))
    data, sockets, port = base / "data", base / "sockets", free_port()
    sockets.mkdir()
    if as_owner:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    base.chmod(0o755)

    def as_postgres(*command):
        return subprocess.run([*as_owner, *command], check=True, capture_output=True, text=True, timeout=120)

    as_postgres(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync")  # fmt: skip
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "start")
    try:
        yield {"port": port, "sockets": sockets, "bindir": bindir, "run": as_postgres}
    finally:
        as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def database_url(postgres, baked):
    """The bake's own role, password and database (from its .env), created on the throwaway server."""
    project = baked("alternatives")
    url = urllib.parse.urlsplit(read_env(project / ".env")["DATABASE_URL"])
    user, password, name = url.username, url.password, url.path.lstrip("/")
    sql = f"CREATE ROLE {user} LOGIN CREATEDB PASSWORD '{password}'; CREATE DATABASE {name} OWNER {user};"
    psql = [str(postgres["bindir"] / "psql"), "-h", str(postgres["sockets"]), "-p", str(postgres["port"])]
    for statement in sql.split("; "):
        postgres["run"](*psql, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-c", statement)
    return f"postgres://{user}:{password}@127.0.0.1:{postgres['port']}/{name}"


def test_the_bake_chose_postgresql(baked):
    assert OPTION_SETS["alternatives"]["database"] == "postgresql"
    assert read_env(baked("alternatives") / ".env")["DATABASE_URL"].startswith("postgres://")


def test_generated_suite_passes_on_postgresql(baked, database_url):
    result = run([sys.executable, "-m", "pytest", "-q"], baked("alternatives"), env={"DATABASE_URL": database_url})
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert re.fullmatch(r"\d+ passed in [\d.]+s( \([\d:]+\))?", summary), summary


def test_migrate_roles_and_deploy_checks_on_postgresql(baked, database_url):
    project = baked("alternatives")
    test_settings = {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    for command in (["migrate", "--no-input"], ["sync_roles", "--check"], ["makemigrations", "--check", "--dry-run"]):
        result = run([sys.executable, "manage.py", *command], project, env=test_settings)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    prod = {
        **read_env(project / ".env"),
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    }
    result = run([sys.executable, "manage.py", "check", "--deploy", "--database", "default", "--fail-level", "WARNING"],
                 project, env=prod)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
