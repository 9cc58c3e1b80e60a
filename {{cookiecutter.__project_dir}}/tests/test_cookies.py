"""Cookie flags observed on a real login, with CSRF checks enforced as in a browser."""

import itertools
import re

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.helpers.clients import verified

SAME_ORIGIN = "https://testserver"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def login_page_token(client):
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    return CSRF_INPUT.search(page.content.decode()).group(1), page


def assert_host_prefixed(cookie):
    # __Host- cookies must be Secure, Path=/ and carry no Domain, or the browser drops them.
    assert cookie.key.startswith("__Host-")
    assert cookie["secure"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_login_sets_hardened_session_and_csrf_cookies(csrf_client, user, password):
    token, page = login_page_token(csrf_client)
    assert_host_prefixed(page.cookies["__Host-csrftoken"])

    response = csrf_client.post(
        reverse("account_login"),
        {"login": user.email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Origin": SAME_ORIGIN},  # browsers send Origin on every POST
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert_host_prefixed(session)
    # A browser-session cookie (no "remember me"), gone when the browser closes; the server forgets
    # the session after 12 hours whatever the browser keeps.
    assert (session["max-age"], session["expires"]) == ("", "")
    stored = Session.objects.get(session_key=session.value)
    assert abs((stored.expire_date - timezone.now()).total_seconds() - 12 * 60 * 60) < 60


def test_login_without_csrf_token_is_refused(csrf_client, user, password):
    login_page_token(csrf_client)  # the CSRF cookie alone is not enough
    response = csrf_client.post(
        reverse("account_login"), {"login": user.email, "password": password}, headers={"Origin": SAME_ORIGIN}
    )
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert "__Host-sessionid" not in response.cookies


def test_login_posted_from_another_origin_is_refused(csrf_client, user, password):
    token, _ = login_page_token(csrf_client)  # even with a valid token
    response = csrf_client.post(
        reverse("account_login"),
        {"login": user.email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Origin": "https://attacker.example"},
    )
    assert response.status_code == 403
    assert "__Host-sessionid" not in response.cookies


def test_the_session_id_travels_only_in_set_cookie(client, user, password):
    login = client.post(reverse("account_login"), {"login": user.email, "password": password})
    session_id = login.cookies["__Host-sessionid"].value
    verified(client, user)  # the signed-in pages, second factor included
    session_id_now = client.cookies["__Host-sessionid"].value
    responses = [login]
    for name in ("home", "documents:list", "documents:create", "usersessions_list", "mfa_index", "account_email"):
        responses.append(client.get(reverse(name)))
    responses.append(client.get("/no-such-page/"))
    responses.append(client.post(reverse("account_logout")))
    for response, session_key in itertools.product(responses, {session_id, session_id_now}):
        page = response.request["PATH_INFO"]
        assert session_key not in response.content.decode(), page
        assert [name for name, value in response.headers.items() if session_key in value] in ([], ["Set-Cookie"]), page
