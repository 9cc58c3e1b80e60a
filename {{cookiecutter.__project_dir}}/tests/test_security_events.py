"""The security event log: each event comes exactly once from the real flow that causes it, with
every field present and typed, and nothing secret in it."""

import json
import logging
import re
from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from config.settings import security

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.audit.events import Event
from {{ cookiecutter.project_slug }}.audit.log_format import JsonLineFormatter
from {{ cookiecutter.project_slug }}.audit.models import SecurityEvent
from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import reauthenticated, verified
from tests.helpers.logs import ALL_LOG_OUTPUT, SECRETS_USED
from tests.helpers.rate_limits import allowed
from tests.helpers.two_factor import code_with_time_left
from tests.helpers.users import member

pytestmark = pytest.mark.django_db
FIELDS = {"ts", "event", "outcome", "user_id", "client_ip", "request_id", "method", "path", "user_agent", "details"}
CLIENT = "203.0.113.9"


def assert_well_formed(payload):
    assert set(payload) == FIELDS
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", payload["ts"])
    assert payload["event"] in {str(event) for event in Event}
    assert payload["outcome"] in {"success", "failure", "denied"}
    assert payload["user_id"] is None or isinstance(payload["user_id"], int)
    for name in ("client_ip", "request_id", "method", "path", "user_agent"):
        assert payload[name] is None or isinstance(payload[name], str), name
    assert isinstance(payload["details"], dict)
    json.dumps(payload)  # one JSON line


def only(security_events, event):
    """The one event of this type (exactly once), checked for shape."""
    found = security_events.named(event)
    assert len(found) == 1, [e["event"] for e in security_events.all()]
    assert_well_formed(found[0])
    return found[0]


def login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=CLIENT, **extra)


def test_login_success_and_logout(client, user, password, security_events):
    login(client, user.email, password)
    event = only(security_events, Event.LOGIN_SUCCEEDED)
    assert (event["user_id"], event["client_ip"], event["method"], event["path"]) == (
        user.pk,
        CLIENT,
        "POST",
        "/accounts/login/",
    )
    client.post(reverse("account_logout"), REMOTE_ADDR=CLIENT)
    assert only(security_events, Event.LOGOUT)["user_id"] == user.pk


def test_failed_login_names_only_an_existing_account(client, user, password, security_events):
    login(client, user.email, "wrong-" + password)
    known = only(security_events, Event.LOGIN_FAILED)
    assert (known["user_id"], known["details"]) == (user.pk, {})
    login(client, "nobody@example.com", "x")
    unknown = security_events.named(Event.LOGIN_FAILED)[1]
    assert unknown["user_id"] is None
    assert re.fullmatch(r"[0-9a-f]{16}", unknown["details"]["username_hash"])
    assert "nobody" not in json.dumps(unknown)
    # A password typed into the address field is not an address: the form refuses it before any
    # login attempt, and it reaches no log (the suite's secret check reads every line).
    typed = "my-password-typed-in-the-wrong-field"
    SECRETS_USED.add(typed)
    assert login(client, typed, "x").status_code == 200
    assert len(security_events.named(Event.LOGIN_FAILED)) == 2


def test_lockout_and_throttling(client, user, security_events):
    for _ in range(security.AXES_FAILURE_LIMIT):
        login(client, user.email, "wrong guess")
    lockout = only(security_events, Event.LOCKOUT)
    assert lockout["user_id"] == user.pk
    assert only(security_events, Event.THROTTLED)["details"] == {"reason": "lockout"}
    assert len(security_events.named(Event.LOGIN_FAILED)) == security.AXES_FAILURE_LIMIT


