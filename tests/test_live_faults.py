"""Tier 3: Redis stopped, then paused (SIGSTOP), under a mixed load of anonymous pages, logins, signed-in
pages and CSP reports, against a gunicorn of the live project with its own Redis. No answer may be a
5xx, a paused Redis may not stall anything, and the site must use Redis again within about a second
of its return (the baked docs/outages.md). Every process is started here and stopped by its PID."""

import os
import re
import signal
import time

import pytest
import redis
from live.accounts import CREATE_USER, PASSWORD
from live.load import Load, mixed_requests
from live.logs import security_events
from live.processes import start_redis, stop
from live.proxied import proxied, proxied_gunicorn, sign_in

USER = "faults@example.com"

pytestmark = pytest.mark.live


def seconds_until_used(client, started, limit=10):
    """Seconds from `started` until the site has written to a Redis that answers again (its limits count
    there once more); None if it has not within `limit`."""
    deadline = started + limit
    while time.monotonic() < deadline:
        try:
            if client.dbsize() > 0:
                return time.monotonic() - started
        except redis.exceptions.ConnectionError:
            pass
        time.sleep(0.02)
    return None


@pytest.fixture
def own_redis_site(live_site, tmp_path):
    """A gunicorn of the live project (production settings, 2 workers) whose Redis this test alone owns."""
    live_site.manage("shell", "-c", CREATE_USER.format(slug=live_site.project.name, email=USER, password=PASSWORD))
    redis_server, redis_port = start_redis(tmp_path)
    servers = {"redis": redis_server}
    try:
        env = {**live_site.env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
        with proxied_gunicorn(live_site.project, env, tmp_path) as (port, log):
            yield {"port": port, "redis_port": redis_port, "servers": servers, "log": log, "dir": tmp_path}
    finally:
        if servers["redis"].poll() is None:
            os.kill(servers["redis"].pid, signal.SIGCONT)  # a paused process cannot stop
        stop(servers["redis"])


def test_redis_stopped_and_paused_under_load(own_redis_site):
    site = own_redis_site
    port, servers = site["port"], site["servers"]
    session = sign_in(port, USER, PASSWORD)
    client = redis.Redis(port=site["redis_port"], socket_timeout=0.5)
    with Load(port, mixed_requests(port, session), proxied(port)) as load:
        load.run_phase("Redis up", 3)
        stop(servers["redis"])
        load.run_phase("Redis stopped", 6)
        load.phase = "Redis back"
        servers["redis"], _ = start_redis(site["dir"], port=site["redis_port"])
        back_after_stop = seconds_until_used(client, time.monotonic())
        load.run_phase("Redis back", 2)
        os.kill(servers["redis"].pid, signal.SIGSTOP)
        load.run_phase("Redis paused", 6)
        os.kill(servers["redis"].pid, signal.SIGCONT)
        resumed = time.monotonic()
        load.phase = "Redis resumed"
        client.flushall()  # the keys the site writes from here on prove it is back
        back_after_pause = seconds_until_used(client, resumed)
        load.run_phase("Redis resumed", 2)
    summary = load.summary()
    print("\nphase: {kind: (answers, statuses, median ms, slowest ms)}")
    for phase, kinds in summary.items():
        print(f"{phase}: {kinds}")
    print(f"Redis used again {back_after_stop:.2f} s after its restart, {back_after_pause:.2f} s after SIGCONT")

    allowed = {"anonymous page": {200}, "signed-in page": {200}, "login": {200}, "CSP report": {204}}
    unexpected = {
        (phase, kind): statuses
        for phase, kinds in summary.items()
        for kind, (_, statuses, _, _) in kinds.items()
        if not set(statuses) <= allowed[kind]
    }
    assert unexpected == {}
    for phase in ("Redis stopped", "Redis paused"):
        assert set(summary[phase]) == set(allowed), f"every kind of request was sent while {phase}"
    # A hung Redis costs a request at most its 0.25 s socket timeout (plus the request's own time).
    slowest = {kind: slowest_ms for kind, (_, _, _, slowest_ms) in summary["Redis paused"].items()}
    assert max(slowest.values()) < 1500, slowest
    assert back_after_stop is not None
    assert back_after_stop < 2.5
    assert back_after_pause is not None
    assert back_after_pause < 2.5
    events = [event["event"] for event in security_events(site["log"])]
    assert "cache.unavailable" in events
    assert "cache.recovered" in events
    log = site["log"].read_text(errors="replace")
    assert "WORKER TIMEOUT" not in log
    assert re.findall(r"Traceback", log) == []
