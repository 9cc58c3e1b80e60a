"""Session control (allauth.usersessions): a user sees their sessions and ends any of them; a password or
factor change ends the others; ending one, like saving users in the admin, asks for the password again."""

from pathlib import Path

import pyotp
import pytest
from allauth.usersessions.models import UserSession
from django.test import override_settings
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import HttpsClient, reauthenticated, signed_in, verified
from tests.helpers.two_factor import code_with_time_left
from tests.helpers.users import member

POLICY = Path(__file__).resolve().parent.parent / "docs" / "accounts.md"


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
    laptop.post(reverse("mfa_activate_totp"), {"code": code_with_time_left(pyotp.TOTP(secret))})
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


def reauthenticate_with_a_code(client):
    code = code_with_time_left(pyotp.TOTP("A" * 32))  # from the authenticator app verified() gave the user
    response = client.post(reverse("mfa_reauthenticate"), {"code": code})
    assert response.status_code == 302, "re-authentication refused"


@pytest.mark.django_db
@pytest.mark.parametrize("factor", ["password", "authenticator app"])
def test_reauthenticating_issues_a_new_session_key_and_ends_the_old_one(user, password, factor):
    client = verified(HttpsClient(), user)
    assert signed_in(client)
    before = client.cookies["__Host-sessionid"].value
    if factor == "password":
        reauthenticated(client, password)
    else:
        reauthenticate_with_a_code(client)
    after = client.cookies["__Host-sessionid"].value
    assert after != before
    assert signed_in(client)
    # The new key carries the re-authentication: ending the other sessions is not asked for again.
    assert client.post(reverse("usersessions_list")).headers["Location"] == reverse("usersessions_list")
    stale = HttpsClient()
    stale.cookies["__Host-sessionid"] = before
    assert not signed_in(stale)
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [after]


def end_sessions_in_the_admin(admin_client, **selection):
    form = {"action": "end_sessions", **selection}
    assert admin_client.post(reverse("admin:accounts_user_changelist"), form).status_code == 302


@pytest.mark.django_db
def test_an_admin_ends_one_users_sessions_or_everyones(admin_client, admin_user, user, password, security_events):
    laptop, phone = two_devices(user)
    other = verified(HttpsClient(), member("bob@example.com", password))
    admins_other_device = verified(HttpsClient(), admin_user)
    asked = admin_client.post(reverse("admin:accounts_user_changelist"), {"action": "end_sessions"})
    assert asked.headers["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticated(admin_client, "password")
    end_sessions_in_the_admin(admin_client, _selected_action=[user.pk])
    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert signed_in(other)
    assert signed_in(admins_other_device)
    assert [event["user_id"] for event in security_events.named(Event.SESSION_ENDED)] == [user.pk, user.pk]
    end_sessions_in_the_admin(admin_client, select_across="1", _selected_action=[user.pk])  # all users
    assert not signed_in(other)
    assert not signed_in(admins_other_device)
    assert signed_in(admin_client)  # the session that did it ends when its owner signs out
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [admin_client.session.session_key]


@pytest.mark.django_db
@pytest.mark.parametrize("bulk", [False, True])
def test_deleting_a_session_in_the_admin_ends_it(admin_client, user, bulk, security_events):
    _, phone = two_devices(user)
    theirs = UserSession.objects.get(user=user, user_agent="Phone browser")
    reauthenticated(admin_client, "password")
    if bulk:
        form = {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"}
        response = admin_client.post(reverse("admin:usersessions_usersession_changelist"), form)
    else:
        response = admin_client.post(
            reverse("admin:usersessions_usersession_delete", args=[theirs.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not UserSession.objects.filter(pk=theirs.pk).exists()
    assert not signed_in(phone)
    assert [event["details"] for event in security_events.named(Event.SESSION_ENDED)] == [{"ended": theirs.pk}]


@pytest.mark.django_db
@override_settings(MFA_REQUIRED_FOR="staff")  # so a member signs in with the password alone, on each device
def test_parallel_sign_ins_all_stay_valid_and_listed(user, password):
    assert "Parallel sessions per account: **no limit**" in POLICY.read_text()
    devices = [HttpsClient(HTTP_USER_AGENT=f"Device {number}") for number in range(8)]
    for device in devices:
        assert device.post(reverse("account_login"), {"login": user.email, "password": password}).status_code == 302
    assert all(signed_in(device) for device in devices)  # no sign-in ended an earlier one
    listed = devices[-1].get(reverse("usersessions_list")).content.decode()
    assert [device for device in range(8) if f"Device {device}" not in listed] == []
