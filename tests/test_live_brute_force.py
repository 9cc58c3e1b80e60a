"""Tier 3: a login attack spread over two app servers ("hosts": two gunicorns sharing the database
and Redis), from one client address, while other clients keep logging in.

Each client is a distinct loopback address (127.0.0.0/8), connecting straight to a gunicorn so the
address reaches Django as REMOTE_ADDR.
"""

import http.client
import re
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from live.accounts import PASSWORD

pytestmark = pytest.mark.live

FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT in the baked project's security.py
ATTACKER, OWNER_ELSEWHERE, BYSTANDER = "127.0.0.10", "127.0.0.20", "127.0.0.30"
CONCURRENCY = 4


def attempt_login(site, port, source, email, password):
    """GET the form, POST it back with its token, as a browser would. Returns (status, verdict)."""

    def connect():
        return http.client.HTTPSConnection(
            "127.0.0.1", port, context=site.ssl_context(), timeout=30, source_address=(source, 0)
        )

    connection = connect()
    connection.request("GET", "/accounts/login/")
    page = connection.getresponse()
    body = page.read().decode()
    connection.close()
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token})
    connection = connect()
    connection.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": f"https://127.0.0.1:{port}",
        },
    )
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    connection.close()
    if response.status == 302:
        return 302, "signed in"
    if response.status == 200 and "are not correct" in text:
        return 200, "password checked and refused"
    return response.status, response.getheader("Retry-After")


def attack(site, guesses):
    ports = site.app_ports
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(
            pool.map(
                lambda n: attempt_login(site, ports[n % 2], ATTACKER, "victim@example.com", f"guess-{n}"),
                range(guesses),
            )
        )


def test_attack_over_two_hosts_is_stopped_at_the_threshold(live_site):
    # 6 guesses + 2 locked tries + the owner = 9 logins, under the per-account limit (10/min): the lockout
    # is what stops the attack here.
    results = attack(live_site, 6)
    print(results)
    checked = [r for r in results if r[1] == "password checked and refused"]
    assert not [r for r in results if r[0] >= 500 or r[0] == 302]
    # The failure that reaches the limit answers 429 itself, so FAILURE_LIMIT - 1 refusals precede the
    # lockout. Concurrent requests can each pass the lockout check before a failure is written: at most
    # CONCURRENCY - 1 extra password checks, never an unbounded number.
    assert FAILURE_LIMIT - 1 <= len(checked) <= FAILURE_LIMIT - 1 + CONCURRENCY - 1, results
    assert all(r == (429, "900") for r in results if r not in checked)

    # The right password is refused while locked, on both hosts, without being checked.
    for port in live_site.app_ports:
        assert attempt_login(live_site, port, ATTACKER, "victim@example.com", PASSWORD) == (429, "900")
    # The owner, from another client, is not locked out.
    assert attempt_login(live_site, live_site.app_ports[1], OWNER_ELSEWHERE, "victim@example.com", PASSWORD)[0] == 302


def test_flood_gets_cheap_429s_while_other_users_log_in(live_site):
    outcomes = []
    stop = threading.Event()

    def bystander():
        # At least one round; at most 4 rounds of 2 logins, under the per-account limit (10/min).
        for round_number in range(4):
            if round_number and stop.is_set():
                return
            for port in live_site.app_ports:
                outcomes.append(attempt_login(live_site, port, BYSTANDER, "bystander@example.com", PASSWORD))

    watcher = threading.Thread(target=bystander)
    watcher.start()
    try:
        results = attack(live_site, 60)
    finally:
        stop.set()
        watcher.join(timeout=60)
    assert not [r for r in results if r[0] >= 500]
    assert [r for r in results if r[0] != 429] == []  # the pair is locked and the client throttled
    assert outcomes
    assert set(outcomes) == {(302, "signed in")}
