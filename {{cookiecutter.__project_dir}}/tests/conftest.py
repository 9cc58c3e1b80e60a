import secrets

import pytest
from django.test import Client

from {{ cookiecutter.project_slug }}.accounts.models import User


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


@pytest.fixture
def password():
    return secrets.token_urlsafe(16)


@pytest.fixture
def user(db, password):
    return User.objects.create_user(email="ann@example.com", password=password)
