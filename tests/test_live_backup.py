"""Tier 3: `manage.py backup` on a site served for real (gunicorn over TLS on two "hosts", production
settings, one SQLite file in WAL mode), while clients create documents through the API.

SQLite's backup API copies one snapshot, taken while the command runs: the copy must hold every document
whose creation was acknowledged (201) before the command started, may or may not hold those acknowledged
while it ran, and must be a snapshot: no document without every one created before it (ids are given in
commit order, under SQLite's single write lock).

The test holds a connection to the database open throughout, as a worker with persistent connections or
an operator's sqlite3 shell does: SQLite then cannot fold the -wal file into the database file each time
the last connection closes, so acknowledged documents are in the -wal file, where a copy of the database
file alone would miss them.
"""

import http.client
import json
import sqlite3
import threading
import time
from contextlib import closing

import pytest
from live.accounts import make_token

pytestmark = pytest.mark.live

WRITERS = 4  # users, each with a token and a client address of its own: the write limit (30/m) is per user
WRITES = 25  # per writer: under that limit, and under the per-address (120/m) and per-token (60/m) ones
PAUSE = 0.1  # seconds between a writer's requests, so that writes keep coming while the backup runs


def create_documents(site, port, token, source, acknowledged, refused):
    for number in range(WRITES):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, context=site.ssl_context(), timeout=30, source_address=(source, 0)
        )
        try:
            body = json.dumps({"title": f"backup {source} {number}", "body": "written during a backup"})
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            connection.request("POST", "/api/documents/", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        if response.status == 201:
            acknowledged.append((json.loads(answer)["id"], time.monotonic()))
        else:
            refused.append((response.status, answer[:200]))
        time.sleep(PAUSE)


def test_backup_during_api_writes_holds_every_write_acknowledged_before_it(live_site, tmp_path):
    tokens = [make_token(live_site, "backup", email=f"backup-writer-{n}@example.com") for n in range(WRITERS)]
    acknowledged, refused = [], []  # list.append is atomic: the writer threads share them
    writers = [
        threading.Thread(
            target=create_documents,
            args=(live_site, live_site.app_ports[n % 2], token, f"127.0.0.{60 + n}", acknowledged, refused),
        )
        for n, token in enumerate(tokens)
    ]
    url = live_site.env["DATABASE_URL"]
    assert url.startswith("sqlite:///")
    held = sqlite3.connect(live_site.project / url.removeprefix("sqlite:///"))
    held.execute("SELECT count(*) FROM django_migrations").fetchall()  # opens the -wal file, ends its read
    for writer in writers:
        writer.start()
    try:
        while len(acknowledged) < 20 and any(writer.is_alive() for writer in writers):
            time.sleep(0.01)
        started = time.monotonic()
        result = live_site.manage("backup", str(tmp_path))
        finished = time.monotonic()
    finally:
        for writer in writers:
            writer.join(timeout=60)
        held.close()
    assert refused == []
    [backup] = tmp_path.glob("backup-*.sqlite3")
    assert f"Backed up to {backup}" in result.stdout

    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as database:
        assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {pk for (pk,) in database.execute("SELECT id FROM documents_document")}
    ours = {pk for pk, _ in acknowledged}
    before = {pk for pk, at in acknowledged if at < started}
    during = {pk for pk, at in acknowledged if started <= at < finished}
    present = stored & ours
    print(
        f"{len(ours)} documents acknowledged: {len(before)} before the backup, {len(during)} during it"
        f" ({finished - started:.2f} s), {len(ours) - len(before) - len(during)} after;"
        f" in the backup: {len(present)} ({len(before & present)} of before, {len(during & present)} of during)"
    )
    assert len(ours) == WRITERS * WRITES
    assert during, "the writers must keep writing while the backup runs"
    assert before <= present
    assert present == {pk for pk in ours if pk <= max(present)}  # a snapshot: nothing missing below the last
