import datetime
import logging
import re
import secrets
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.settings import security
from {{ cookiecutter.project_slug }}.accounts.mfa_policy import ENROLLED_SESSION_KEY
from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.security.log_format import JsonLineFormatter

SKIPPED_NAMESPACES = {"admin"}  # Django's admin, covered by Django's own tests


def project_patterns(resolver=None, prefix="", namespace=""):
    """(url name, full route, view) for every pattern outside SKIPPED_NAMESPACES."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace not in SKIPPED_NAMESPACES:
                yield from project_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, route, entry.callback


def sample_arguments(route, document):
    # pk: a document, a session or a passkey; key and uidb36: a verification or reset link's parts
    values = {"pk": document.pk, "key": "sample-key", "uidb36": "1"}
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    missing = [name for name in names if name not in values]
    assert not missing, f"no sample value for {missing} in {route}: add one to sample_arguments"
    return {name: values[name] for name in names}


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


def self_signed_ca(directory):
    """A self-signed certificate for localhost: a CA and the server's certificate at once, named after
    its directory so that no two CAs share a name."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, directory.name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (directory / "ca.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return directory
