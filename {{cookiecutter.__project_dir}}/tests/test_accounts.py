"""The custom user model and the authentication views."""

import gzip
import re
import string

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse

from config.settings import security

from {{ cookiecutter.project_slug }}.accounts.models import User

from tests.helpers.clients import HttpsClient, signed_in, verified
from tests.helpers.users import member


@pytest.mark.django_db
def test_email_is_normalised_and_unique_regardless_of_case(password):
    user = User.objects.create_user(email="  Ann@Example.COM ", password=password)
    assert user.email == "ann@example.com"
    with pytest.raises(ValidationError, match="already exists"):
        User.objects.create_user(email="ANN@example.com", password=password)


@pytest.mark.django_db
def test_database_refuses_case_variant_twins_even_past_the_model(user):
    other = User.objects.create_user(email="bob@example.com")
    # A queryset update skips save() and clean(): the functional unique index still holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="ANN@EXAMPLE.COM")


def authenticate_from(username, password):
    """authenticate() as the login view calls it, with the request (django-axes needs it)."""
    return authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password)


@pytest.mark.django_db
def test_login_is_case_insensitive(user, password):
    assert authenticate_from("ANN@example.com", password) == user
    assert authenticate_from("ann@example.com", "wrong-" + password) is None


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(user, password, client):
    user.is_active = False
    user.save()
    assert authenticate_from(user.email, password) is None
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert (response.status_code, response.headers["Location"]) == (302, reverse("account_inactive"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("word", ["name", "slug", "domain"])
def test_passwords_made_of_the_sites_own_words_are_refused(word):
    name, slug, domain = security.PASSWORD_SITE_WORDS
    made_of = {
        "name": name.upper() + "!2026",
        "slug": slug + "-rules-99",
        "domain": "Z9!" + domain.split(".")[0] + "#77x",
    }
    with pytest.raises(ValidationError, match="the site's name or domain"):
        validate_password(made_of[word])
    validate_password("kT9#vQ2!mZ4x")  # nothing of the site in it


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("kT9#vQ2!mZ4")  # 11 characters
    validate_password("kT9#vQ2!mZ4x")  # 12 characters, not common


def too_common(candidate):
    try:
        validate_password(candidate)
    except ValidationError as error:
        return "password_too_common" in [e.code for e in error.error_list]
    return False


def test_the_most_common_passwords_long_enough_to_be_allowed_are_refused():
    with gzip.open(security.LONG_COMMON_PASSWORDS, "rt", encoding="utf-8") as shipped:
        listed = shipped.read().splitlines()
    assert len(listed) >= 3000  # ASVS V6.2.4: at least the top 3,000 that the length rule lets through
    assert all(len(entry) >= 12 and entry == entry.lower() for entry in listed)
    assert all(too_common(entry) for entry in listed[:3000])
    # Typed in any case: 8th, 2nd, 3rd and 14th of the list.
    assert all(too_common(entry) for entry in ["QWERTY123456", "1Qaz2Wsx3Edc", "Q1w2e3r4t5y6", "LeaveMeAlone"])
    assert not too_common("kT9#vQ2!mZ4x")


PASSWORD_INPUT = re.compile(r"<input\b[^>]*\bname=\"(?:password\d?|oldpassword)\"[^>]*>")


@pytest.mark.django_db
def test_every_password_field_is_masked(client, user, password):
    pages = [reverse("account_login"), reverse("account_signup")]
    found = [field for page in pages for field in PASSWORD_INPUT.findall(client.get(page).content.decode())]
    verified(client, user)
    for page in (reverse("account_change_password"), reverse("account_reauthenticate")):
        found += PASSWORD_INPUT.findall(client.get(page).content.decode())
    # Login 1, sign-up 2 (none when sign-up is closed), change 3 (old, new, again), re-authentication 1.
    assert len(found) == (7 if security.SIGNUP_OPEN else 5)
    assert all('type="password"' in field for field in found)


@pytest.mark.django_db
def test_the_password_is_checked_exactly_as_typed(user, password):
    assert authenticate_from(user.email, password) == user
    for changed in (password.upper(), password + " ", " " + password, password[:-1]):
        assert authenticate_from(user.email, changed) is None, repr(changed)


@pytest.mark.django_db
@pytest.mark.parametrize("length", [64, 128])
def test_long_passwords_are_accepted_whole(length):
    long_password = ("kT9#vQ2!mZ4x" * 11)[:length]
    validate_password(long_password)  # no upper limit below 128 characters
    user = User.objects.create_user(email="long@example.com", password=long_password)
    assert authenticate_from(user.email, long_password) == user
    assert authenticate_from(user.email, long_password[:-1]) is None  # nothing is cut off


@pytest.mark.django_db
def test_session_ids_are_long_random_and_never_repeat(user):
    keys = []
    for _ in range(20):
        client = HttpsClient()
        client.force_login(user)
        keys.append(client.cookies["__Host-sessionid"].value)
    alphabet = set(string.ascii_lowercase + string.digits)
    assert all(len(key) == 32 and set(key) <= alphabet for key in keys)  # 32 of 36 symbols: 165 bits
    assert len(set(keys)) == len(keys)


@pytest.mark.django_db
def test_new_passwords_are_stored_with_argon2(password):
    with override_settings(PASSWORD_HASHERS=security.PASSWORD_HASHERS):
        user = User.objects.create_user(email="cat@example.com", password=password)
        assert user.password.startswith("argon2$")
        assert user.check_password(password)


@pytest.mark.django_db
def test_admin_lives_at_the_configured_path_only(client):
    assert reverse("admin:index") == "/admin-test/"
    assert client.get("/admin/").status_code == 404


def change_password(client, old, new):
    return client.post(reverse("account_change_password"), {"oldpassword": old, "password1": new, "password2": new})


@pytest.mark.django_db
def test_password_change_asks_for_the_old_password_and_replaces_it(client, user, password):
    verified(client, user)
    new_password = password[::-1] + "-new"
    refused = change_password(client, "wrong-" + password, new_password)
    assert refused.status_code == 200
    assert "oldpassword" in refused.context["form"].errors
    response = change_password(client, password, new_password)
    assert (response.status_code, response.headers["Location"]) == (302, reverse("account_change_password"))
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(password)


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, user):
    verified(client, user)
    page = client.get(reverse("account_logout"))  # a link or an <img> only shows the confirmation form
    assert page.status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post(reverse("account_logout"))
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_change_signs_out_every_other_session(client, user, password):
    other_device = verified(HttpsClient(), user)
    assert other_device.get(reverse("account_change_password")).status_code == 200
    verified(client, user)
    new_password = password[::-1] + "-new"
    assert change_password(client, password, new_password).status_code == 302
    assert client.get(reverse("account_change_password")).status_code == 200  # this session stays signed in
    response = other_device.get(reverse("account_change_password"))
    assert response.status_code == 302  # the other one is out
    assert response.headers["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_login_does_not_reveal_whether_an_account_exists(client, user, password):
    inactive = member("gone@example.com", password, is_active=False)
    answers = [
        client.post(reverse("account_login"), {"login": email, "password": "wrong-" + password})
        for email in (user.email, "nobody@example.com", inactive.email)
    ]
    assert {response.status_code for response in answers} == {200}
    assert len({str(response.context["form"].errors) for response in answers}) == 1


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_account_exists(client, user, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    # The owner gets a reset link; the unknown address is told it has no account here, and no link.
    assert [message.to for message in mailoutbox] == [[user.email], ["nobody@example.com"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "/accounts/password/reset/key/" not in mailoutbox[1].body


def signed_in_as(client, user):
    return signed_in(client) and client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.django_db
def test_the_session_id_changes_at_login_so_a_planted_one_is_worthless(client, user, password):
    session = client.session  # an anonymous session, as an attacker could plant in a victim's browser
    session["visited"] = True
    session.save()
    planted = client.cookies["__Host-sessionid"].value
    assert client.post(reverse("account_login"), {"login": user.email, "password": password}).status_code == 302
    assert client.cookies["__Host-sessionid"].value != planted
    assert signed_in_as(client, user)
    attacker = HttpsClient()
    attacker.cookies["__Host-sessionid"] = planted
    assert not signed_in_as(attacker, user)


@pytest.mark.django_db
def test_an_old_session_cookie_is_refused_after_logout(client, user, password):
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    old = client.cookies["__Host-sessionid"].value
    client.post(reverse("account_logout"))
    replayed = HttpsClient()
    replayed.cookies["__Host-sessionid"] = old
    assert not signed_in_as(replayed, user)