def test_rate_limit_is_recorded_once_per_client_and_minute(client, security_events):
    limit = allowed("login", "ip")
    for n in range(limit + 5):  # five refusals, one event: a flood does not flood the log
        login(client, f"u{n}@example.com", "guess")
    assert only(security_events, Event.THROTTLED)["details"] == {"reason": "rate_limit"}
    client.post(reverse("account_login"), {"login": "x@example.com", "password": "guess"}, REMOTE_ADDR="198.51.100.1")
    assert len(security_events.named(Event.THROTTLED)) == 1  # that client is not throttled
    for n in range(limit + 1):
        client.post(
            reverse("account_login"), {"login": f"v{n}@example.com", "password": "g"}, REMOTE_ADDR="198.51.100.2"
        )
    assert len(security_events.named(Event.THROTTLED)) == 2  # another throttled client: its own event


def test_permission_denied(client, password, security_events):
    editor = member("editor@example.com", password)
    editor.groups.add(Group.objects.get(name="Editors"))
    theirs = Document.objects.create(title="Theirs", owner=User.objects.create_user(email="owner@example.com"))
    verified(client, editor)
    assert client.get(reverse("documents:update", args=[theirs.pk])).status_code == 403
    event = only(security_events, Event.PERMISSION_DENIED)
    assert (event["user_id"], event["details"]) == (editor.pk, {"view": "documents:update"})


def test_csrf_failure(csrf_client, security_events):
    login_form = {"login": "a@example.com", "password": "x"}
    csrf_client.post(reverse("account_login"), login_form, headers={"Origin": "https://testserver"})
    assert only(security_events, Event.CSRF_FAILURE)["details"] == {"reason": "CSRF cookie not set."}


def test_disallowed_host(client, security_events):
    assert client.get("/", HTTP_HOST="attacker.example").status_code == 400
    assert only(security_events, Event.DISALLOWED_HOST)["details"] == {"host": "attacker.example"}


def test_password_change_and_reset(client, user, password, security_events, mailoutbox):
    verified(client, user)
    new = password + "-2"
    SECRETS_USED.add(new)
    client.post(reverse("account_change_password"), {"oldpassword": password, "password1": new, "password2": new})
    assert only(security_events, Event.PASSWORD_CHANGED)["user_id"] == user.pk
    client.logout()
    mailoutbox.clear()
    client.post(reverse("account_reset_password"), {"email": user.email.upper()})
    assert only(security_events, Event.PASSWORD_RESET_REQUESTED)["user_id"] == user.pk
    link = re.search(r"https://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link).headers["Location"]
    final = password + "-3"
    SECRETS_USED.add(final)
    client.post(form_url, {"password1": final, "password2": final})
    assert only(security_events, Event.PASSWORD_RESET_COMPLETED)["user_id"] == user.pk
    assert link.rsplit("/", 2)[1] not in "\n".join(ALL_LOG_OUTPUT)  # the reset token


def test_reset_request_for_an_unknown_address_is_recorded_without_the_address(client, security_events):
    client.post(reverse("account_reset_password"), {"email": "Nobody@Example.com"})
    event = only(security_events, Event.PASSWORD_RESET_REQUESTED)
    assert event["user_id"] is None
    assert "nobody" not in json.dumps(event).lower()


@pytest.mark.django_db(transaction=True)  # allauth signals a new factor when the transaction commits
def test_two_factor_and_reauthentication_events(client, password, security_events, next_code):
    staff = member("staff@example.com", password, is_staff=True)
    login(client, staff.email, password)
    reauthenticated(client, password)
    assert only(security_events, Event.REAUTHENTICATED)["details"] == {"method": "password"}
    app = pyotp.TOTP(client.get(reverse("mfa_activate_totp")).context["form"].secret)
    client.post(reverse("mfa_activate_totp"), {"code": code_with_time_left(app)})
    factors = [event["details"]["factor"] for event in security_events.named(Event.TWO_FACTOR_ENROLLED)]
    assert factors == ["totp"]
    SECRETS_USED.update([app.now(), app.secret])
    client.logout()
    login(client, staff.email, password)
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    failed = only(security_events, Event.TWO_FACTOR_FAILED)
    assert (failed["user_id"], failed["details"]) == (staff.pk, {"factor": "totp"})
    code = next_code(app)
    SECRETS_USED.add(code)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert security_events.named(Event.LOGIN_SUCCEEDED)[-1]["details"] == {"steps": ["password", "totp"]}
    reauthenticated(client, password)
    client.post(reverse("mfa_deactivate_totp"))
    removed = [event["details"]["factor"] for event in security_events.named(Event.TWO_FACTOR_REMOVED)]
    assert removed == ["totp"]


def test_group_permission_and_privilege_changes(user, security_events):
    editors = Group.objects.get(name="Editors")
    user.groups.add(editors)
    assert only(security_events, Event.GROUPS_CHANGED)["details"] == {
        "target_user_id": user.pk,
        "change": "added",
        "group_ids": [str(editors.pk)],
    }
    editors.user_set.remove(user)  # from the group's side
    assert security_events.named(Event.GROUPS_CHANGED)[1]["details"]["change"] == "removed"
    user.user_permissions.add(editors.permissions.first())
    assert only(security_events, Event.PERMISSIONS_CHANGED)["details"]["target_user_id"] == user.pk
    user.is_staff = True
    user.save()
    assert only(security_events, Event.PRIVILEGE_CHANGED)["details"] == {
        "target_user_id": user.pk,
        "is_staff": {"from": False, "to": True},
    }
    user.full_name = "Ann"
    user.save()  # no privilege changed: no event
    assert len(security_events.named(Event.PRIVILEGE_CHANGED)) == 1


def test_request_id_is_echoed_and_recorded(client, user, password, security_events):
    response = login(client, user.email, password, HTTP_X_REQUEST_ID="edge-7f3a9c.1")
    assert response.headers["X-Request-ID"] == "edge-7f3a9c.1"
    assert only(security_events, Event.LOGIN_SUCCEEDED)["request_id"] == "edge-7f3a9c.1"
    for hostile in ("has spaces", "x" * 65, "new\nline", ""):
        generated = client.get("/", HTTP_X_REQUEST_ID=hostile).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated)


