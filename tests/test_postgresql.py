"""Tier 4: the postgresql bake against a real PostgreSQL server (Debian's package), on a throwaway
cluster created and started here on 127.0.0.1, then stopped by its PID file and deleted."""

import os
import pwd
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from bakery import OPTION_SETS, read_env, run
from live.accounts import CREATE_USER, PASSWORD
from live.load import Load, mixed_requests
from live.processes import free_port, start_redis, stop
from live.proxied import proxied, proxied_gunicorn, sign_in

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
        yield {"port": port, "sockets": sockets, "bindir": bindir, "run": as_postgres, "data": data}
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


def test_generated_checks_and_suite_pass_on_postgresql(baked, database_url):
    # The bake's own bin/test (linters, migration check, import contract, suite) on the database it was
    # made for; tests/test_generated_project.py runs the defaults bake's on SQLite.
    result = run(["bin/test", "-q"], baked("alternatives"), env={"DATABASE_URL": database_url})
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
    # One silence, written beside it in prod.py: django-ratelimit's "backend not officially supported"
    # warning, which its check gives any backend not on its list (throttling/cache.py counts in Redis).
    assert "System check identified no issues (1 silenced)." in result.stdout


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


def test_the_site_connects_by_peer_authentication_with_no_password(baked, postgres, deployed_roles):
    """deploy/postgresql's pg_hba.conf and pg_ident.conf lines, as shipped, above the cluster's own; this
    test's system account mapped to the site's role as the service's account is."""
    project = baked("alternatives")
    slug, account = project.name, pwd.getpwuid(os.geteuid()).pw_name
    files = {name: postgres["data"] / name for name in ("pg_hba.conf", "pg_ident.conf")}
    originals = {name: path.read_text() for name, path in files.items()}
    shipped = {name: (project / "deploy" / "postgresql" / name).read_text() for name in files}
    files["pg_hba.conf"].write_text(shipped["pg_hba.conf"] + originals["pg_hba.conf"])
    mapped = f"{slug} {account} {slug}_app\n"
    files["pg_ident.conf"].write_text(originals["pg_ident.conf"] + shipped["pg_ident.conf"] + mapped)
    reload = [str(postgres["bindir"] / "pg_ctl"), "-D", str(postgres["data"]), "reload"]
    postgres["run"](*reload)
    try:
        over_socket = f"@/{slug}?host={postgres['sockets']}&port={postgres['port']}"
        site = {**read_env(project / ".env"), "DJANGO_SETTINGS_MODULE": "config.settings.prod",
                "DATABASE_URL": f"postgres://{slug}_app{over_socket}", "DATABASE_MIGRATE_URL": ""}  # fmt: skip
        check = ["manage.py", "check", "--deploy", "--database", "default", "--fail-level", "WARNING"]
        result = run([sys.executable, *check], project, env=site)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues (1 silenced)." in result.stdout
        who = "from django.db import connection as c; print(c.cursor().execute('SELECT current_user').fetchone()[0])"
        result = run([sys.executable, "manage.py", "shell", "--no-imports", "-c", who], project, env=site)
        assert (result.returncode, result.stdout.strip()) == (0, f"{slug}_app"), result.stdout + result.stderr
        # The map gives this account the site's role only: not the schema owner's ...
        owner = {**site, "DATABASE_URL": f"postgres://{slug}_owner{over_socket}"}
        result = run([sys.executable, "manage.py", "shell", "--no-imports", "-c", who], project, env=owner)
        assert result.returncode != 0, result.stdout
        assert "Peer authentication failed" in result.stderr, result.stderr
        # ... and no other account is the site.
        server = ["-h", str(postgres["sockets"]), "-p", str(postgres["port"]), "-U", f"{slug}_app", "-d", slug, "-X"]
        psql_as_nobody = ["runuser", "-u", "nobody", "--", str(postgres["bindir"] / "psql"), *server, "-c", "SELECT 1"]
        other = subprocess.run(psql_as_nobody, capture_output=True, text=True, timeout=30)
        assert other.returncode != 0, other.stdout
        assert "Peer authentication failed" in other.stderr, other.stderr
    finally:
        for name, path in files.items():
            path.write_text(originals[name])
        postgres["run"](*reload)


