"""The custom user model and the authentication views."""

import pytest
from conftest import verified
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse

from config.settings import security
from {{ cookiecutter.project_slug }}.accounts.models import User


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
    response = client.post(reverse("login"), {"username": user.email, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("kT9#vQ2!mZ4")  # 11 characters
    validate_password("kT9#vQ2!mZ4x")  # 12 characters, not common, not numeric


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


@pytest.mark.django_db
def test_password_change_replaces_the_old_password(client, user, password):
    verified(client, user)
    new_password = password[::-1] + "-new"
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(password)


@pytest.mark.django_db
def test_logout_requires_post_and_ends_the_session(client, user):
    verified(client, user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_change_signs_out_every_other_session(client, user, password):
    from django.test import Client

    other_device = Client()
    verified(other_device, user)
    verified(client, user)
    new_password = password[::-1] + "-new"
    client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert client.get(reverse("password_change")).status_code == 200  # this session stays signed in
    response = other_device.get(reverse("password_change"), secure=True)
    assert response.status_code == 302  # the other one is out
    assert response.headers["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_login_does_not_reveal_whether_an_account_exists(client, user, password):
    inactive = User.objects.create_user(email="gone@example.com", password=password, is_active=False)
    answers = [
        client.post(reverse("login"), {"username": email, "password": "wrong-" + password})
        for email in (user.email, "nobody@example.com")
    ] + [client.post(reverse("login"), {"username": inactive.email, "password": password})]
    assert {response.status_code for response in answers} == {200}
    assert len({str(response.context["form"].errors) for response in answers}) == 1


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_account_exists(client, user, mailoutbox):
    known = client.post(reverse("password_reset"), {"email": user.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert [message.to for message in mailoutbox] == [[user.email]]
