"""Changing what signs a user in or recovers the account (email addresses, authenticator app, passkeys)
first asks for the password or a factor again, unless one was given in the last
ACCOUNT_REAUTHENTICATION_TIMEOUT seconds. A password change asks for the current password on its own
form (tests/test_accounts.py)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.helpers.clients import HttpsClient, reauthenticated, verified

SECOND_ADDRESS = "ann.work@example.com"

# (what is changed, method, URL name, whether the URL takes the passkey's pk, the form posted)
CHANGES = [
    ("add an email address", "post", "account_email", False, {"action_add": "", "email": "ann.new@example.com"}),
    ("remove an email address", "post", "account_email", False, {"action_remove": "", "email": SECOND_ADDRESS}),
    ("make another address primary", "post", "account_email", False, {"action_primary": "", "email": SECOND_ADDRESS}),
    ("add an authenticator app", "get", "mfa_activate_totp", False, {}),
    ("remove the authenticator app", "post", "mfa_deactivate_totp", False, {}),
    ("add a passkey", "get", "mfa_add_webauthn", False, {}),
    ("remove a passkey", "post", "mfa_remove_webauthn", True, {}),
    ("rename a passkey", "post", "mfa_edit_webauthn", True, {"name": "renamed"}),
]


def asks_to_reauthenticate(response):
    return response.status_code == 302 and response.headers["Location"].startswith(reverse("account_reauthenticate"))


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "method", "name", "takes_key", "form"), CHANGES, ids=[c[0] for c in CHANGES])
def test_account_recovery_and_factor_changes_ask_for_the_password_again(
    user, password, change, method, name, takes_key, form
):
    EmailAddress.objects.create(user=user, email=SECOND_ADDRESS, verified=True)
    args = []
    if takes_key:  # a stored passkey, as far as renaming or removing it needs one
        args = [Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "mine"}).pk]
    url = reverse(name, args=args)
    client = verified(HttpsClient(), user)  # signed in with a factor, but no password given in this session
    assert asks_to_reauthenticate(getattr(client, method)(url, form))
    reauthenticated(client, password)
    assert not asks_to_reauthenticate(getattr(client, method)(url, form))
