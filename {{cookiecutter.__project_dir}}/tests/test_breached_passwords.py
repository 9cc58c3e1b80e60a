"""Breached passwords refused by k-anonymity, against a Pwned Passwords range server run here on
127.0.0.1: only five hex digits of the SHA-1 leave; an unreachable service lets the password through
(fail-open) and is recorded."""

import hashlib
import http.server
import re
import threading
import time

import pytest
from conftest import HttpsClient, verified
from django.test import override_settings
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.security.events import Event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_signup")]
BREACHED = "correct-horse-battery-staple-1"  # the server below says it was seen in 42 breaches
FRESH = "Mv7#qT2!zR9@wX4$"


def sha1(password):
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


class RangeServer(http.server.BaseHTTPRequestHandler):
    """GET /range/<5 hex digits>: padded suffix:count lines, as the real service answers."""

    seen = []  # (path, headers) of every request
    delay = 0

    def do_GET(self):
        type(self).seen.append((self.path, dict(self.headers)))
        time.sleep(type(self).delay)
        prefix = self.path.rsplit("/", 1)[-1]
        lines = [f"{'0' * 35}:0"] * 5  # padding entries
        if prefix == sha1(BREACHED)[:5]:
            lines.append(f"{sha1(BREACHED)[5:]}:42")
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the slow-service test's client gives up mid-answer, on purpose


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


def sign_up(password, email="new@example.com"):
    return HttpsClient().post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})


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
