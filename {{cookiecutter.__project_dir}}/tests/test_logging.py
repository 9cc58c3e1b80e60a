"""docs/logging.md against the code, and what every log line may and may not carry: nothing secret,
no forged lines, and the errors and refused requests that must be there."""

import json
import logging
import os
import re
import ssl
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from config.settings import security
from config.settings.logging import LOGGING

from {{ cookiecutter.project_slug }}.audit.events import Event
from {{ cookiecutter.project_slug }}.audit.log_format import JsonLineFormatter
from {{ cookiecutter.project_slug }}.audit.models import SecurityEvent

from tests.helpers.certificates import self_signed_ca
from tests.helpers.clients import HttpsClient
from tests.helpers.logs import Collector
from tests.helpers.production_settings import VALID_ENV
from tests.helpers.pwned_range import BREACHED, QuietServer, RangeServer
from tests.helpers.two_factor import code_with_time_left
from tests.helpers.users import member, sign_up

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = (ROOT / "docs" / "logging.md").read_text()
# A value no header, path or form field should be able to turn into a second log line.
HOSTILE = 'x\r\n{"event": "login.succeeded", "user_id": 1}\n"quoted" \\ \u2028 <b>'


class AllRecords(Collector):
    """Every record any logger emits at its configured level, as production writes it."""

    def lines(self):
        return [JsonLineFormatter().format(record) for record in self.records]


@pytest.fixture
def all_records():
    """Attached to the root logger and to each configured logger that does not pass records up to it."""
    handler = AllRecords()
    names = ["", *(name for name, config in LOGGING["loggers"].items() if config.get("propagate") is False)]
    for name in names:
        logging.getLogger(name).addHandler(handler)
    yield handler
    for name in names:
        logging.getLogger(name).removeHandler(handler)


def django_request_errors(all_records):
    return [record for record in all_records.records if record.name == "django.request" and record.levelname == "ERROR"]


def test_the_inventory_lists_every_security_event_and_no_other():
    section = INVENTORY.split("## Security events", 1)[1]
    listed = re.findall(r"^\| `([a-z_.]+)` \|", section, flags=re.MULTILINE)
    assert sorted(listed) == sorted(str(event) for event in Event)
    for row in re.findall(r"^\| `[a-z_.]+` \|.*$", section, flags=re.MULTILINE):
        assert re.search(r"tests/test_\w+\.py::test_\w+", row), row  # each names the test that observes it


