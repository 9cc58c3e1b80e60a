"""django-allauth adapters: the documented hooks where the project plugs its own rules into allauth.

Only these rules live here: which address a request comes from (the proxy-aware client_ip, so
allauth's rate limits count the real client), that a login refused by a rate limit gets the 429 page,
whether sign-up is open (SIGNUP_OPEN), how MFA secrets are encrypted at rest (MFA_ENCRYPTION_KEY),
and that every ended session is recorded. Everything else is allauth's own code path.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from ..security.client_ip import client_ip
from ..security.events import Event, Outcome, record
from ..security.throttle import too_many_requests


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client address.")
        return address

    def pre_authenticate(self, request, **credentials):
        # allauth refuses a login over the "login_failed" limits with a form error; answer it as every
        # other limit is answered, 429 with Retry-After, still before any password is checked.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as refused:
            raise ImmediateHttpResponse(too_many_requests(request, reason="login_failed")) from refused

    def is_open_for_signup(self, request):
        # "closed": only staff create accounts (admin); allauth shows account/signup_closed.html.
        return settings.SIGNUP_OPEN


class UndecryptableSecret(ValueError):
    """A stored MFA secret that MFA_ENCRYPTION_KEY cannot decrypt (a restored database, a new key)."""


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and the recovery-code seed are stored encrypted (Fernet: AES-128-CBC and
    HMAC-SHA256) with MFA_ENCRYPTION_KEY from the environment: a database dump alone mints no codes."""

    def encrypt(self, text):
        return Fernet(settings.MFA_ENCRYPTION_KEY).encrypt(text.encode()).decode("ascii")

    def decrypt(self, encrypted_text):
        try:
            return Fernet(settings.MFA_ENCRYPTION_KEY).decrypt(encrypted_text.encode("ascii")).decode()
        except InvalidToken as error:
            raise UndecryptableSecret("MFA secret not readable with MFA_ENCRYPTION_KEY") from error

    def get_totp_issuer(self):
        return settings.SITE_NAME  # the project's name in the authenticator app, not the request's host

    def get_public_key_credential_rp_entity(self):
        return {**super().get_public_key_credential_rp_entity(), "name": settings.SITE_NAME}


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """Every way a session is ended (its owner on the sessions page, or a password or factor change
    ending the others) goes through here, and each is recorded."""

    def end_sessions(self, sessions):
        for session in sessions:
            ended, user = session.pk, session.user  # the row is gone after end()
            session.end()
            record(Event.SESSION_ENDED, Outcome.SUCCESS, user=user, ended=ended)
