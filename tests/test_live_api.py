"""Tier 3: the REST API served for real (gunicorn over TLS, production settings, Redis).

schemathesis fuzzes every operation of the API's own OpenAPI schema with an Editor's read-write token,
on a third gunicorn of the same bake whose only difference is raised API rates (LIVE_TEST_API_RATE, in
the test-only tests/live/project_files/settings.py): fuzzing needs hundreds of requests a minute, and the throttles
are proved on the two production gunicorns, where one token's burst spread over both hosts gets
exactly its per-minute limit through, because both count in the same Redis.
"""

import http.client
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from live.accounts import make_token
from live.processes import free_port, start_gunicorn, stop

pytestmark = pytest.mark.live

TOKEN_LIMIT = 60  # API_RATES["api_user"] in the baked project's security.py, per token and minute
CLIENT = "127.0.0.40"  # a loopback address of its own: no other test's requests count against it
JSON_TYPES = {"application/json", "application/problem+json"}


@pytest.fixture(scope="module")
def fuzz_port(live_site, tmp_path_factory):
    """A third gunicorn of the same bake (database, Redis, certificate), with the API's rates raised."""
    port = free_port()
    log = tmp_path_factory.mktemp("fuzz") / "gunicorn.log"
    cert, key = live_site.cert, live_site.cert.with_name("key.pem")
    env = {**live_site.env, "LIVE_TEST_API_RATE": "100000/m"}
    with log.open("ab") as output:
        process = start_gunicorn(live_site.project, env, port, output, cert, key)
    try:
        yield port
    finally:
        stop(process)


def test_schemathesis_finds_no_server_error_no_schema_mismatch_and_no_non_json_answer(live_site, fuzz_port, tmp_path):
    token = make_token(live_site, "fuzz")
    har = tmp_path / "run.har"
    started = time.monotonic()
    result = subprocess.run(
        [Path(sys.executable).with_name("st"), "run", f"https://127.0.0.1:{fuzz_port}/api/schema/?format=json",
         "--header", f"Authorization: Token {token}", "--tls-verify", str(live_site.cert),
         "--checks", "all", "--max-examples", "50", "--max-time", "45", "--workers", "2",
         "--request-timeout", "10",
         # One fixed seed: the same cases on every run, so a failure is the code's, never the draw's.
         # Random seeds once drew a query string past gunicorn's request-line limit: gunicorn answers
         # that itself, before the application, with an HTML 414 (as nginx does for its own limit).
         "--seed", "20261205",
         "--report", "har", "--report-har-path", str(har), "--no-color",
         "--exclude-path-regex", "__test__"],  # live/project_files/urls.py: error pages on demand
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    print(result.stdout, f"{elapsed:.0f} s", sep="\n")
    # Every check passed: no 5xx, every status, header, content type and body as the schema says.
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    entries = json.loads(har.read_text())["log"]["entries"]
    operations = {(e["request"]["method"], e["request"]["url"].split("?")[0].rstrip("0123456789/")) for e in entries}
    assert len(entries) >= 200, "too few requests to call it fuzzing"
    assert {method for method, _ in operations} >= {"GET", "POST", "PUT", "PATCH", "DELETE"}
    statuses = {e["response"]["status"] for e in entries}
    assert {200, 201, 400} <= statuses, statuses  # valid data is accepted and invalid data refused
    assert not [s for s in statuses if s >= 500]
    for entry in entries:
        headers = {h["name"].lower(): h["value"] for h in entry["response"]["headers"]}
        if entry["response"]["status"] != 204:  # a deletion answers with no body at all
            assert headers.get("content-type", "").split(";")[0] in JSON_TYPES, entry["request"]["url"]
        assert headers["cache-control"].startswith("max-age=0, no-cache, no-store"), entry["request"]["url"]


def call(site, port, token):
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, context=site.ssl_context(), timeout=30, source_address=(CLIENT, 0)
    )
    try:
        connection.request("GET", "/api/documents/", headers={"Authorization": f"Token {token}"})
        response = connection.getresponse()
        body = json.loads(response.read())
        return port, response.status, response.getheader("Content-Type"), response.getheader("Retry-After"), body
    finally:
        connection.close()


def test_one_tokens_burst_over_two_hosts_gets_its_limit_once(live_site):
    token = make_token(live_site, "burst")
    while time.time() % 60 > 45:  # the burst must fit in one throttle window (a clock minute)
        time.sleep(1)
    ports = live_site.app_ports
    burst = 2 * TOKEN_LIMIT  # under the address limit (120/m) from this client's address
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda n: call(live_site, ports[n % 2], token), range(burst)))
    answered = [r for r in results if r[1] != 429]
    refused = [r for r in results if r[1] == 429]
    assert {r[1] for r in answered} == {200}, answered
    assert len(answered) == TOKEN_LIMIT, f"{len(answered)} answered of {burst}, over ports {ports}"
    assert {r[0] for r in answered} == set(ports)  # both hosts answered, and they counted together
    for _, _, content_type, retry_after, body in refused:
        assert content_type == "application/problem+json"
        assert 0 < int(retry_after) <= 60
        assert body["status"] == 429
