"""Tier 3: the live site reaches Redis as the shipped systemd unit does, over a Unix socket that only
its own account may open: no password to store, leak or rotate (docs/connections.md)."""

import stat
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import redis

pytestmark = pytest.mark.live


def test_redis_is_reached_over_a_unix_socket_no_other_account_may_open(live_site):
    url = urllib.parse.urlsplit(live_site.env["REDIS_URL"])
    assert url.scheme == "unix"
    path = Path(url.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    # The site counts in that Redis, and nothing else writes there: a sign-in attempt leaves its
    # rate-limit counters in it.
    _, submit = live_site.form_client()
    page = submit("accounts/login/", {"login": "nobody@example.com", "password": "not the password"}).read()
    assert b"not correct" in page
    client = redis.Redis(unix_socket_path=str(path), socket_timeout=2)
    assert client.dbsize() > 0
    assert "cache.unavailable" not in live_site.log_text()
    # Another account, with the directory open to it, is refused by the socket itself.
    other = subprocess.run(["runuser", "-u", "nobody", "--", "redis-cli", "-s", str(path), "ping"],
                           capture_output=True, text=True, timeout=10)  # fmt: skip
    assert "Permission denied" in other.stdout + other.stderr, other
    assert client.ping()
