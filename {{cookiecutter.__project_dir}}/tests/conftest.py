import secrets

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.twofactor.crypto import encrypt
from {{ cookiecutter.project_slug }}.twofactor.models import TOTPDevice


class HttpsClient(Client):
    """Sends every request over HTTPS, as a browser does in production (SECURE_SSL_REDIRECT is on)."""

    def generic(self, *args, **kwargs):
        kwargs["secure"] = True
        return super().generic(*args, **kwargs)


@pytest.fixture
def client():
    return HttpsClient()


@pytest.fixture
def csrf_client():
    """Enforces CSRF checks, as a real browser session is checked."""
    return HttpsClient(enforce_csrf_checks=True)


def verified(client, user):
    """Sign the user in with a second factor passed, as after the real code step."""
    device = TOTPDevice.objects.create(user=user, name="test app", encrypted_key=encrypt(b"x" * 20))
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(db, admin_user):
    """Django's admin_client, with the second factor the admin requires."""
    return verified(HttpsClient(), admin_user)


@pytest.fixture
def password():
    return secrets.token_urlsafe(16)


@pytest.fixture
def user(db, password):
    return User.objects.create_user(email="ann@example.com", password=password)
