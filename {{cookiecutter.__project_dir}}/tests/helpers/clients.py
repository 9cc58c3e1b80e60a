"""The HTTPS test client, and signing a user in through it."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.test import Client
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.mfa_policy import ENROLLED_SESSION_KEY


class HttpsClient(Client):
    """Sends every request over HTTPS, as a browser does in production (SECURE_SSL_REDIRECT is on)."""

    def generic(self, *args, **kwargs):
        kwargs["secure"] = True
        return super().generic(*args, **kwargs)


def verified(client, user):
    """Sign the user in with a factor proven in this session, as right after adding it."""
    secret = {"secret": encrypt("A" * 32)}
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": secret})
    client.force_login(user)
    session = client.session
    session[ENROLLED_SESSION_KEY] = True
    session.save()
    return client


def reauthenticated(client, password):
    """Enter the password again on allauth's re-authentication page, as the user is asked to before a
    sensitive change; the session then counts as recently authenticated for a few minutes."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, "re-authentication refused"
    return client


def signed_in(client):
    """Whether the client's next request is signed in. The two-factor page answers every signed-in user,
    with a factor or not (MFA_REQUIRED_FOR="everyone"), and sends anyone else to the login page."""
    return client.get(reverse("mfa_index")).status_code == 200


def sign_in(client, user, password, next_url=None):
    """The login form's password step."""
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"login": user.email, "password": password})
    assert response.status_code == 302, "password refused"
    return response
