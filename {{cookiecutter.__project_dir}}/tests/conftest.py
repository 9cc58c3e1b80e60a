import logging
import re
import secrets
import time

import pytest
from django.core.cache import cache

from tests.helpers.clients import HttpsClient, verified
from tests.helpers.logs import ALL_LOG_OUTPUT, SECRETS_USED, Collector, EventList, Transcript
from tests.helpers.users import member


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with empty rate-limit counters (the local-memory cache outlives a test)."""
    cache.clear()


@pytest.fixture
def open_signup(settings):
    """Sign-up open, whatever this project's `signup` answer (the closed mode has its own test)."""
    settings.SIGNUP_OPEN = True


@pytest.fixture
def client():
    return HttpsClient()


@pytest.fixture
def csrf_client():
    """Enforces CSRF checks, as a real browser session is checked."""
    return HttpsClient(enforce_csrf_checks=True)


@pytest.fixture
def admin_client(db, admin_user):
    """Django's admin_client, with the second factor the admin requires."""
    return verified(HttpsClient(), admin_user)


@pytest.fixture
def security_events():
    """The security events recorded during the test, as the dicts written to the log."""
    collector = Collector()
    logger = logging.getLogger("security")
    logger.addHandler(collector)
    yield EventList(collector)
    logger.removeHandler(collector)


@pytest.fixture(scope="session", autouse=True)
def no_secret_reaches_the_logs():
    """No password or two-factor code a test used appears in anything logged during the run."""
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


@pytest.fixture
def password():
    value = "canary-" + secrets.token_urlsafe(16)
    SECRETS_USED.add(value)
    return value


@pytest.fixture
def user(db, password):
    return member("ann@example.com", password)


@pytest.fixture
def next_code(monkeypatch):
    """Moves the server's clock to the start of the next 30-second step and returns that step's code:
    a code is accepted once, and only during its own step (MFA_TOTP_TOLERANCE = 0)."""

    def advance(totp):
        step_start = (int(time.time()) // totp.interval + 1) * totp.interval + 1  # no step ends mid-test
        began = time.perf_counter()
        monkeypatch.setattr(time, "time", lambda: step_start + time.perf_counter() - began)
        return totp.at(time.time())

    return advance
