"""Two-factor authentication through the real pages, with real codes computed by pyotp."""

import re
import time

import pyotp
import pytest
from asgiref.sync import async_to_sync
from conftest import fresh_rate_window
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.twofactor.middleware import TwoFactorMiddleware
from {{ cookiecutter.project_slug }}.twofactor.models import RecoveryCode, RecoveryCodeDevice, TOTPDevice

SECRET_ON_PAGE = re.compile(r"data-secret>([A-Z2-7 ]+)<")
CODE_ON_PAGE = re.compile(r"data-recovery-code>([a-z2-9-]+)<")


@pytest.fixture
def staff(db, password):
    return User.objects.create_user(email="staff@example.com", password=password, is_staff=True)


def sign_in(client, user, password):
    response = client.post(reverse("login"), {"username": user.email, "password": password})
    assert response.status_code == 302
    return response


def enrol(client):
    """Scan the page's secret like an app would, answer with the current code; returns (totp, codes)."""
    page = client.get(reverse("twofactor:enrol")).content.decode()
    assert "<svg" in page  # the QR code, drawn on the server
    totp = pyotp.TOTP(SECRET_ON_PAGE.search(page).group(1).replace(" ", ""))
    client.enrolment_code = totp.now()  # kept, so a test can replay exactly this code
    response = client.post(reverse("twofactor:enrol"), {"code": client.enrolment_code})
    assert response.status_code == 200
    codes = CODE_ON_PAGE.findall(response.content.decode())
    assert len(codes) == RecoveryCodeDevice.COUNT
    return totp, codes


def sign_in_again(client, user, password):
    """A new sign-in with the password: the session now waits for the second factor."""
    client.logout()
    sign_in(client, user, password)


def enrolled_and_signed_in_again(client, user, password):
    sign_in(client, user, password)
    totp, codes = enrol(client)
    sign_in_again(client, user, password)
    return totp, codes


def code_step(client, code, next_url="/"):
    return client.post(reverse("twofactor:verify"), {"code": code, "next": next_url})


def next_code(totp, steps=1):
    return totp.at(time.time() + steps * 30)


def unthrottle(user):
    """Let the back-off expire, as if its seconds had passed."""
    past = timezone.now() - timezone.timedelta(hours=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)
    RecoveryCodeDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)


@pytest.mark.django_db
def test_staff_without_a_device_is_sent_to_enrolment_and_kept_out_of_the_admin(client, staff, password):
    sign_in(client, staff, password)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("twofactor:enrol") + "?next=%2Fadmin-test%2F"
    assert client.get(reverse("documents:list")).headers["Location"].startswith(reverse("twofactor:enrol"))