def server_processes(postgres):
    """The server's PIDs: the postmaster (its PID file's first line) and every process it started."""
    postmaster = int((postgres["data"] / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    return [postmaster, *map(int, children)]


def test_postgresql_paused_under_load(baked, postgres, deployed_roles, tmp_path):
    """The whole server frozen (SIGSTOP) for 8 s, then a mixed load: pages that need the database are
    503s within about connect_timeout, pages that do not still answer, no worker is killed, and
    everything answers again once it resumes (the baked docs/outages.md)."""
    project = tmp_path / baked("alternatives").name  # a copy: collectstatic writes into it
    shutil.copytree(baked("alternatives"), project)
    env = {
        **read_env(project / ".env"),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": deployed_roles["DATABASE_URL"],
        "DATABASE_MIGRATE_URL": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        result = run([sys.executable, "manage.py", *command], project, env={**env, **deployed_roles})
        assert result.returncode == 0, result.stderr
    create = CREATE_USER.format(slug=project.name, email="paused@example.com", password=PASSWORD)
    created = run([sys.executable, "manage.py", "shell", "-c", create], project, env=env)
    assert created.returncode == 0, created.stderr
    redis_server, redis_port = start_redis(tmp_path)
    paused = []
    try:
        env = {**os.environ, **env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
        with proxied_gunicorn(project, env, tmp_path) as (port, log):
            session = sign_in(port, "paused@example.com", PASSWORD)
            requests = mixed_requests(port, session)
            with Load(port, requests, proxied(port)) as before:
                before.run_phase("PostgreSQL up", 3)
            # Frozen between requests: a query already sent when the server froze would wait for it to
            # resume (libpq has no client-side timeout for a sent query; docs/outages.md says so).
            paused = server_processes(postgres)
            for pid in paused:
                os.kill(pid, signal.SIGSTOP)
            with Load(port, requests, proxied(port)) as load:
                load.run_phase("PostgreSQL paused", 8)
                for pid in reversed(paused):
                    os.kill(pid, signal.SIGCONT)
                paused = []
                load.run_phase("PostgreSQL resumed", 3)
                load.run_phase("PostgreSQL up again", 3)
    finally:
        for pid in reversed(paused):
            os.kill(pid, signal.SIGCONT)
        stop(redis_server)
    answers = before.answers + load.answers
    print("\nphase: {kind: (answers, statuses, median ms, slowest ms)}")
    for phase, kinds in {**before.summary(), **load.summary()}.items():
        print(f"{phase}: {kinds}")

    def seen(phase, **where):
        return [a for a in answers if a.phase == phase and all(getattr(a, k) == v for k, v in where.items())]

    assert {a.status for a in answers} <= {200, 204, 503}  # never a 500, never a dropped connection
    unavailable = [a.seconds for a in answers if a.status == 503]
    assert unavailable, "the pause was not seen"
    # Fast: a new connection gives up after connect_timeout (2 s), whatever a worker waits behind.
    assert statistics.median(unavailable) < 4
    assert max(a.seconds for a in answers) < 20  # nothing waited for gunicorn's 30-second kill
    assert {a.status for a in seen("PostgreSQL paused", kind="anonymous page")} == {200}  # needs no database
    assert {a.status for a in seen("PostgreSQL up again")} <= {200, 204}
    assert "WORKER TIMEOUT" not in log.read_text(errors="replace")


def test_backup_and_restore_as_docs_backups_md_says(baked, postgres, deployed_roles, tmp_path):
    """docs/backups.md's pg_dump and pg_restore, as the schema owner: the restore brings back what was
    deleted after the dump, and the site's role can read and write rows as before."""
    project = baked("alternatives")
    site = {**read_env(project / ".env"), "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DATABASE_URL": deployed_roles["DATABASE_URL"], "DATABASE_MIGRATE_URL": ""}  # fmt: skip
    result = run([sys.executable, "manage.py", "migrate", "--no-input"], project, env={**site, **deployed_roles})
    assert result.returncode == 0, result.stderr

    def shell(code):
        result = run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code.replace("SLUG", project.name)],
                     project, env=site)  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    shell("from SLUG.accounts.models import User; from SLUG.documents.models import Document;"
          "owner = User.objects.create_user('kept@example.com', 'a long enough password 2');"
          "Document.objects.create(title='kept', body='in the backup', owner=owner)")  # fmt: skip
    owner = urllib.parse.urlsplit(deployed_roles["DATABASE_MIGRATE_URL"])
    connection = ["--host=127.0.0.1", f"--port={postgres['port']}", f"--username={owner.username}"]
    pgpass = tmp_path / "pgpass"  # as the doc says: the password in a 0600 file, not on the command line
    pgpass.write_text(f"127.0.0.1:{postgres['port']}:*:{owner.username}:{owner.password}\n")
    pgpass.chmod(0o600)
    tools = {"env": {"PGPASSFILE": str(pgpass)}, "timeout": 120}
    dump = tmp_path / "backup.dump"
    bindir = postgres["bindir"]
    for command in (
        [bindir / "pg_dump", "--format=custom", *connection, f"--dbname={project.name}", f"--file={dump}"],
        [bindir / "pg_restore", "--list", dump],
    ):
        result = run([str(part) for part in command], tmp_path, **tools)
        assert result.returncode == 0, result.stderr
    documents = "from SLUG.documents.models import Document as D;"
    assert shell(documents + "print(D.objects.filter(title='kept').delete()[0])") == ["1"]
    restore = [bindir / "pg_restore", "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
               *connection, f"--dbname={project.name}", dump]  # fmt: skip
    result = run([str(part) for part in restore], tmp_path, **tools)
    assert result.returncode == 0, result.stderr
    assert shell(documents + "print(D.objects.filter(title='kept').count())") == ["1"]
    # The site's role writes as before: the owner's default privileges (roles.sql) cover recreated tables.
    assert shell(documents + "d = D.objects.get(title='kept'); d.title = 'again'; d.save(); print(d.pk > 0)") == [
        "True"
    ]
