"""Sessions end on the server after 30 idle minutes and 12 hours after sign-in, however active; the
clock is moved by rewriting the session's timestamps, as that much time passing would leave them."""

import time

import pytest
from django.urls import reverse

from config.settings import security

from {{ cookiecutter.project_slug }}.accounts.session_lifetime import SEEN, STARTED
from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import signed_in

pytestmark = pytest.mark.django_db


def sign_in(client, user, password):
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert "_auth_user_id" in client.session


def age(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"started": STARTED, "seen": SEEN}[key]] = time.time() - ago
    session.save()


def test_sign_in_stamps_the_session(client, user, password):
    before = time.time()
    sign_in(client, user, password)
    assert before <= client.session[STARTED] == client.session[SEEN] <= time.time()


def test_an_idle_session_ends(client, user, password, security_events):
    sign_in(client, user, password)
    cookie = client.cookies["__Host-sessionid"].value
    age(client, seen=security.SESSION_IDLE_TIMEOUT + 1)
    assert not signed_in(client)
    assert [event["details"] for event in security_events.named(Event.SESSION_EXPIRED)] == [{"reason": "idle"}]
    client.cookies["__Host-sessionid"] = cookie  # the old cookie, sent again
    assert not signed_in(client)


def test_activity_keeps_a_session_alive_until_its_absolute_end(client, user, password, security_events):
    sign_in(client, user, password)
    age(client, started=security.SESSION_ABSOLUTE_LIFETIME - 60, seen=security.SESSION_IDLE_TIMEOUT - 60)
    assert signed_in(client)
    assert time.time() - client.session[SEEN] < 5  # this request counted as activity
    age(client, started=security.SESSION_ABSOLUTE_LIFETIME + 1)
    assert not signed_in(client)
    assert [event["details"] for event in security_events.named(Event.SESSION_EXPIRED)] == [{"reason": "lifetime"}]


def test_last_seen_is_written_at_most_once_a_minute(client, user, password):
    sign_in(client, user, password)
    age(client, seen=30)
    stamped = client.session[SEEN]
    assert signed_in(client)
    assert client.session[SEEN] == stamped
