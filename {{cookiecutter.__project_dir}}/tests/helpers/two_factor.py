"""Adding a second factor and signing in with it, through the real pages, with real codes from pyotp."""

import time

import pyotp
import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from tests.helpers.clients import reauthenticated, sign_in

# allauth sends its "factor added" signal when the transaction commits: the tests that add a factor
# run with real commits, as production does.
COMMITTING = pytest.mark.django_db(transaction=True)


def enrol(client, password):
    """Add an authenticator app as the user does: password again, scan the secret, answer with a code.
    Returns the app (pyotp)."""
    reauthenticated(client, password)
    page = client.get(reverse("mfa_activate_totp"))
    assert b"<svg" in page.content  # the QR code, drawn on the server
    totp = pyotp.TOTP(page.context["form"].secret)
    client.enrolment_code = code_with_time_left(totp)  # kept, so a test can replay exactly this code
    response = client.post(reverse("mfa_activate_totp"), {"code": client.enrolment_code})
    assert (response.status_code, response.headers["Location"]) == (302, reverse("mfa_index"))
    return totp


def code_with_time_left(totp, seconds=3):
    """The app's current code, taken with at least `seconds` of its 30-second step left: the site accepts
    a code only during its own step (MFA_TOTP_TOLERANCE 0), so one read at a step's end would fail."""
    while totp.interval - time.time() % totp.interval < seconds:
        time.sleep(0.25)
    return totp.now()


def sign_in_again(client, user, password, next_url=None):
    """A new sign-in with the password: the session now waits for the second factor."""
    client.logout()
    response = sign_in(client, user, password, next_url)
    assert response.headers["Location"] == reverse("mfa_authenticate")


def code_step(client, code):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def new_key():
    return Fernet.generate_key().decode()  # 32 random bytes, URL-safe base64, as DJANGO_MFA_KEY


def reset_in_the_admin(admin_client, user):
    form = {"action": "reset_two_factor", "_selected_action": [user.pk]}
    return admin_client.post(reverse("admin:accounts_user_changelist"), form)
