"""`manage.py backup` (docs/backups.md), run as an operator runs it: in a fresh process, on a SQLite file
database of its own (the suite's own database is in memory, or PostgreSQL), while another process writes.

SQLite's backup API copies one consistent snapshot, taken while the command runs. So the copy holds every
write acknowledged before the command started; of those acknowledged while it ran, it holds those that
committed before the snapshot: always an unbroken run of the writer's commits, never a later write
without an earlier one."""

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

# Commits one document at a time and prints each id once its commit returned: an acknowledged write.
# Automatic checkpoints are off, so the commits stay in the -wal file, as they do between two
# checkpoints on a busy site: a copy of the database file alone would miss them.
WRITER = """
import os, time
from pathlib import Path
from django.db import connection
from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.documents.models import Document
connection.cursor().execute("PRAGMA wal_autocheckpoint = 0")
owner = User.objects.create_user("writer@example.com", "a long enough password 1")
deadline = time.monotonic() + 60
while not Path(os.environ["WRITER_STOP"]).exists() and time.monotonic() < deadline:
    print(Document.objects.create(title="w", body="w", owner=owner).pk, flush=True)
"""


def environment(database, **extra):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database, **extra}


def manage(database, *args):
    return subprocess.run(  # noqa: S603  (fixed argv, no shell)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment(database),
        capture_output=True,
        text=True,
        timeout=120,
    )


def opened(path):
    """A connection to a database file, closed when the with block ends."""
    return closing(sqlite3.connect(path))


@pytest.fixture
def database(tmp_path):
    """A migrated SQLite file database (WAL mode, as the site opens it); its DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = manage(url, "migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    return url


def test_backup_during_writes_holds_every_write_acknowledged_before_it_and_is_a_snapshot(database, tmp_path):
    stop = tmp_path / "stop"
    writer = subprocess.Popen(  # noqa: S603  (fixed argv, no shell)
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", WRITER],
        cwd=PROJECT,
        env=environment(database, WRITER_STOP=str(stop)),
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged = []  # (id, when this test read it)

    def collect():
        for line in writer.stdout:
            acknowledged.append((int(line), time.monotonic()))

    reader = threading.Thread(target=collect)
    reader.start()
    try:
        while len(acknowledged) < 100 and writer.poll() is None:
            time.sleep(0.01)
        started = time.monotonic()
        result = manage(database, "backup", str(tmp_path / "backup.sqlite3"))
        finished = time.monotonic()
    finally:
        stop.touch()
        writer.wait(timeout=30)
        reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    before = {pk for pk, at in acknowledged if at < started}
    during = {pk for pk, at in acknowledged if started <= at < finished}
    assert len(before) >= 100
    assert during, "the writer must keep committing while the backup runs"

    # Restored as docs/backups.md says: the backup put in place of the database file, no -wal beside it.
    restored = tmp_path / "restored" / "db.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(tmp_path / "backup.sqlite3", restored)
    with opened(restored) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        present = {pk for (pk,) in copy.execute("SELECT id FROM documents_document")}
    assert before <= present
    ours = {pk for pk, _ in acknowledged}
    assert present <= ours
    assert present == {pk for pk in ours if pk <= max(present)}  # a snapshot: no write missing below the last
    # The site opens it, at the schema of its code.
    result = manage(f"sqlite:///{restored}", "migrate", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_backup_into_a_directory_is_named_by_time_readable_by_its_owner_only_and_self_contained(database, tmp_path):
    directory = tmp_path / "backups"
    directory.mkdir()
    result = manage(database, "backup", str(directory))
    assert result.returncode == 0, result.stderr
    [backup] = directory.iterdir()  # the copy alone: no temporary file left beside it
    assert backup.name.startswith("backup-")
    assert backup.name.endswith("Z.sqlite3")
    assert str(backup) in result.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with opened(backup) as copy, opened(database.removeprefix("sqlite:///")) as original:
        assert copy.execute("PRAGMA journal_mode").fetchall() == [("delete",)]  # no -wal file needed to read it
        applied = copy.execute("SELECT count(*) FROM django_migrations").fetchall()
        assert applied == original.execute("SELECT count(*) FROM django_migrations").fetchall()


def test_backup_never_replaces_a_file_unless_forced(database, tmp_path):
    existing = tmp_path / "backup.sqlite3"
    existing.write_text("an earlier backup")
    result = manage(database, "backup", str(existing))
    assert result.returncode == 1
    assert f"{existing} exists: choose another name, or --force to replace it." in result.stderr
    assert existing.read_text() == "an earlier backup"
    result = manage(database, "backup", "--force", str(existing))
    assert result.returncode == 0, result.stderr
    with opened(existing) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_backup_into_a_missing_directory_is_refused(database, tmp_path):
    result = manage(database, "backup", str(tmp_path / "missing" / "backup.sqlite3"))
    assert result.returncode == 1
    assert f"The directory {tmp_path / 'missing'} does not exist." in result.stderr


def test_a_copy_that_fails_the_integrity_check_is_refused_and_not_kept(tmp_path):
    broken = tmp_path / "broken.sqlite3"
    with closing(sqlite3.connect(broken)) as database:
        database.executescript(
            "CREATE TABLE t (a, b); CREATE INDEX t_b ON t (b); INSERT INTO t VALUES (1, 2);"
            # The index now claims to be on column a, while it holds b's values: a corrupt database.
            "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'CREATE INDEX t_b ON t (a)'"
            " WHERE name = 't_b';"
        )
    directory = tmp_path / "backups"
    directory.mkdir()
    result = manage(f"sqlite:///{broken}", "backup", str(directory))
    assert result.returncode == 1
    assert "The copy fails SQLite's integrity check" in result.stderr
    assert list(directory.iterdir()) == []


def test_a_database_without_migrations_is_refused_and_not_kept(tmp_path):
    directory = tmp_path / "backups"
    directory.mkdir()
    result = manage(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "backup", str(directory))
    assert result.returncode == 1
    assert "The copy has no readable migrations table: no such table: django_migrations" in result.stderr
    assert list(directory.iterdir()) == []
{%- if cookiecutter.database == "postgresql" %}


def test_a_postgresql_database_is_refused_with_the_way_to_back_it_up(tmp_path):
    # Refused before any connection: nothing listens on port 1.
    result = manage("postgres://backup:a-long-password@127.0.0.1:1/none", "backup", str(tmp_path))
    assert result.returncode == 1
    assert "The database is PostgreSQL: back it up with pg_dump -Fc (docs/backups.md)." in result.stderr
    assert list(tmp_path.iterdir()) == []
{%- endif %}