def test_logs_go_only_to_the_destinations_the_inventory_lists():
    # Production settings loaded in a fresh interpreter: every handler on every logger, Django's
    # defaults included. Library NullHandlers write nothing and are left out.
    script = (
        "import django, json, logging\n"
        "django.setup()\n"
        "loggers = [logging.root, *logging.root.manager.loggerDict.values()]\n"
        "found = {(h.name, type(h).__name__, getattr(getattr(h, 'stream', None), 'name', None))\n"
        "         for logger in loggers for h in getattr(logger, 'handlers', [])\n"
        "         if not isinstance(h, logging.NullHandler)}\n"
        "print(json.dumps(sorted(found)))\n"
    )
    env = {**os.environ, **VALID_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod"}
    for name in ("DJANGO_DEBUG", "DJANGO_TRUSTED_PROXIES", "DATABASE_URL"):  # as helpers.production_settings.load_prod
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603  (fixed argv, no shell)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    documented = re.findall(r"Django handler `(\w+)`", INVENTORY)
    assert json.loads(result.stdout) == [[name, "StreamHandler", "<stdout>"] for name in documented]
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    for setting in ("accesslog", "errorlog"):
        assert f'{setting} = "-"' in gunicorn  # the service's stdout and stderr, as listed
        assert f'`{setting} = "-"`' in INVENTORY
    nginx = (ROOT / "deploy" / "nginx" / "site.conf").read_text()
    paths = set(re.findall(r"^\s*(?:access|error)_log (\S+)", nginx, flags=re.MULTILINE))
    assert paths  # the site names its access log
    assert [path for path in paths if f"`{path}`" not in INVENTORY] == []


@pytest.mark.django_db
def test_hostile_request_fields_stay_inside_one_log_line(client, all_records):
    client.get("/", HTTP_HOST=HOSTILE, HTTP_USER_AGENT=HOSTILE)
    client.post(
        reverse("csp_report"),
        json.dumps({"csp-report": {"script-sample": HOSTILE, "document-uri": HOSTILE}}),
        content_type="application/csp-report",
        HTTP_USER_AGENT=HOSTILE,
    )
    client.get("/" + HOSTILE.replace("\n", "%0A").replace("\r", "%0D"))  # a 404, logged with its path
    client.post(reverse("account_login"), {"login": HOSTILE, "password": HOSTILE}, HTTP_USER_AGENT=HOSTILE)
    lines = all_records.lines()
    assert len(lines) >= 4
    for line, record in zip(lines, all_records.records, strict=True):
        assert "\n" not in line, line
        assert "\r" not in line, line
        parsed = json.loads(line)
        assert isinstance(parsed, dict)
        if hasattr(record, "security_event"):
            assert parsed == record.security_event  # every field comes back exactly as recorded
        else:
            assert parsed["message"] == record.getMessage()
    events = [json.loads(line) for line in lines if '"event": ' in line]
    host = [event for event in events if event["event"] == Event.DISALLOWED_HOST]
    assert host[0]["details"]["host"] == HOSTILE  # CR, LF and quotes reached the record raw, and came back
    assert host[0]["user_agent"] == HOSTILE
    csp = [event for event in events if event["event"] == Event.CSP_VIOLATION]
    assert csp[0]["details"]["sample"] == HOSTILE
    assert [event for event in events if event["event"] == Event.LOGIN_SUCCEEDED] == []  # nothing forged one


@pytest.mark.django_db
def test_no_secret_or_address_reaches_any_log_across_sign_in_reset_and_two_factor(all_records, password, mailoutbox):
    user = member("Ann.Secret@example.com", password)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt("A" * 32)})
    code = pyotp.TOTP("A" * 32)
    client, secrets = HttpsClient(), {password, "wrong-" + password, user.email}

    def post(url, data, **extra):
        response = client.post(url, data, **extra)
        secrets.update(morsel.value for morsel in response.cookies.values() if morsel.value)
        return response

    post(reverse("account_login"), {"login": user.email, "password": "wrong-" + password})
    for _ in range(security.AXES_FAILURE_LIMIT):  # a lockout, from another client
        post(reverse("account_login"), {"login": user.email, "password": "wrong-" + password}, REMOTE_ADDR="192.0.2.7")
    post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    secrets.add(link.rsplit("/", 2)[1])  # the reset key
    form_url = client.get(link).headers["Location"]
    new = password + "-new"
    secrets.add(new)
    post(form_url, {"password1": new, "password2": new})
    post(reverse("account_login"), {"login": user.email, "password": new})
    right_code = code_with_time_left(code)
    wrong_code = f"{(int(right_code) + 1) % 1_000_000:06d}"
    secrets.update([wrong_code, right_code])
    post(reverse("mfa_authenticate"), {"code": wrong_code})
    post(reverse("mfa_authenticate"), {"code": right_code})
    assert client.get(reverse("mfa_index")).status_code == 200  # signed in: every step really ran
    secrets.update(morsel.value for morsel in client.cookies.values() if morsel.value)
    kinds = {json.loads(line).get("event") for line in all_records.lines()}
    assert {Event.LOGIN_FAILED, Event.LOCKOUT, Event.PASSWORD_RESET_COMPLETED, Event.TWO_FACTOR_FAILED} <= kinds
    text = "\n".join(all_records.lines() + [record.getMessage() for record in all_records.records]).lower()
    # Whole values only: a six-digit code can occur inside a random hex id by chance.
    assert [secret for secret in secrets if re.search(rf"(?<![\w-]){re.escape(secret.lower())}(?![\w-])", text)] == []


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_error_pages_are_generic_and_the_error_is_logged_with_its_traceback(
    client, csrf_client, all_records, security_events
):
    client.raise_request_exception = False
    pages = {
        400: client.get("/", HTTP_HOST="attacker.example"),
        403: client.get("/__test__/403/"),
        404: client.get("/no-such-page/"),
        500: client.get("/__test__/500/"),
        "csrf": csrf_client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"}),
    }
    csrf_reason = security_events.named(Event.CSRF_FAILURE)[0]["details"]["reason"]
    leaks = ("Traceback", 'File "', "Error:", "a bug, on purpose", "a refusal, on purpose", "attacker.example")
    for status, response in pages.items():
        assert response.status_code == (403 if status == "csrf" else status)
        body = response.content.decode()
        for leak in (*leaks, csrf_reason):
            assert leak not in body, (status, leak)
        for secret in (settings.SECRET_KEY, settings.MFA_ENCRYPTION_KEY):
            assert secret not in body, status
    [error] = django_request_errors(all_records)
    logged = json.loads(JsonLineFormatter().format(error))
    assert "RuntimeError: a bug, on purpose" in logged["exception"]


