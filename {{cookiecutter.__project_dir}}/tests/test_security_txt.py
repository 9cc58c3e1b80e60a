"""/.well-known/security.txt (RFC 9116), and the deploy check that keeps its Expires date current."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings

FIELDS = ("Contact", "Expires", "Canonical", "Preferred-Languages")


def test_security_txt_names_a_contact_and_expires_within_a_year(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert tuple(lines) == FIELDS
    assert lines["Contact"].startswith("mailto:")
    assert "@" in lines["Contact"]
    expires = datetime.strptime(lines["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(days=366)
    assert lines["Canonical"].startswith("https://")
    assert lines["Canonical"].endswith("/.well-known/security.txt")


def with_expires(when):
    return override_settings(SECURITY_TXT={**settings.SECURITY_TXT, "Expires": when.strftime("%Y-%m-%dT%H:%M:%SZ")})


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(200, None), (20, checks.Warning), (-1, checks.Error)],
    ids=["current", "soon", "expired"],
)
def test_deploy_check_warns_before_and_fails_after_expires(days_left, expected):
    with with_expires(datetime.now(UTC) + timedelta(days=days_left)):
        found = [m for m in checks.run_checks(include_deployment_checks=True) if m.id in ("core.W001", "core.E001")]
    assert [type(m) for m in found] == ([expected] if expected else [])
