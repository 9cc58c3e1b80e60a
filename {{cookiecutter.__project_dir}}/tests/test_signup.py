"""Sign-up (allauth) through the real pages: a verified address before the first login, the same
answer for a new and an existing address, rate limits, and the closed mode."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import override_settings
from django.urls import reverse

from config.settings import security

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import HttpsClient, reauthenticated, verified
from tests.helpers.rate_limits import allowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_signup")]


CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.MULTILINE)  # allauth's default code format


def sign_up(client, email, password, **extra):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}, **extra
    )


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def enter_code(client, code):
    return client.post(reverse("account_email_verification_sent"), {"code": code})


def test_sign_up_needs_the_address_verified_before_the_first_login(client, password, mailoutbox, security_events):
    response = sign_up(client, "New.Person@Example.com", password)
    assert (response.status_code, response.headers["Location"]) == (302, reverse("account_email_verification_sent"))
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="new.person@example.com")
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()
    (mail,) = mailoutbox
    assert mail.to == ["new.person@example.com"]
    assert f"Hello from {settings.SITE_NAME}!" in mail.body  # the site's name (SITE_ID), not the request's Host
    code = CODE.search(mail.body).group(1)
    # The password alone does not sign in, from this browser or another one.
    elsewhere = HttpsClient()
    assert login(elsewhere, user.email, password).status_code == 200  # refused: a new code only after 3 minutes
    assert "_auth_user_id" not in elsewhere.session
    # The code counts only in the browser that asked for it, and only a few wrong guesses are allowed.
    assert "_auth_user_id" not in enter_code(HttpsClient(), code).wsgi_request.session
    assert enter_code(client, "AAAA-AAAA").status_code == 200
    assert enter_code(client, code).headers["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified
    for event in (Event.SIGNED_UP, Event.EMAIL_CONFIRMED, Event.LOGIN_SUCCEEDED):
        assert [found["user_id"] for found in security_events.named(event)] == [user.pk], event


def test_a_verification_code_gives_way_after_three_wrong_guesses(client, password, mailoutbox):
    sign_up(client, "guessed@example.com", password)
    code = CODE.search(mailoutbox[0].body).group(1)
    for _ in range(security.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS):
        enter_code(client, "AAAA-AAAA")
    enter_code(client, code)  # the right code, too late
    assert "_auth_user_id" not in client.session
    assert not EmailAddress.objects.filter(email="guessed@example.com", verified=True).exists()


@pytest.mark.parametrize("late", [False, True])
def test_a_mailed_code_lasts_ten_minutes_at_most_and_opens_once(client, password, mailoutbox, monkeypatch, late):
    lifetime = security.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT
    assert lifetime <= 10 * 60
    sign_up(client, "slow@example.com", password)
    code = CODE.search(mailoutbox[0].body).group(1)
    sent, real_time = time.time(), time.time
    entered = sent + lifetime + (1 if late else -5)
    monkeypatch.setattr(time, "time", lambda: entered + real_time() - sent)
    enter_code(client, code)
    assert ("_auth_user_id" in client.session) is not late
    assert EmailAddress.objects.filter(email="slow@example.com", verified=True).exists() is not late
    client.logout()
    enter_code(client, code)  # once more, by anyone holding the mail
    assert "_auth_user_id" not in client.session


def test_signing_up_with_a_known_address_looks_the_same_and_tells_the_owner(user, password, mailoutbox):
    new = sign_up(HttpsClient(), "stranger@example.com", password, REMOTE_ADDR="192.0.2.1")
    known = sign_up(HttpsClient(), user.email.upper(), password, REMOTE_ADDR="192.0.2.2")
    assert (known.status_code, known.headers["Location"]) == (new.status_code, new.headers["Location"])
    assert User.objects.filter(email=user.email).count() == 1
    assert [mail.to for mail in mailoutbox] == [["stranger@example.com"], [user.email]]
    assert not CODE.search(mailoutbox[1].body)  # the owner is told, and given no code to enter
    assert "/accounts/password/reset/" in mailoutbox[1].body


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting the passwords it hashes."""

    hashed = []

    def encode(self, password, salt):
        self.hashed.append(password)
        return super().encode(password, salt)


def test_a_known_address_costs_the_same_password_hash_as_a_new_one(settings, user, password):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    for n, email in enumerate(["stranger@example.com", user.email]):
        CountingHasher.hashed.clear()
        assert sign_up(HttpsClient(), email, password, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 302
        assert CountingHasher.hashed == [password], email


def test_sign_up_is_rate_limited_per_client(password):
    limit = allowed("signup", "ip")
    # Each from a new browser session (one session holds one sign-up waiting for its code).
    statuses = [sign_up(HttpsClient(), f"user{n}@example.com", password).status_code for n in range(limit + 1)]
    assert statuses == [302] * limit + [429]
    assert User.objects.count() == limit


def test_sign_up_is_rate_limited_per_address(password):
    limit = allowed("confirm_email", "key")  # each sign-up sends a code to the address
    statuses = [
        sign_up(
            HttpsClient(), "Target@Example.com" if n % 2 else "target@example.com", password, REMOTE_ADDR=f"192.0.2.{n}"
        )
        for n in range(1, limit + 2)
    ]
    assert [response.status_code for response in statuses] == [302] * limit + [429]
    assert int(statuses[-1].headers["Retry-After"]) > 0


def header(response):
    return response.content.decode().split("<main>")[0]


@override_settings(SIGNUP_OPEN=False)
def test_closed_sign_up_says_so_and_creates_nobody(client, password):
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "Sign Up Closed" in page.content.decode()
    sign_up(client, "new@example.com", password)
    assert not User.objects.filter(email="new@example.com").exists()
    assert 'href="/accounts/signup/"' not in header(client.get(reverse("home")))


def test_open_sign_up_is_linked_from_every_page(client):
    assert 'href="/accounts/signup/"' in header(client.get(reverse("home")))


def test_an_email_change_is_verified_first_and_the_old_address_is_told(
    client, user, password, mailoutbox, security_events
):
    verified(client, user)  # with a second factor: allauth allows the change only with a code
    asked = client.post(reverse("account_email"), {"action_add": "", "email": "ann.new@example.com"})
    assert asked.headers["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticated(client, password)
    client.post(reverse("account_email"), {"action_add": "", "email": "ann.new@example.com"})
    user.refresh_from_db()
    assert user.email == "ann@example.com"  # unchanged until the new address is proven
    (verification,) = mailoutbox
    assert verification.to == ["ann.new@example.com"]
    enter_code(client, CODE.search(verification.body).group(1))
    user.refresh_from_db()
    assert user.email == "ann.new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["ann.new@example.com"]
    notice = mailoutbox[-1]
    assert notice.to == ["ann@example.com"]
    assert "ann.new@example.com" in notice.body
    assert [event["user_id"] for event in security_events.named(Event.EMAIL_CHANGED)] == [user.pk]
    assert "ann.new" not in str(security_events.all())  # addresses stay out of the log


def test_sign_up_and_reset_answer_no_sooner_than_the_floor(settings, user, password):
    settings.ACCOUNT_ANSWER_FLOOR = 0.2  # production's 0.4 s, shortened; equal medians: the template's live tests
    for url, fields in [
        (reverse("account_signup"), {"email": user.email, "password1": password, "password2": password}),
        (reverse("account_reset_password"), {"email": "nobody@example.com"}),
    ]:
        started = time.monotonic()
        assert HttpsClient().post(url, fields).status_code == 302
        assert time.monotonic() - started >= 0.2, url
