import logging
import re
import secrets
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from config.settings import security
from {{ cookiecutter.project_slug }}.accounts.mfa_policy import ENROLLED_SESSION_KEY
from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.security.log_format import JsonLineFormatter


class HttpsClient(Client):
    """Sends every request over HTTPS, as a browser does in production (SECURE_SSL_REDIRECT is on)."""

    def generic(self, *args, **kwargs):
        kwargs["secure"] = True
        return super().generic(*args, **kwargs)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with empty rate-limit counters (the local-memory cache outlives a test)."""
    cache.clear()


@pytest.fixture
def client():
    return HttpsClient()


@pytest.fixture
def csrf_client():
    """Enforces CSRF checks, as a real browser session is checked."""
    return HttpsClient(enforce_csrf_checks=True)


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


def allowed(action, per):
    """The number of requests ACCOUNT_RATE_LIMITS lets through for an action, per "ip" or "key"."""
    rates = [rate.strip() for rate in security.ACCOUNT_RATE_LIMITS[action].split(",")]
    (rate,) = [rate for rate in rates if rate.endswith(f"/{per}")]
    return int(rate.split("/")[0])


@pytest.fixture
def admin_client(db, admin_user):
    """Django's admin_client, with the second factor the admin requires."""
    return verified(HttpsClient(), admin_user)


class Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def security_events():
    """The security events recorded during the test, as the dicts written to the log."""
    collector = Collector()
    logger = logging.getLogger("security")
    logger.addHandler(collector)
    yield EventList(collector)
    logger.removeHandler(collector)


class EventList:
    def __init__(self, collector):
        self.collector = collector

    def all(self):
        return [record.security_event for record in self.collector.records]

    def named(self, event):
        return [payload for payload in self.all() if payload["event"] == event]


# Everything any test logs, formatted as production writes it, checked at the end of the run for
# secrets the tests used: passwords (every `password` fixture value) and two-factor codes.
SECRETS_USED = set()
ALL_LOG_OUTPUT = []


class Transcript(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonLineFormatter())

    def emit(self, record):
        ALL_LOG_OUTPUT.append(self.format(record))


@pytest.fixture(scope="session", autouse=True)
def no_secret_reaches_the_logs():
    transcript = Transcript()
    loggers = [logging.getLogger(name) for name in ("", "security", "django.security", "axes", "django.request")]
    for logger in loggers:
        logger.addHandler(transcript)
    yield
    for logger in loggers:
        logger.removeHandler(transcript)
    text = "\n".join(ALL_LOG_OUTPUT)
    any_secret = "|".join(re.escape(secret) for secret in sorted(SECRETS_USED, key=len, reverse=True))
    leaked = sorted(set(re.findall(rf"(?<![\w-])(?:{any_secret})(?![\w-])", text))) if SECRETS_USED else []
    assert leaked == [], f"secrets found in the log output: {leaked}"


def fresh_rate_window(*values, seconds_needed=5, period=60):
    """django-ratelimit counts in fixed windows, one per key value, ending at a time derived from the
    value. A burst that crossed a window's end would be split between two counts and prove nothing,
    so tests that count up to a limit first wait, if needed, until every window has time left."""
    from django_ratelimit.core import _get_window

    for _ in range(len(values) + 1):
        remaining = min(_get_window(str(value), period) - time.time() for value in values)
        if remaining >= seconds_needed:
            return
        time.sleep(max(remaining, 0) + 1.1)


@pytest.fixture
def password():
    value = "canary-" + secrets.token_urlsafe(16)
    SECRETS_USED.add(value)
    return value


def member(email, password=None, **extra_fields):
    """A user whose address is verified, as after following the sign-up mail's link."""
    user = User.objects.create_user(email=email, password=password, **extra_fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def user(db, password):
    return member("ann@example.com", password)
