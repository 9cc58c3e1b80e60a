"""A user who lost every factor gets back in by proving what enrolment proved: staff remove the factors
with the users' admin action (after the password again), the address becomes unverified, and the next
sign-in needs the password and a code mailed to the address before a new factor is set up."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import HttpsClient, reauthenticated, signed_in, verified
from tests.helpers.two_factor import reset_in_the_admin

pytestmark = pytest.mark.django_db
CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.MULTILINE)


def test_recovery_asks_for_the_password_and_the_mailbox_again(
    admin_client, user, password, mailoutbox, security_events
):
    phone = verified(HttpsClient(), user)
    assert phone.get(reverse("home")).status_code == 200  # a session the site has seen
    assert Authenticator.objects.filter(user=user).exists()
    assert reset_in_the_admin(admin_client, user).headers["Location"].startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=user).exists()  # nothing happens before the password again
    reauthenticated(admin_client, "password")
    assert reset_in_the_admin(admin_client, user).status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert not signed_in(phone)  # whoever held a session of theirs is out
    (event,) = security_events.named(Event.TWO_FACTOR_REMOVED)
    assert event["details"]["target_user_id"] == user.pk
    # The password alone no longer signs in: a code goes to the address first.
    client = HttpsClient()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    assert not signed_in(client)
    assert mailoutbox[-1].to == [user.email]
    code = CODE.search(mailoutbox[-1].body).group(1)
    client.post(reverse("account_email_verification_sent"), {"code": code})
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_factors_have_no_admin_page_to_edit_or_delete_them_one_by_one():
    assert not admin.site.is_registered(Authenticator)
    with pytest.raises(NoReverseMatch):
        reverse("admin:mfa_authenticator_changelist")
