"""Keys can be replaced without ending every session or losing every second factor: the old secret
key stays accepted while listed in DJANGO_SECRET_KEY_FALLBACKS, and rotate_mfa_key re-encrypts every
stored MFA secret under the new DJANGO_MFA_KEY, after which the old one can go (docs/keys.md)."""

import hashlib
import io
import json
import secrets
import time

import pytest
from allauth.account.forms import default_token_generator
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import AuthenticatorData, CollectedClientData

from {{ cookiecutter.project_slug }}.accounts.adapters import AES_GCM, UndecryptableSecret
from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import HttpsClient, reauthenticated, sign_in, signed_in
from tests.helpers.passkeys import attestation, creation_options
from tests.helpers.production_settings import load_prod
from tests.helpers.two_factor import (
    COMMITTING,
    code_step,
    code_with_time_left,
    enrol,
    new_key,
    reset_in_the_admin,
    sign_in_again,
)
from tests.helpers.users import member

OLD_SECRET_KEY = secrets.token_urlsafe(48)
NO_FALLBACKS = {"DJANGO_SECRET_KEY_FALLBACKS": None, "DJANGO_MFA_KEY_FALLBACKS": None}


def test_production_reads_earlier_keys_and_checks_each_like_the_key(monkeypatch):
    mfa_keys = [new_key(), new_key()]
    settings = load_prod(
        monkeypatch,
        DJANGO_SECRET_KEY_FALLBACKS=f"{OLD_SECRET_KEY}, {OLD_SECRET_KEY[::-1]}",
        DJANGO_MFA_KEY_FALLBACKS=",".join(mfa_keys),
    )
    assert settings["SECRET_KEY_FALLBACKS"] == [OLD_SECRET_KEY, OLD_SECRET_KEY[::-1]]
    assert settings["MFA_ENCRYPTION_KEY_FALLBACKS"] == mfa_keys
    settings = load_prod(monkeypatch, **NO_FALLBACKS)
    assert (settings["SECRET_KEY_FALLBACKS"], settings["MFA_ENCRYPTION_KEY_FALLBACKS"]) == ([], [])
    for variable, value, message in [
        ("DJANGO_SECRET_KEY_FALLBACKS", f"{OLD_SECRET_KEY},short-4f9a", "must be at least 50"),
        ("DJANGO_SECRET_KEY_FALLBACKS", "change-me-" + "x1y2z3" * 10, "still holds a placeholder"),
        ("DJANGO_MFA_KEY_FALLBACKS", f"{mfa_keys[0]},{mfa_keys[1][:20]}", "must be 32 random bytes"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=f"{variable} {message}"):
            load_prod(monkeypatch, **{**NO_FALLBACKS, variable: value})


@pytest.mark.django_db
def test_sessions_and_signed_values_outlive_a_new_secret_key_while_the_old_one_is_a_fallback(settings, password):
    settings.SECRET_KEY = OLD_SECRET_KEY
    user = member("ann@example.com", password)
    visits_during_the_switch, stays_away = HttpsClient(), HttpsClient()
    for client in (visits_during_the_switch, stays_away):
        sign_in(client, user, password)
        assert signed_in(client)
    signed = signing.dumps("old value")
    reset_token = default_token_generator.make_token(user)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = secrets.token_urlsafe(48), [OLD_SECRET_KEY]
    assert signing.loads(signed) == "old value"
    assert default_token_generator.check_token(user, reset_token)
    assert signed_in(visits_during_the_switch)  # and its session is now bound to the new key

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(signing.BadSignature):
        signing.loads(signed)
    assert not default_token_generator.check_token(user, reset_token)
    assert signed_in(visits_during_the_switch)
    assert not signed_in(stays_away)


def rotate():
    out = io.StringIO()
    call_command("rotate_mfa_key", stdout=out)
    return out.getvalue()


@COMMITTING
def test_rotate_mfa_key_reencrypts_every_secret_and_factors_keep_working(settings, client, password, next_code):
    old_key = settings.MFA_ENCRYPTION_KEY
    staff = member("staff@example.com", password, is_staff=True)
    sign_in(client, staff, password)
    totp = enrol(client, password)
    # An account whose authenticator app came from an earlier version: a Fernet secret.
    other = member("other@example.com", password, is_staff=True)
    legacy = Fernet(old_key).encrypt(totp.secret.encode()).decode()
    Authenticator.objects.create(user=other, type=Authenticator.Type.TOTP, data={"secret": legacy})
    values = [row.data["secret"] for row in Authenticator.objects.all()]
    assert len(values) == 2

    settings.MFA_ENCRYPTION_KEY, settings.MFA_ENCRYPTION_KEY_FALLBACKS = new_key(), [old_key]
    sign_in_again(client, staff, password)
    assert code_step(client, next_code(totp)).status_code == 302  # read through the fallback

    assert rotate() == f"{len(values)} value(s) re-encrypted under the current key, 0 already under it.\n"
    assert rotate() == f"0 value(s) re-encrypted under the current key, {len(values)} already under it.\n"
    rotated = [row.data["secret"] for row in Authenticator.objects.order_by("pk")]
    assert all(value.startswith(AES_GCM) for value in rotated)

    settings.MFA_ENCRYPTION_KEY_FALLBACKS = []
    sign_in_again(client, staff, password)
    assert code_step(client, next_code(totp)).status_code == 302
    sign_in_again(client, other, password)
    assert code_step(client, totp.at(time.time())).status_code == 302  # another account: not a replay
    with override_settings(MFA_ENCRYPTION_KEY=old_key), pytest.raises(UndecryptableSecret):
        get_adapter().decrypt(rotated[0])


@pytest.mark.django_db
def test_rotate_mfa_key_changes_nothing_when_a_secret_is_unreadable(settings, password):
    readable = Authenticator.objects.create(
        user=member("ann@example.com", password),
        type=Authenticator.Type.TOTP,
        data={"secret": Fernet(settings.MFA_ENCRYPTION_KEY).encrypt(b"JBSWY3DPEHPK3PXP").decode()},
    )
    with override_settings(MFA_ENCRYPTION_KEY=new_key()):
        lost = get_adapter().encrypt("JBSWY3DPEHPK3PXP")  # sealed under a key nobody configured
    Authenticator.objects.create(
        user=member("bob@example.com", password), type=Authenticator.Type.TOTP, data={"secret": lost}
    )
    before = readable.data
    with pytest.raises(CommandError, match="nothing was changed"):
        rotate()
    readable.refresh_from_db()
    assert readable.data == before


@COMMITTING
def test_factors_no_key_decrypts_get_a_page_saying_what_to_do_and_an_event(
    client, admin_client, password, security_events
):
    staff = member("staff@example.com", password, is_staff=True)
    sign_in(client, staff, password)
    totp = enrol(client, password)
    # A second account: its authenticator app sealed under a key lost before the restore.
    other = member("other@example.com", password, is_staff=True)
    with override_settings(MFA_ENCRYPTION_KEY=new_key()):
        lost_secret = get_adapter().encrypt("A" * 32)
    Authenticator.objects.create(user=other, type=Authenticator.Type.TOTP, data={"secret": lost_secret})

    with override_settings(MFA_ENCRYPTION_KEY=new_key()):  # the database restored beside another key
        for user, code in [(other, "123456"), (staff, code_with_time_left(totp))]:
            sign_in_again(client, user, password)
            response = code_step(client, code)
            assert response.status_code == 503
            assert b"sign in with your passkey" in response.content
            assert b"ask an administrator" in response.content
            assert "_auth_user_id" not in client.session
        # What the page promises: an administrator removes the factors ("Lost every factor"), and the
        # password and a code mailed to the address sign the user in.
        reauthenticated(admin_client, "password")
        assert reset_in_the_admin(admin_client, other).status_code == 302
        response = HttpsClient().post(reverse("account_login"), {"login": other.email, "password": password})
        assert response.headers["Location"] == reverse("account_email_verification_sent")
        # Signed in by other means (a passkey): the factors page still opens, to remove the app and add
        # another; confirming a change with the app's code gets the page too.
        client.force_login(staff)
        assert client.get(reverse("mfa_index")).status_code == 200
        response = client.post(reverse("mfa_reauthenticate"), {"code": code_with_time_left(totp)})
        assert response.status_code == 503

    events = security_events.named(Event.TWO_FACTOR_UNREADABLE)
    assert [(event["user_id"], event["path"]) for event in events] == [
        (other.pk, reverse("mfa_authenticate")),
        (staff.pk, reverse("mfa_authenticate")),
        (staff.pk, reverse("mfa_reauthenticate")),
    ]
    assert all(event["outcome"] == "failure" for event in events)


def passkey_assertion(options, credential_id, private_key, user_handle):
    """What navigator.credentials.get() returns for the passkey, as JSON: the user present and verified,
    signing the challenge the login page issued."""
    client_data = CollectedClientData.create(
        type=CollectedClientData.TYPE.GET,
        challenge=websafe_decode(options["challenge"]),
        origin=f"https://{options['rpId']}",
    )
    authenticator_data = AuthenticatorData.create(
        hashlib.sha256(options["rpId"].encode()).digest(), AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV, 1
    )
    signature = private_key.sign(bytes(authenticator_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
    response = {
        "clientDataJSON": websafe_encode(bytes(client_data)),
        "authenticatorData": websafe_encode(bytes(authenticator_data)),
        "signature": websafe_encode(signature),
        "userHandle": user_handle,
    }
    return {
        "id": credential_id,
        "rawId": credential_id,
        "type": "public-key",
        "response": response,
        "clientExtensionResults": {},
    }


@COMMITTING
def test_a_passkey_still_signs_in_when_no_key_decrypts_the_other_factors(client, password):
    staff = member("staff@example.com", password, is_staff=True)
    sign_in(client, staff, password)
    enrol(client, password)
    options = creation_options(client)
    private_key = ec.generate_private_key(ec.SECP256R1())
    credential = attestation(options, ES256.from_cryptography_key(private_key.public_key()))
    added = client.post(reverse("mfa_add_webauthn"), {"name": "phone", "credential": json.dumps(credential)})
    assert added.status_code == 302

    with override_settings(MFA_ENCRYPTION_KEY=new_key()):
        browser = HttpsClient()
        page = browser.get(reverse("mfa_login_webauthn"), headers={"Accept": "application/json"})
        request_options = page.json()["request_options"]["publicKey"]
        signed = passkey_assertion(request_options, credential["id"], private_key, options["user"]["id"])
        response = browser.post(reverse("mfa_login_webauthn"), {"credential": json.dumps(signed)})
        assert response.status_code == 302
        assert browser.session["_auth_user_id"] == str(staff.pk)
        assert browser.get(reverse("home")).status_code == 200
