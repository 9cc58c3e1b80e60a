"""django-allauth adapters: the documented hooks where the project plugs its own rules into allauth.

Only these rules live here: which address a request comes from (the proxy-aware client_ip, so
allauth's rate limits count the real client), that a login refused by a rate limit gets the 429 page,
that links in mail lead to SITE_URL, that a mail relay which fails leaves the page answering, whether
sign-up is open (SIGNUP_OPEN), how MFA secrets are encrypted at rest (MFA_ENCRYPTION_KEY), and that
every ended session is recorded. Everything else is allauth's own code path.
"""

import base64
import secrets
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from ..audit.events import Event, Outcome, record
from ..core.client_ip import client_ip
from ..throttling.responses import too_many_requests


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

    def send_mail(self, template_prefix, email, context):
        # Every link allauth mails (reset, sign-up, confirmation) leads to SITE_URL, never to the host the
        # request named: ALLOWED_HOSTS does not check its port, so "Host: site:4444" would otherwise
        # mail a reset link, and its token, to whatever listens on that port.
        links = {name: on_site(url) for name, url in context.items() if name.endswith("_url")}
        try:
            super().send_mail(template_prefix, email, {**context, **links})
        except OSError as error:  # smtplib's errors included: the relay down, hung or refusing
            # The page still answers, the same whichever address was typed (every flow mails known and
            # unknown addresses alike), and says no mail went out; the event tells the operator.
            record(Event.MAIL_FAILED, Outcome.FAILURE, self.request, mail=template_prefix, error=type(error).__name__)
            if self.request is not None:
                messages.error(self.request, "No mail could be sent just now. Please try again in a few minutes.")

    def is_open_for_signup(self, request):
        # "closed": only staff create accounts (admin); allauth shows account/signup_closed.html.
        return settings.SIGNUP_OPEN


def on_site(url):
    """The same path, query and fragment on SITE_URL."""
    parts = urlsplit(url)
    return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


class UndecryptableSecret(ValueError):
    """A stored MFA secret that no MFA key decrypts (a restored database, a key removed too early);
    answered with a page, not a 500, by accounts/unreadable_factors.py."""

    user = None  # the account it belongs to, when the code step knows it


AES_GCM = "aes256gcm:"  # names the cipher in each stored value, so a later one can replace it
NONCE_BYTES = 12  # 96-bit random nonce per value, as GCM expects


def aes_gcm(key):
    """AES-256-GCM under a key derived from an MFA key for this one use: the same bytes never serve as
    both the GCM key and the key of the Fernet values read below."""
    raw = base64.urlsafe_b64decode(key)
    return AESGCM(HKDF(hashes.SHA256(), 32, salt=None, info=b"mfa secrets, AES-256-GCM").derive(raw))


def unseal(key, encrypted_text):
    if encrypted_text.startswith(AES_GCM):
        raw = base64.urlsafe_b64decode(encrypted_text.removeprefix(AES_GCM))
        return aes_gcm(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
    return Fernet(key).decrypt(encrypted_text.encode("ascii")).decode()


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are stored encrypted with AES-256-GCM (authenticated: an altered value is refused)
    under MFA_ENCRYPTION_KEY from the environment: a database dump alone mints no codes. Values sealed
    under a key being retired (MFA_ENCRYPTION_KEY_FALLBACKS) or written by earlier versions (Fernet:
    AES-128-CBC and HMAC-SHA256) are still read, until the rotate_mfa_key command rewrites them under
    the current key and cipher (docs/keys.md)."""

    def encrypt(self, text):
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = aes_gcm(settings.MFA_ENCRYPTION_KEY).encrypt(nonce, text.encode(), None)
        return AES_GCM + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, encrypted_text):
        error = None
        for key in (settings.MFA_ENCRYPTION_KEY, *settings.MFA_ENCRYPTION_KEY_FALLBACKS):
            try:
                return unseal(key, encrypted_text)
            except (InvalidTag, InvalidToken, ValueError) as refused:
                error = refused
        raise UndecryptableSecret("MFA secret not readable with any MFA key") from error

    def is_current(self, encrypted_text):
        """Sealed with the current cipher under the current key: nothing for rotate_mfa_key to rewrite."""
        if not encrypted_text.startswith(AES_GCM):
            return False
        try:
            unseal(settings.MFA_ENCRYPTION_KEY, encrypted_text)
        except (InvalidTag, ValueError):
            return False
        return True

    def get_totp_issuer(self):
        return settings.SITE_NAME  # the project's name in the authenticator app, not the request's host

    def get_public_key_credential_rp_entity(self):
        return {**super().get_public_key_credential_rp_entity(), "name": settings.SITE_NAME}


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """Every way a session is ended (its owner on the sessions page; a password, factor or privilege
    change ending the others; an admin; a deleted account) goes through here, and each is recorded."""

    def end_sessions(self, sessions):
        for session in sessions:
            ended, user = session.pk, session.user  # the row is gone after end()
            session.end()
            record(Event.SESSION_ENDED, Outcome.SUCCESS, user=user, ended=ended)
