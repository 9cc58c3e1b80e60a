"""Session control (allauth.usersessions): a user sees their sessions and ends any of them; a password or
factor change ends the others; ending one, like saving users in the admin, asks for the password again."""

import pyotp
import pytest
from allauth.usersessions.models import UserSession
from conftest import HttpsClient, member, reauthenticated, signed_in, verified
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.security.events import Event


def two_devices(user):
    """The same user signed in on a laptop and a phone, each seen once by the site."""
    laptop, phone = HttpsClient(HTTP_USER_AGENT="Laptop browser"), HttpsClient(HTTP_USER_AGENT="Phone browser")
    for client, address in ((laptop, "198.51.100.1"), (phone, "198.51.100.2")):
        verified(client, user)
        assert client.get(reverse("home"), REMOTE_ADDR=address).status_code == 200
    return laptop, phone


@pytest.mark.django_db
def test_a_user_sees_each_session_with_its_device_and_address(user):
    laptop, _ = two_devices(user)
    page = laptop.get(reverse("usersessions_list"), REMOTE_ADDR="198.51.100.1").content.decode()
    for seen in ("Laptop browser", "Phone browser", "198.51.100.1", "198.51.100.2"):
        assert seen in page
    assert page.count('id="end-session-') == 1  # an End button for the other session only


@pytest.mark.django_db
def test_ending_another_session_asks_for_the_password_and_signs_it_out(user, password, security_events):
    laptop, phone = two_devices(user)
    stolen_cookie = phone.cookies["__Host-sessionid"].value
    theirs = UserSession.objects.get(user=user, user_agent="Phone browser")
    end = reverse("usersessions_end", args=[theirs.pk])
    assert laptop.post(end).headers["Location"].startswith(reverse("account_reauthenticate"))
    assert signed_in(phone)
    reauthenticated(laptop, password)
    assert laptop.post(end).headers["Location"] == reverse("usersessions_list")
    assert not signed_in(phone)
    replayed = HttpsClient()
    replayed.cookies["__Host-sessionid"] = stolen_cookie
    assert not signed_in(replayed)  # the old cookie, replayed, is anonymous too
    assert signed_in(laptop)
    assert [event["details"] for event in security_events.named(Event.SESSION_ENDED)] == [{"ended": theirs.pk}]


@pytest.mark.django_db
def test_nobody_ends_another_users_session(user, password):
    _, phone = two_devices(user)
    theirs = UserSession.objects.get(user=user, user_agent="Phone browser")
    intruder = verified(HttpsClient(), member("mallory@example.com", password))
    reauthenticated(intruder, password)
    assert intruder.post(reverse("usersessions_end", args=[theirs.pk])).status_code == 404
    assert signed_in(phone)


@pytest.mark.django_db(transaction=True)  # allauth signals a new factor when the transaction commits
def test_adding_a_factor_ends_every_other_session(password, security_events):
    user = member("ann@example.com", password)
    laptop, phone = HttpsClient(), HttpsClient()
    for client in (laptop, phone):
        client.force_login(user)
        assert signed_in(client)
    reauthenticated(laptop, password)
    secret = laptop.get(reverse("mfa_activate_totp")).context["form"].secret
    laptop.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert [event["user_id"] for event in security_events.named(Event.SESSION_ENDED)] == [user.pk]


@pytest.mark.django_db
def test_saving_a_user_in_the_admin_asks_for_the_password_again(admin_client, user):
    change = reverse("admin:accounts_user_change", args=[user.pk])
    form = {
        "email": user.email,
        "full_name": "",
        "is_active": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00",
    }
    asked = admin_client.post(change, form)
    assert asked.headers["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.get(pk=user.pk).is_active  # nothing saved yet
    # The password again, and the suspended change goes through as it was submitted.
    resumed = admin_client.post(asked.headers["Location"], {"password": "password"})
    assert resumed.status_code == 302
    assert not User.objects.get(pk=user.pk).is_active


@pytest.mark.django_db
def test_ending_all_other_sessions_at_once_asks_for_the_password_and_is_recorded(user, password, security_events):
    laptop, phone = two_devices(user)
    asked = laptop.post(reverse("usersessions_list"))
    assert asked.headers["Location"].startswith(reverse("account_reauthenticate"))
    assert signed_in(phone)
    reauthenticated(laptop, password)
    assert laptop.post(reverse("usersessions_list")).status_code == 302
    assert not signed_in(phone)
    assert signed_in(laptop)
    assert len(security_events.named(Event.SESSION_ENDED)) == 1
