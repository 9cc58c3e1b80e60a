"""Keys can be replaced without ending every session or losing every second factor: the old secret
key stays accepted while listed in DJANGO_SECRET_KEY_FALLBACKS, and rotate_mfa_key re-encrypts every
stored MFA secret under the new DJANGO_MFA_KEY, after which the old one can go (docs/keys.md)."""

import io
import secrets
import time

import pytest
import test_two_factor
from allauth.account.forms import default_token_generator
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from conftest import HttpsClient, member, signed_in
from cryptography.fernet import Fernet
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from test_boot_guards import load_prod
from test_two_factor import COMMITTING, code_step, enrol, new_key, sign_in, sign_in_again

from {{ cookiecutter.project_slug }}.accounts.adapters import AES_GCM, UndecryptableSecret

OLD_SECRET_KEY = secrets.token_urlsafe(48)
NO_FALLBACKS = {"DJANGO_SECRET_KEY_FALLBACKS": None, "DJANGO_MFA_KEY_FALLBACKS": None}
next_code = test_two_factor.next_code  # the fixture: the code of the next 30-second step


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


def sealed_values(authenticator):
    data = authenticator.data
    return [data[field] for field in ("secret", "seed") if field in data] + data.get("migrated_codes", [])


def rotate():
    out = io.StringIO()
    call_command("rotate_mfa_key", stdout=out)
    return out.getvalue()


@COMMITTING
def test_rotate_mfa_key_reencrypts_every_secret_and_factors_keep_working(settings, client, password, next_code):
    old_key = settings.MFA_ENCRYPTION_KEY
    staff = member("staff@example.com", password, is_staff=True)
    sign_in(client, staff, password)
    totp, codes = enrol(client, password)
    # An account whose factors came from an earlier version: a Fernet secret, imported recovery codes.
    other = member("other@example.com", password, is_staff=True)
    imported = ["12345678", "87654321"]
    legacy = Fernet(old_key).encrypt(totp.secret.encode()).decode()
    Authenticator.objects.create(user=other, type=Authenticator.Type.TOTP, data={"secret": legacy})
    Authenticator.objects.create(
        user=other,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"migrated_codes": [get_adapter().encrypt(code) for code in imported], "used_mask": 0},
    )
    values = [value for row in Authenticator.objects.all() for value in sealed_values(row)]

    settings.MFA_ENCRYPTION_KEY, settings.MFA_ENCRYPTION_KEY_FALLBACKS = new_key(), [old_key]
    sign_in_again(client, staff, password)
    assert code_step(client, next_code(totp)).status_code == 302  # read through the fallback

    assert rotate() == f"{len(values)} value(s) re-encrypted under the current key, 0 already under it.\n"
    assert rotate() == f"0 value(s) re-encrypted under the current key, {len(values)} already under it.\n"
    rotated = [value for row in Authenticator.objects.all() for value in sealed_values(row)]
    assert len(rotated) == len(values)
    assert all(value.startswith(AES_GCM) for value in rotated)

    settings.MFA_ENCRYPTION_KEY_FALLBACKS = []
    sign_in_again(client, staff, password)
    assert code_step(client, next_code(totp)).status_code == 302
    sign_in_again(client, staff, password)
    assert code_step(client, codes[0]).status_code == 302
    for code in (totp.at(time.time()), imported[1]):
        sign_in_again(client, other, password)
        assert code_step(client, code).status_code == 302
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