def test_forged_forwarded_for_is_not_the_logged_address(client, user, password, security_events):
    login(client, user.email, password, HTTP_X_FORWARDED_FOR="10.66.66.66")
    assert only(security_events, Event.LOGIN_SUCCEEDED)["client_ip"] == CLIENT


def test_log_lines_are_json_with_the_event_fields(client, user, password, security_events):
    login(client, user.email, password)
    record = security_events.collector.records[-1]
    line = JsonLineFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == only(security_events, Event.LOGIN_SUCCEEDED)
    other = logging.LogRecord("django", logging.WARNING, __file__, 1, "plain %s", ("message",), None)
    assert json.loads(JsonLineFormatter().format(other))["message"] == "plain message"


def test_events_are_stored_read_only_and_pruned(client, user, password, admin_client):
    login(client, user.email, password)
    stored = SecurityEvent.objects.get(event=Event.LOGIN_SUCCEEDED, user_id=user.pk)
    assert str(stored.client_ip) == CLIENT
    assert admin_client.get(reverse("admin:security_securityevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:security_securityevent_add")).status_code == 403
    change = reverse("admin:security_securityevent_change", args=[stored.pk])
    assert admin_client.post(change, {"event": "tampered"}).status_code == 403
    assert admin_client.post(reverse("admin:security_securityevent_delete", args=[stored.pk])).status_code == 403
    old = timezone.now() - timedelta(days=security.SECURITY_EVENTS_RETENTION_DAYS + 1)
    SecurityEvent.objects.filter(pk=stored.pk).update(timestamp=old)
    call_command("prune_security_events")
    assert not SecurityEvent.objects.filter(pk=stored.pk).exists()
    assert SecurityEvent.objects.exists()  # recent events stay
    with pytest.raises(CommandError):
        call_command("prune_security_events", "--days", "0")


def test_the_transcript_behind_the_secret_check_sees_security_events(client, user, password):
    before = len(ALL_LOG_OUTPUT)
    login(client, user.email, password)
    assert any('"event": "login.succeeded"' in line for line in ALL_LOG_OUTPUT[before:])