@pytest.mark.django_db
def test_enrolment_needs_a_valid_code_then_opens_the_admin(client, staff, password):
    sign_in(client, staff, password)
    page = client.get(reverse("twofactor:enrol")).content.decode()
    secret = SECRET_ON_PAGE.search(page).group(1).replace(" ", "")
    assert client.post(reverse("twofactor:enrol"), {"code": "000000"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    unthrottle(staff)
    response = client.post(reverse("twofactor:enrol"), {"code": pyotp.TOTP(secret).now()})
    assert len(CODE_ON_PAGE.findall(response.content.decode())) == RecoveryCodeDevice.COUNT
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_password_then_code_with_a_wrong_code_refused_and_throttled(client, staff, password):
    totp, _ = enrolled_and_signed_in_again(client, staff, password)
    assert client.get(reverse("admin:index")).headers["Location"].startswith(reverse("twofactor:verify"))
    wrong = code_step(client, "123456" if totp.now() != "123456" else "654321")
    assert wrong.status_code == 200
    assert b"not valid" in wrong.content
    # Right code at once after a wrong one: the device's back-off refuses it without comparing.
    throttled = code_step(client, next_code(totp))
    assert b"Too many wrong codes" in throttled.content
    unthrottle(staff)
    assert code_step(client, next_code(totp), "/admin-test/").headers["Location"] == "/admin-test/"
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_a_code_cannot_be_replayed(client, staff, password):
    totp, _ = enrolled_and_signed_in_again(client, staff, password)
    replay = code_step(client, client.enrolment_code)
    assert b"already used" in replay.content
    unthrottle(staff)
    later = next_code(totp)
    assert code_step(client, later).status_code == 302
    sign_in_again(client, staff, password)
    unthrottle(staff)
    assert b"already used" in code_step(client, later).content  # the same code again


@pytest.mark.django_db
def test_recovery_codes_work_once_each_and_are_stored_hashed(client, staff, password):
    sign_in(client, staff, password)
    _, codes = enrol(client)
    stored = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == len(codes)
    assert not {code.replace("-", "") for code in codes} & set(stored)
    assert all(code.replace("-", "") not in digest for code in codes for digest in stored)
    sign_in_again(client, staff, password)
    response = code_step(client, codes[0].upper())  # typed in capitals: still the same code
    assert response.status_code == 302
    assert RecoveryCode.objects.count() == len(codes) - 1
    sign_in_again(client, staff, password)
    unthrottle(staff)
    assert b"already used" in code_step(client, codes[0]).content


@pytest.mark.django_db
def test_admin_login_has_no_side_door(client, staff, password):
    response = client.get(reverse("admin:login") + "?next=/admin-test/")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("login") + "?next=/admin-test/"
    # Posting credentials to the admin login does not sign anyone in.
    client.post(reverse("admin:login"), {"username": staff.email, "password": password})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_secret_is_unreadable_in_the_database_without_the_key(client, staff, password):
    sign_in(client, staff, password)
    totp, _ = enrol(client)
    device = TOTPDevice.objects.get(user=staff)
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_key FROM twofactor_totpdevice WHERE id = %s", [device.pk])
        (stored,) = cursor.fetchone()
    assert totp.secret not in stored
    assert device.secret.hex() not in stored
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(stored.encode())


@pytest.mark.django_db
def test_code_attempts_are_rate_limited(client, staff, password):
    enrolled_and_signed_in_again(client, staff, password)
    limit = int(settings.RATELIMIT_OTP_PER_USER.split("/")[0])
    fresh_rate_window(staff.pk, "127.0.0.1")
    statuses = [code_step(client, "000000").status_code for _ in range(limit + 1)]
    assert statuses == [200] * limit + [429]


@pytest.mark.django_db
def test_recovery_codes_are_regenerated_only_with_a_fresh_code(client, staff, password):
    sign_in(client, staff, password)
    totp, old_codes = enrol(client)
    refused = client.post(reverse("twofactor:regenerate_codes"), {"code": "000000"}, follow=True)
    assert b"Recovery codes unchanged" in refused.content
    unthrottle(staff)
    response = client.post(reverse("twofactor:regenerate_codes"), {"code": next_code(totp)})
    new_codes = CODE_ON_PAGE.findall(response.content.decode())
    assert len(new_codes) == RecoveryCodeDevice.COUNT
    assert not set(new_codes) & set(old_codes)
    sign_in_again(client, staff, password)
    unthrottle(staff)
    assert b"already used" in code_step(client, old_codes[1]).content  # old codes are gone


@pytest.mark.django_db
def test_removing_a_device_needs_the_password(client, staff, password):
    sign_in(client, staff, password)
    enrol(client)
    device = TOTPDevice.objects.get(user=staff)
    url = reverse("twofactor:remove_device", args=[device.pk])
    client.post(url, {"password": "not-" + password})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    response = client.post(url, {"password": password})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not RecoveryCodeDevice.objects.filter(user=staff).exists()
    # The confirmation is kept in the session, not in a client-readable `messages` cookie.
    assert set(response.cookies) <= {"__Host-sessionid", "__Host-csrftoken"}
    assert "Authenticator app removed." in client.session["_messages"]
    # Staff without a device are sent back to enrolment.
    assert client.get(reverse("home")).headers["Location"].startswith(reverse("twofactor:enrol"))


@pytest.mark.django_db
def test_another_users_device_cannot_be_removed(client, staff, password):
    other = User.objects.create_user(email="other@example.com", password=password)
    theirs = TOTPDevice.start_enrolment(other)
    TOTPDevice.objects.filter(pk=theirs.pk).update(confirmed=True)
    sign_in(client, staff, password)
    enrol(client)
    response = client.post(reverse("twofactor:remove_device", args=[theirs.pk]), {"password": password})
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["staff", "everyone"])
def test_who_must_enrol(client, password, mode):
    member = User.objects.create_user(email="member@example.com", password=password)
    with override_settings(TWO_FACTOR_REQUIRED_FOR=mode):
        sign_in(client, member, password)
        response = client.get(reverse("home"))
        if mode == "everyone":
            assert response.headers["Location"].startswith(reverse("twofactor:enrol"))
        else:
            assert response.status_code == 200
            # Optional for them, but once enrolled, their next sign-in needs the code too.
            enrol(client)
            sign_in_again(client, member, password)
            assert client.get(reverse("home")).headers["Location"].startswith(reverse("twofactor:verify"))


@pytest.mark.django_db
def test_next_cannot_send_the_user_to_another_site(client, staff, password):
    totp, _ = enrolled_and_signed_in_again(client, staff, password)
    response = code_step(client, next_code(totp), "https://attacker.example/")
    assert response.headers["Location"] == "/"


def users_seen_by_a_view(request):
    """request.user and request.auser() as a view behind the session, auth and two-factor layers sees them."""
    seen = {}

    def view(request):
        seen["user"], seen["auser"] = request.user, async_to_sync(request.auser)()
        return HttpResponse()

    SessionMiddleware(AuthenticationMiddleware(TwoFactorMiddleware(view)))(request)
    return seen["user"], seen["auser"]


@pytest.mark.django_db
def test_a_visitor_without_a_session_is_the_same_unverified_anonymous_user_as_with_one(rf):
    # No session cookie: the layer's own shortcut. An unknown session cookie: django-otp's lazy path.
    shortcut = users_seen_by_a_view(rf.get("/"))
    rf.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    lazy = users_seen_by_a_view(rf.get("/"))
    for user in (*shortcut, *lazy):
        assert user.is_anonymous
        assert not user.is_authenticated
        assert user.otp_device is None
        assert user.is_verified() is False
    assert shortcut[0] is shortcut[1]  # one user per request, whichever way the view asks
