"""Production settings refuse to load when the environment would weaken the site."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.helpers.certificates import self_signed_ca
from tests.helpers.production_settings import VALID_ENV, load_prod


def test_valid_environment_loads(monkeypatch):
    settings = load_prod(monkeypatch)
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["example.com", "www.example.com"]
    assert "SECURE_PROXY_SSL_HEADER" not in settings


def test_production_uses_redis_and_smtp(monkeypatch):
    settings = load_prod(monkeypatch)
    assert settings["CACHES"]["default"]["BACKEND"] == "{{ cookiecutter.project_slug }}.throttling.cache.RedisOrLocalCache"
    # A hung Redis costs a request at most a quarter of a second per timeout (docs/outages.md).
    options = settings["CACHES"]["default"]["OPTIONS"]
    assert max(options["SOCKET_CONNECT_TIMEOUT"], options["SOCKET_TIMEOUT"]) <= 0.25
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["EMAIL_HOST"] == "smtp.example.com"
    assert settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_USE_TLS"] is True
    assert settings["EMAIL_TIMEOUT"] == 10  # a hung relay cannot hold a worker until gunicorn kills it


def test_proxy_header_is_trusted_only_when_declared(monkeypatch):
    settings = load_prod(monkeypatch, DJANGO_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert [str(network) for network in settings["TRUSTED_PROXIES"]] == ["127.0.0.1/32", "10.0.0.0/8"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", None, "DJANGO_SECRET_KEY is not set"),
        ("DJANGO_SECRET_KEY", "   ", "DJANGO_SECRET_KEY is not set"),
        ("DJANGO_SECRET_KEY", "too-short-but-random-4f9a", "DJANGO_SECRET_KEY must be at least 50"),
        ("DJANGO_SECRET_KEY", "ab" * 30, "DJANGO_SECRET_KEY must be at least 50"),
        ("DJANGO_SECRET_KEY", "change-me-" + "x1y2z3" * 10, "DJANGO_SECRET_KEY still holds a placeholder"),
        ("DJANGO_SECRET_KEY", "django-insecure-" + "x1y2z3" * 10, "DJANGO_SECRET_KEY still holds a placeholder"),
        ("DJANGO_DEBUG", "1", "DJANGO_DEBUG is on"),
        ("DJANGO_DEBUG", "True", "DJANGO_DEBUG is on"),
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be one of"),
        ("DJANGO_ALLOWED_HOSTS", None, "DJANGO_ALLOWED_HOSTS is not set"),
        ("DJANGO_ALLOWED_HOSTS", " , ", "DJANGO_ALLOWED_HOSTS must list"),
        ("DJANGO_ALLOWED_HOSTS", "*", "DJANGO_ALLOWED_HOSTS must list"),
        ("DJANGO_ALLOWED_HOSTS", "example.com,*", "DJANGO_ALLOWED_HOSTS must list"),
        ("DJANGO_ADMIN_URL", None, "DJANGO_ADMIN_URL is not set"),
        ("DJANGO_ADMIN_URL", "admin/", "DJANGO_ADMIN_URL must be a path"),
        ("DJANGO_ADMIN_URL", "/secret-admin/", "DJANGO_ADMIN_URL must be a path"),
        ("DJANGO_TRUSTED_PROXIES", "nginx", "DJANGO_TRUSTED_PROXIES must list IP addresses"),
        ("REDIS_URL", None, "REDIS_URL is not set"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must start with redis://"),
        ("REDIS_URL", "rediss://cache.internal:6380/0?ssl_certfile=/etc/a.pem", "REDIS_URL must give both"),
        ("REDIS_URL", "redis://127.0.0.1:6379/0?ssl_certfile=/a.pem&ssl_keyfile=/a.key", "REDIS_URL must give both"),
        ("REDIS_URL", "rediss://cache.internal/0?ssl_certfile=/no/a.pem&ssl_keyfile=/no/a.key", "names a file"),
        ("DATABASE_URL", "postgres://app@db.internal:5432/app", "DATABASE_URL must name a Unix socket"),
        ("DATABASE_URL", "postgres://app:CHANGE-ME@db.internal/app", "DATABASE_URL must name a Unix socket"),
        ("DATABASE_URL", "postgres://app@db.internal/app?sslcert=/etc/a.pem", "DATABASE_URL must name a Unix socket"),
        ("DATABASE_URL", "postgres://postgres:postgres@db.internal/app", "DATABASE_URL carries a well-known default"),
        ("DATABASE_URL", "postgres://app:Password@db.internal/app", "DATABASE_URL carries a well-known default"),
        ("DATABASE_URL", "postgres://app:app@db.internal/app", "DATABASE_URL carries a well-known default"),
        ("DATABASE_URL", "mysql://app:pw@db.internal/app", "DATABASE_URL must start with one of"),
        ("DJANGO_MFA_KEY", None, "DJANGO_MFA_KEY is not set"),
        ("DJANGO_MFA_KEY", "c2hvcnQ=", "DJANGO_MFA_KEY must be 32 random bytes"),
        ("DJANGO_MFA_KEY", "not base64 at all!", "DJANGO_MFA_KEY must be 32 random bytes"),
        ("EMAIL_URL", None, "EMAIL_URL is not set"),
        ("EMAIL_URL", "consolemail://", "EMAIL_URL must start with one of smtp://"),
    ],
)
def test_unsafe_environment_is_refused(monkeypatch, variable, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_prod(monkeypatch, **{variable: value})


def test_wsgi_server_refuses_to_boot_without_a_secret_key():
    # The real entry point, in a fresh process: an empty variable is not filled in from .env.
    project = Path(__file__).resolve().parent.parent
    env = {**os.environ, **VALID_ENV, "DJANGO_SECRET_KEY": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603  (fixed argv, no shell)
        [sys.executable, "-c", "import config.wsgi"], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 3  # gunicorn's "worker failed to boot" (config/wsgi.py)
    assert result.stderr.startswith("Refusing to start: DJANGO_SECRET_KEY is not set")  # one line, no traceback


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:p@h/db", "DATABASE_URL must start with one of"),
        ("not a url", "DATABASE_URL must start"),
        ("postgres://app:pw@db.internal:54x2/app", "DATABASE_URL is not a valid database URL: Port could not"),
    ],
)
def test_unsupported_database_url_is_refused(monkeypatch, url, message):
    from config import env

    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match=message):
        env.database()


def test_relative_sqlite_path_is_anchored_to_the_project(monkeypatch):
    from config import env

    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    assert env.database()["NAME"] == str(env.BASE_DIR / "db.sqlite3")


@pytest.fixture(scope="module")
def certificate_files(tmp_path_factory):
    """A certificate and its key, a path where no file is, and a folder."""
    mine = self_signed_ca(tmp_path_factory.mktemp("mine"))
    return {"cert": mine / "ca.pem", "key": mine / "key.pem", "absent": mine / "absent.pem", "folder": mine}


RELAY = "smtp+tls://relay.example.com:587"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (RELAY + "?ssl_certfile={cert}", "EMAIL_URL must give both ssl_certfile and ssl_keyfile"),
        (RELAY + "?ssl_keyfile={key}", "EMAIL_URL must give both ssl_certfile and ssl_keyfile"),
        ("smtp://localhost:25?ssl_certfile={cert}&ssl_keyfile={key}", "EMAIL_URL sends a client certificate only"),
        (RELAY + "?ssl_certfile={cert}&ssl_keyfile={absent}", "EMAIL_URL names a file that does not exist"),
        (RELAY + "?ssl_certfile={absent}&ssl_keyfile={key}", "EMAIL_URL names a file that does not exist"),
        (RELAY + "?ssl_certfile={cert}&ssl_keyfile={folder}", "EMAIL_URL names a file that does not exist"),
        (RELAY + "?ssl_cafile={absent}", "EMAIL_URL names a file that does not exist"),
        # Dropped unseen otherwise, or worse: email_use_tls=0 would send the password in clear under smtp+tls://.
        (RELAY + "?email_use_tls=0", "EMAIL_URL takes no parameter but ssl_cafile, ssl_certfile and ssl_keyfile"),
        (RELAY + "?timeout=5", "EMAIL_URL takes no parameter but ssl_cafile, ssl_certfile and ssl_keyfile"),
    ],
)
def test_unusable_mail_relay_parameters_are_refused(monkeypatch, certificate_files, url, message):
    with pytest.raises(ImproperlyConfigured, match=f"^{message}"):
        load_prod(monkeypatch, EMAIL_URL=url.format(**certificate_files))


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REDIS_URL", "redis://cache.internal:6379/0"),
        ("EMAIL_URL", "smtp://mailer:s3cret@smtp.example.com:25"),
        ("DATABASE_URL", "postgres://app:s3cret-pw@db.example.com:5432/app"),
        ("DATABASE_URL", "postgres://app:s3cret-pw@db.example.com:5432/app?sslmode=prefer"),
        # Encrypted, but to whoever answers: the certificate is not checked.
        ("DATABASE_URL", "postgres://app:s3cret-pw@db.example.com:5432/app?sslmode=require"),
        ("REDIS_URL", "rediss://cache.internal:6380/0?ssl_cert_reqs=none"),
        ("REDIS_URL", "rediss://cache.internal:6380/0?ssl_cert_reqs=optional"),
        ("REDIS_URL", "rediss://cache.internal:6380/0?ssl_check_hostname=false"),
    ],
)
def test_plaintext_to_another_host_is_refused_naming_the_variable(monkeypatch, variable, value):
    with pytest.raises(ImproperlyConfigured, match=f"^{variable} reaches .* without TLS"):
        load_prod(monkeypatch, **{variable: value})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REDIS_URL", "rediss://cache.internal:6380/0"),
        ("REDIS_URL", "redis://127.0.0.1:6379/0"),
        ("REDIS_URL", "unix:///run/redis/redis.sock"),
        ("EMAIL_URL", "smtps://mailer:s3cret@smtp.example.com:465"),
        ("EMAIL_URL", "smtp://localhost:25"),
        ("DATABASE_URL", "postgres://app:s3cret-pw@db.example.com:5432/app?sslmode=verify-full"),
        ("DATABASE_URL", "postgres://app:s3cret-pw@db.example.com/app?sslmode=verify-ca&sslrootcert=/etc/ssl/ca.pem"),
        ("DATABASE_URL", "postgres://app:s3cret-pw@[::1]:5432/app"),
        # PostgreSQL's peer authentication over its socket, or a client certificate: no password to carry.
        ("DATABASE_URL", "postgres://app@/app?host=/var/run/postgresql"),
        ("DATABASE_URL", "postgres://app@db.example.com/app?sslmode=verify-full&sslcert=/etc/a.pem&sslkey=/etc/a.key"),
    ],
)
def test_tls_or_this_machine_is_accepted(monkeypatch, variable, value):
    load_prod(monkeypatch, **{variable: value})


def test_plaintext_on_a_private_network_is_an_explicit_choice(monkeypatch):
    settings = load_prod(monkeypatch, REDIS_URL="redis://10.0.0.5:6379/0", DJANGO_PLAINTEXT_ON_PRIVATE_NETWORK="yes")
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://10.0.0.5:6379/0"
