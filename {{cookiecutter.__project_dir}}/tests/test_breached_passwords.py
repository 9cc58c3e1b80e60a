"""Breached passwords refused by k-anonymity, against a Pwned Passwords range server run here on
127.0.0.1: only five hex digits of the SHA-1 leave; an unreachable service lets the password through
(fail-open) and is recorded."""

import re
import threading
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import verified
from tests.helpers.pwned_range import BREACHED, QuietServer, RangeServer, sha1
from tests.helpers.users import sign_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_signup")]
FRESH = "Mv7#qT2!zR9@wX4$"


@pytest.fixture
def range_server():
    server = QuietServer(("127.0.0.1", 0), RangeServer)
    RangeServer.seen, RangeServer.delay = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with override_settings(PWNED_PASSWORDS_URL=f"http://127.0.0.1:{server.server_port}", PWNED_PASSWORDS_TIMEOUT=1):
        yield RangeServer
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_a_breached_password_is_refused_at_sign_up_and_only_a_prefix_leaves(range_server):
    refused = sign_up(BREACHED)
    assert refused.status_code == 200
    assert "data breach" in str(refused.context["form"].errors)
    assert not User.objects.filter(email="new@example.com").exists()
    assert sign_up(FRESH).status_code == 302
    sent = " ".join(f"{path} {headers}" for path, headers in range_server.seen)
    assert [path for path, _ in range_server.seen] == [f"/range/{sha1(BREACHED)[:5]}", f"/range/{sha1(FRESH)[:5]}"]
    for secret in (BREACHED, FRESH, sha1(BREACHED), sha1(BREACHED)[:6], sha1(FRESH)[5:]):
        assert secret not in sent
    assert all(headers.get("Add-Padding") == "true" for _, headers in range_server.seen)


def test_a_breached_password_is_refused_at_change_and_reset(range_server, client, user, password, mailoutbox):
    verified(client, user)
    form = {"oldpassword": password, "password1": BREACHED, "password2": BREACHED}
    assert "data breach" in str(client.post(reverse("account_change_password"), form).context["form"].errors)
    client.logout()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link).headers["Location"]
    refused = client.post(form_url, {"password1": BREACHED, "password2": BREACHED})
    assert "data breach" in str(refused.context["form"].errors)
    user.refresh_from_db()
    assert user.check_password(password)


def test_an_unreachable_service_lets_the_password_through_and_is_recorded(security_events):
    with override_settings(PWNED_PASSWORDS_URL="http://127.0.0.1:9", PWNED_PASSWORDS_TIMEOUT=1):  # discard port
        assert sign_up(BREACHED).status_code == 302
    assert len(security_events.named(Event.BREACH_CHECK_UNAVAILABLE)) == 1


def test_a_slow_service_costs_at_most_the_timeout(range_server, security_events):
    range_server.delay = 3
    started = time.monotonic()
    assert sign_up(FRESH).status_code == 302
    assert time.monotonic() - started < 2.5  # PWNED_PASSWORDS_TIMEOUT=1, then fail-open
    assert len(security_events.named(Event.BREACH_CHECK_UNAVAILABLE)) == 1
