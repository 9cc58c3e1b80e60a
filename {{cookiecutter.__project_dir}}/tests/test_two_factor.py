"""Two-factor authentication (allauth.mfa) through the real pages, with real codes computed by pyotp,
and the project's rule on top: who must have a factor, and what opens the admin."""

import base64
import time

import pyotp
import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from {{ cookiecutter.project_slug }}.accounts.adapters import AES_GCM, UndecryptableSecret

from tests.helpers.clients import reauthenticated, sign_in, verified
from tests.helpers.rate_limits import allowed
from tests.helpers.two_factor import COMMITTING, code_step, code_with_time_left, enrol, new_key, sign_in_again
from tests.helpers.users import member


@pytest.fixture
def staff(db, password):
    return member("staff@example.com", password, is_staff=True)


def signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_staff_without_a_factor_is_sent_to_set_one_up_and_kept_out_of_the_admin(client, staff, password):
    sign_in(client, staff, password)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("mfa_index") + "?next=%2Fadmin-test%2F"
    assert client.get(reverse("documents:list")).headers["Location"].startswith(reverse("mfa_index"))
    assert client.get(reverse("mfa_index")).status_code == 200


@COMMITTING
def test_adding_a_factor_needs_the_password_again_and_a_valid_code_then_opens_the_admin(client, staff, password):
    sign_in(client, staff, password)
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.headers["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": "not-" + password}).status_code == 200
    reauthenticated(client, password)
    page = client.get(reverse("mfa_activate_totp"))
    assert client.post(reverse("mfa_activate_totp"), {"code": "000000"}).status_code == 200
    assert not Authenticator.objects.filter(user=staff).exists()
    client.post(reverse("mfa_activate_totp"), {"code": code_with_time_left(pyotp.TOTP(page.context["form"].secret))})
    assert set(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == {"totp"}
    assert client.get(reverse("admin:index")).status_code == 200


@COMMITTING
def test_no_recovery_codes_are_offered_or_stored(client, staff, password):
    """A lost factor is replaced by another factor or by an administrator: no recovery codes, whose
    stored seed (reversible) would give every code to whoever holds the database and the MFA key."""
    sign_in(client, staff, password)
    enrol(client, password)
    assert list(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == ["totp"]
    index = client.get(reverse("mfa_index")).content.decode()
    assert "recovery-codes" not in index
    assert "there are no recovery codes" in index
    for name in ("mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    for page in ("", "generate/", "download/"):  # where allauth would serve them
        assert client.get(f"{reverse('mfa_index')}recovery-codes/{page}").status_code == 404
        assert client.post(f"{reverse('mfa_index')}recovery-codes/{page}").status_code == 404
    sign_in_again(client, staff, password)
    refused = code_step(client, "12345678")  # the form of a recovery code: only the app's codes count
    assert "code" in refused.context["form"].errors
    assert not signed_in(client)


@COMMITTING
def test_password_then_code_with_a_wrong_code_refused(client, staff, password, next_code):
    totp = enrol_and_sign_in_again(client, staff, password, next_url="/admin-test/")
    assert not signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302
    wrong = code_step(client, "123456" if totp.now() != "123456" else "654321")
    assert wrong.status_code == 200
    assert "code" in wrong.context["form"].errors
    response = code_step(client, next_code(totp))
    assert response.headers["Location"] == "/admin-test/"
    assert client.get(reverse("admin:index")).status_code == 200


def enrol_and_sign_in_again(client, user, password, next_url=None):
    sign_in(client, user, password)
    totp = enrol(client, password)
    sign_in_again(client, user, password, next_url)
    return totp


@COMMITTING
def test_a_code_cannot_be_replayed(client, staff, password, next_code):
    totp = enrol_and_sign_in_again(client, staff, password)
    assert code_step(client, client.enrolment_code).status_code == 200  # the code used to enrol
    assert not signed_in(client)
    later = next_code(totp)
    assert code_step(client, later).status_code == 302
    sign_in_again(client, staff, password)
    assert code_step(client, later).status_code == 200  # the same code again
    assert not signed_in(client)


@COMMITTING
def test_a_code_is_accepted_only_during_its_own_30_second_step(client, staff, password, next_code):
    totp = enrol_and_sign_in_again(client, staff, password)
    assert totp.interval == 30  # the app's step, as the QR code told it
    current = next_code(totp)
    now = time.time()
    previous, following = totp.at(now - totp.interval), totp.at(now + totp.interval)
    assert current not in (previous, following)
    assert code_step(client, previous).status_code == 200  # issued up to 31 seconds ago: over
    assert code_step(client, following).status_code == 200  # not yet
    assert not signed_in(client)
    assert code_step(client, current).status_code == 302


@pytest.mark.django_db
def test_admin_login_has_no_side_door(client, staff, password):
    response = client.get(reverse("admin:login") + "?next=/admin-test/")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("account_login") + "?next=/admin-test/"
    # Posting credentials to the admin login does not sign anyone in.
    client.post(reverse("admin:login"), {"username": staff.email, "password": password})
    assert not signed_in(client)


@COMMITTING
def test_totp_secret_is_unreadable_in_the_database_without_the_key(client, staff, password):
    sign_in(client, staff, password)
    totp = enrol(client, password)
    authenticator = Authenticator.objects.get(user=staff, type="totp")
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        (stored,) = cursor.fetchone()
    assert totp.secret not in stored
    assert authenticator.data["secret"].startswith(AES_GCM)
    with override_settings(MFA_ENCRYPTION_KEY=new_key()), pytest.raises(UndecryptableSecret):
        get_adapter().decrypt(authenticator.data["secret"])
    assert get_adapter().decrypt(authenticator.data["secret"]) == totp.secret


def test_mfa_secrets_are_sealed_with_aes_256_gcm_under_a_random_nonce():
    sealed = [get_adapter().encrypt("JBSWY3DPEHPK3PXP") for _ in range(2)]
    assert sealed[0] != sealed[1]  # a fresh nonce each time
    raw = base64.urlsafe_b64decode(sealed[0].removeprefix(AES_GCM))
    key = HKDF(hashes.SHA256(), 32, salt=None, info=b"mfa secrets, AES-256-GCM").derive(
        base64.urlsafe_b64decode(settings.MFA_ENCRYPTION_KEY)
    )
    assert AESGCM(key).decrypt(raw[:12], raw[12:], None) == b"JBSWY3DPEHPK3PXP"  # 256-bit key, 96-bit nonce
    assert [get_adapter().decrypt(value) for value in sealed] == ["JBSWY3DPEHPK3PXP"] * 2


@pytest.mark.parametrize("position", [0, 12, -1], ids=["nonce", "ciphertext", "tag"])
def test_an_altered_mfa_secret_is_refused(position):
    raw = bytearray(base64.urlsafe_b64decode(get_adapter().encrypt("JBSWY3DPEHPK3PXP").removeprefix(AES_GCM)))
    raw[position] ^= 1
    with pytest.raises(UndecryptableSecret):
        get_adapter().decrypt(AES_GCM + base64.urlsafe_b64encode(raw).decode())


@COMMITTING
def test_a_secret_stored_by_an_earlier_version_still_signs_in(client, staff, password):
    totp = pyotp.TOTP(pyotp.random_base32())
    legacy = Fernet(settings.MFA_ENCRYPTION_KEY).encrypt(totp.secret.encode()).decode()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": legacy})
    sign_in(client, staff, password)
    assert code_step(client, totp.at(time.time())).status_code == 302
    assert signed_in(client)


@COMMITTING
def test_code_attempts_are_rate_limited_per_account(client, staff, password, next_code):
    totp = enrol_and_sign_in_again(client, staff, password)
    limit = allowed("login_failed", "key")
    for _ in range(limit):
        assert code_step(client, "000000").status_code == 200
    refused = code_step(client, next_code(totp))  # even the right code, once the limit is reached
    assert "Too many failed" in str(refused.context["form"].errors)
    assert not signed_in(client)


@COMMITTING
def test_removing_a_factor_needs_the_password_again(client, staff, password, next_code):
    totp = enrol_and_sign_in_again(client, staff, password)
    code_step(client, next_code(totp))
    asked = client.post(reverse("mfa_deactivate_totp"))
    assert asked.headers["Location"].startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    reauthenticated(client, password)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=staff).exists()
    # The confirmation is kept in the session, not in a client-readable `messages` cookie.
    assert set(response.cookies) <= {"__Host-sessionid", "__Host-csrftoken"}
    # Staff without a factor are sent back to set one up.
    assert client.get(reverse("home")).headers["Location"].startswith(reverse("mfa_index"))


@pytest.mark.django_db
def test_another_users_passkey_cannot_be_removed(client, staff, password):
    other = member("other@example.com", password)
    theirs = Authenticator.objects.create(user=other, type=Authenticator.Type.WEBAUTHN, data={"name": "theirs"})
    verified(client, staff)
    reauthenticated(client, password)
    response = client.post(reverse("mfa_remove_webauthn", args=[theirs.pk]))
    assert response.status_code == 404
    assert Authenticator.objects.filter(pk=theirs.pk).exists()


@COMMITTING
@pytest.mark.parametrize("required_for", ["staff", "everyone"])
def test_who_must_have_a_factor(client, password, required_for):
    user = member("member@example.com", password)
    with override_settings(MFA_REQUIRED_FOR=required_for):
        sign_in(client, user, password)
        response = client.get(reverse("home"))
        if required_for == "everyone":
            assert response.headers["Location"].startswith(reverse("mfa_index"))
        else:
            assert response.status_code == 200
            # Optional for them, but once added, their next sign-in needs the code too.
            enrol(client, password)
            sign_in_again(client, user, password)
            assert client.get(reverse("home")).status_code == 200
            assert not signed_in(client)


@COMMITTING
def test_next_cannot_send_the_user_to_another_site(client, staff, password, next_code):
    totp = enrol_and_sign_in_again(client, staff, password, next_url="https://attacker.example/")
    assert code_step(client, next_code(totp)).headers["Location"] == "/"
