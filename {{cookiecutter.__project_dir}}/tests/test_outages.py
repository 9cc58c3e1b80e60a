"""A backing service that is down degrades the site, never breaks it: Redis down means limits counted
per process (throttling/cache.py), a database that does not answer means a 503 with Retry-After
(hardening/csp_report.py), a mail relay that fails means a page that says so (accounts/adapters.py).
docs/outages.md describes each case; the template's live tests stop and pause real Redis and
PostgreSQL servers under load."""

import json
import re

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import HttpsClient, signed_in
from tests.helpers.rate_limits import allowed
from tests.helpers.users import member

REDIS_DOWN = {
    "default": {
        "BACKEND": "{{ cookiecutter.project_slug }}.throttling.cache.RedisOrLocalCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25, "RETRY_AFTER": 60},
    }
}


@pytest.fixture
def redis_down():
    with override_settings(CACHES=REDIS_DOWN):
        caches["default"].close()
        yield caches["default"]
    caches["default"].clear()


@pytest.mark.django_db
def test_without_redis_sign_in_works_and_the_outage_is_one_event(redis_down, password, security_events):
    user = member("down@example.com", password)
    client = HttpsClient()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert signed_in(client)
    assert client.get(reverse("home")).status_code in (200, 302)  # signed-in pages answer (two-factor may follow)
    client.post(reverse("account_login"), {"login": "else@example.com", "password": password})
    [outage] = security_events.named(Event.CACHE_UNAVAILABLE)
    assert outage["outcome"] == "failure"
    assert outage["details"] == {"error": "ConnectionError"}


@pytest.mark.django_db
def test_without_redis_limits_still_count_in_this_process(redis_down):
    # The reset form's per-address limit: the request after the limit is refused, as with Redis.
    client = HttpsClient()
    per_address = allowed("reset_password", "key")
    statuses = [
        client.post(reverse("account_reset_password"), {"email": "someone@example.com"}).status_code
        for _ in range(per_address + 1)
    ]
    assert statuses == [302] * per_address + [429]
    assert redis_down.degraded  # counted in this process's memory, Redis being unreachable


@pytest.mark.django_db
def test_without_redis_csp_reports_are_answered(redis_down):
    report = {"csp-report": {"document-uri": "https://example.org/", "effective-directive": "script-src"}}
    client = HttpsClient()
    response = client.post(reverse("csp_report"), json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204


@pytest.mark.django_db
def test_health_names_the_cache_that_does_not_answer_and_stays_200(redis_down, client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"database ok\ncache unavailable\n")


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_a_database_that_does_not_answer_is_a_503_with_retry_after(client):
    client.raise_request_exception = False
    page = client.get("/__test__/503/")
    assert page.status_code == 503
    assert int(page.headers["Retry-After"]) > 0
    assert "cannot reach its database" in page.content.decode()
    api = client.get("/api/__test__/503/")
    assert (api.status_code, api.headers["Content-Type"]) == (503, "application/problem+json")
    assert api.json()["status"] == 503
    assert "Retry-After" in api.headers
    assert client.get("/__test__/500/").status_code == 500  # any other failure stays a 500


@pytest.mark.django_db
def test_a_mail_relay_that_is_down_leaves_the_page_answering_alike_for_every_address(client, user, security_events):
    # Port 9 (discard) on this machine: the connection is refused, as by a relay that is down.
    relay_down = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
                  "EMAIL_PORT": 9, "EMAIL_TIMEOUT": 2}  # fmt: skip
    with override_settings(**relay_down):
        pages = [
            client.post(reverse("account_reset_password"), {"email": address}, follow=True)
            for address in (user.email, "nobody@example.com")
        ]
    # The same page whether or not the address has an account: an outage is no account oracle.
    shown = {re.sub(r'(nonce|value)="[^"]*"', "", page.content.decode()) for page in pages}
    assert [page.status_code for page in pages] == [200, 200]
    assert len(shown) == 1
    assert "No mail could be sent just now" in shown.pop()
    failed = security_events.named(Event.MAIL_FAILED)
    assert [event["details"]["error"] for event in failed] == ["ConnectionRefusedError"] * 2
    assert [event["outcome"] for event in failed] == ["failure"] * 2