@pytest.mark.django_db
def test_a_form_too_large_to_validate_is_refused_and_logged(client, all_records):
    fields = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert client.post(reverse("account_login"), fields).status_code == 400
    assert [record.name for record in all_records.records if record.name.startswith("django.security.")] == [
        "django.security.TooManyFieldsSent"
    ]


@pytest.mark.django_db
def test_stored_events_are_for_superusers_only(password):
    staff = member("staff@example.com", password, is_staff=True)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": encrypt("A" * 32)})
    client = HttpsClient()
    client.post(reverse("account_login"), {"login": staff.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": code_with_time_left(pyotp.TOTP("A" * 32))})
    assert client.get(reverse("admin:index")).status_code == 200  # in the admin, verified
    assert client.get(reverse("admin:security_securityevent_changelist")).status_code == 403


@pytest.mark.django_db
def test_timestamps_are_utc_and_the_stored_copy_keeps_the_lines_own(client, security_events, all_records):
    client.get("/", HTTP_HOST="attacker.example")
    [event] = security_events.named(Event.DISALLOWED_HOST)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["ts"])
    assert SecurityEvent.objects.get(event=Event.DISALLOWED_HOST).timestamp == datetime.fromisoformat(event["ts"])
    for line in all_records.lines():  # Django's own lines too
        assert json.loads(line)["ts"].endswith("Z"), line


@pytest.fixture
def untrusted_range_server(tmp_path):
    """The breached-password range server behind TLS, with a certificate no trusted authority signed."""
    self_signed_ca(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "ca.pem", tmp_path / "key.pem")
    server = QuietServer(("127.0.0.1", 0), RangeServer)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    RangeServer.seen, RangeServer.delay = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"https://localhost:{server.server_port}"
    with override_settings(PWNED_PASSWORDS_URL=url, PWNED_PASSWORDS_TIMEOUT=2, SIGNUP_OPEN=True):
        yield tmp_path / "ca.pem"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.mark.django_db
def test_a_backend_tls_failure_is_recorded(untrusted_range_server, security_events, monkeypatch):
    assert sign_up(BREACHED).status_code == 302  # judged without the service (fail-open, by design)
    assert RangeServer.seen == []  # the handshake failed: not even the hash prefix was sent
    [event] = security_events.named(Event.BREACH_CHECK_UNAVAILABLE)
    assert event["outcome"] == "failure"
    # The same server, once its certificate is trusted, answers and the breached password is refused:
    # what failed above was the certificate check, nothing else.
    monkeypatch.setenv("SSL_CERT_FILE", str(untrusted_range_server))
    refused = sign_up(BREACHED, email="second@example.com")
    assert "data breach" in str(refused.context["form"].errors)
    assert len(RangeServer.seen) == 1
    assert len(security_events.named(Event.BREACH_CHECK_UNAVAILABLE)) == 1
