"""Tier 4: the postgresql bake against a real PostgreSQL server (Debian's package), on a throwaway
cluster created and started here on 127.0.0.1, then stopped by its PID file and deleted."""

import os
import re
import secrets
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

    def as_postgres(*command, stdin=None):
        return subprocess.run([*as_owner, *command], input=stdin, check=True, capture_output=True, text=True,
                              timeout=120)  # fmt: skip

    as_postgres(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync")  # fmt: skip
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "start")
    try:
        yield {"port": port, "sockets": sockets, "bindir": bindir, "run": as_postgres}
    finally:
        as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def psql(postgres, *args, env=None, stdin=None):
    """psql as the server's superuser, over its Unix socket."""
    command = [str(postgres["bindir"] / "psql"), "-h", str(postgres["sockets"]), "-p", str(postgres["port"])]
    if env:  # runuser resets the environment: pass the variables through env(1)
        command = ["env", *(f"{name}={value}" for name, value in env.items()), *command]
    return postgres["run"](*command, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-X", *args, stdin=stdin)


@pytest.fixture(scope="module")
def database_url(postgres):
    """A role of its own for the generated test suite, which must create and drop a test database."""
    password = secrets.token_urlsafe(24)
    for statement in (f"CREATE ROLE suite LOGIN CREATEDB PASSWORD '{password}'", "CREATE DATABASE suite OWNER suite"):
        psql(postgres, "-c", statement)
    return f"postgres://suite:{password}@127.0.0.1:{postgres['port']}/suite"


@pytest.fixture(scope="module")
def deployed_roles(postgres, baked):
    """The bake's database and roles, made by its deploy/postgresql/roles.sql with the passwords of its .env;
    returns the site's and the owner's URLs pointed at the throwaway server."""
    project = baked("alternatives")
    env = read_env(project / ".env")
    passwords = {name: env[name] for name in ("POSTGRES_OWNER_PASSWORD", "POSTGRES_APP_PASSWORD")}
    script = (project / "deploy" / "postgresql" / "roles.sql").read_text()  # on stdin: the bake is root's alone
    psql(postgres, "-d", "postgres", env=passwords, stdin=script)

    def here(name):
        url = urllib.parse.urlsplit(env[name])
        return url._replace(netloc=f"{url.username}:{url.password}@127.0.0.1:{postgres['port']}").geturl()

    return {"DATABASE_URL": here("DATABASE_URL"), "DATABASE_MIGRATE_URL": here("DATABASE_MIGRATE_URL")}


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


DDL = [
    "CREATE TABLE intruder (id int)",
    "ALTER TABLE documents_document ADD COLUMN intruder text",
    "DROP TABLE security_securityevent",
    "TRUNCATE accounts_user CASCADE",
    "CREATE SCHEMA intruder",
    "CREATE TEMPORARY TABLE intruder (id int)",
    "CREATE ROLE intruder",
    "CREATE DATABASE intruder",
]


def test_the_site_role_reads_and_writes_rows_and_changes_no_table(baked, postgres, deployed_roles):
    import psycopg

    project = baked("alternatives")
    prod = {**read_env(project / ".env"), "DJANGO_SETTINGS_MODULE": "config.settings.prod"}
    # migrate connects as the schema owner (DATABASE_MIGRATE_URL) ...
    result = run([sys.executable, "manage.py", "migrate", "--no-input"], project, env={**prod, **deployed_roles})
    assert result.returncode == 0, result.stdout + result.stderr
    # ... and the site, without the owner's URL in its environment, works as its own role.
    site = {**prod, "DATABASE_URL": deployed_roles["DATABASE_URL"], "DATABASE_MIGRATE_URL": ""}
    check = ["manage.py", "check", "--deploy", "--database", "default", "--fail-level", "WARNING"]
    result = run([sys.executable, *check], project, env=site)
    assert result.returncode == 0, result.stdout + result.stderr
    work = (
        "from django.contrib.auth import get_user_model; from my_secure_site.documents.models import Document;"
        "user = get_user_model().objects.create_user('role@example.com', 'a long enough password 1');"
        "document = Document.objects.create(title='t', body='b', owner=user); document.title = 'u'; document.save();"
        "document.delete(); user.delete(); print(Document.objects.count(), get_user_model().objects.count())"
    ).replace("my_secure_site", project.name)
    result = run([sys.executable, "manage.py", "shell", "--no-imports", "-c", work], project, env=site)
    assert (result.returncode, result.stdout.split()) == (0, ["0", "0"]), result.stdout + result.stderr

    refused = []
    with psycopg.connect(deployed_roles["DATABASE_URL"], autocommit=True) as connection:
        assert connection.execute("SELECT current_user").fetchone()[0] == f"{project.name}_app"
        for statement in DDL:
            try:
                connection.execute(statement)
            except psycopg.errors.InsufficientPrivilege:
                refused.append(statement)
    assert refused == DDL
    roles = psql(postgres, "-At", "-c", "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication,"
                 " rolbypassrls FROM pg_roles ORDER BY 1").stdout.split()  # fmt: skip
    ours = [role for role in roles if role.startswith(f"{project.name}_")]
    assert ours == [f"{project.name}_app|f|f|f|f|f", f"{project.name}_owner|f|f|f|f|f"]
    owners = psql(postgres, "-d", project.name, "-At", "-c",
                  "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'").stdout  # fmt: skip
    assert owners.split() == [f"{project.name}_owner"]
