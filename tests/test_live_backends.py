"""Tier 3: the live site's project reaches Redis without a password: as the shipped systemd unit does,
over a Unix socket that only its own account may open, or on another host by a client certificate
(docs/connections.md)."""

import stat
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import redis
from live.certificate import issue, make_ca
from live.processes import free_port, stop, wait_for_port

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


def tls_redis(directory, port, server, ca):
    """redis-server on 127.0.0.1:port over TLS only, admitting clients whose certificate ca issued."""
    return subprocess.Popen(
        ["redis-server", "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1", "--tls-auth-clients", "yes",
         "--tls-cert-file", str(server[0]), "--tls-key-file", str(server[1]), "--tls-ca-cert-file", str(ca[0]),
         "--save", "", "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def cache_key_set_by_the_site(live_site, redis_url, system_ca):
    """The project's production settings and cache, given REDIS_URL, set a key; returns its name. The
    server's CA stands in for the system's public CAs (SSL_CERT_FILE), which the Redis client trusts."""
    probe = "from django.core.cache import cache; cache.set('probe', 1); print(cache.make_key('probe'))"
    env = {**live_site.env, "REDIS_URL": redis_url, "SSL_CERT_FILE": str(system_ca)}
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", probe],
                            cwd=live_site.project, env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_redis_on_another_host_knows_the_site_by_its_client_certificate(live_site, tmp_path):
    server_ca, other_ca = make_ca(tmp_path, "redis"), make_ca(tmp_path, "other")
    server = issue(server_ca, tmp_path, "server", host="localhost")
    site, stranger = issue(server_ca, tmp_path, "site"), issue(other_ca, tmp_path, "stranger")
    port = free_port()
    redis_server = tls_redis(tmp_path, port, server, server_ca)
    try:
        wait_for_port(port, redis_server)
        admin = redis.Redis(host="localhost", port=port, ssl=True, ssl_ca_certs=str(server_ca[0]),
                            ssl_certfile=str(site[0]), ssl_keyfile=str(site[1]))  # fmt: skip
        stored = {}
        for name, certificate in {"site": site, "none": None, "stranger": stranger}.items():
            query = f"?ssl_certfile={certificate[0]}&ssl_keyfile={certificate[1]}" if certificate else ""
            key = cache_key_set_by_the_site(live_site, f"rediss://localhost:{port}/0{query}", server_ca[0])
            stored[name] = bool(admin.delete(key))
        # No password in the URL: the certificate is the credential. Without one, or with another CA's,
        # Redis refuses the handshake and the site counts in its own memory instead.
        assert stored == {"site": True, "none": False, "stranger": False}
        admin.close()
    finally:
        stop(redis_server)
