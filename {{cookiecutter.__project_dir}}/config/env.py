"""Read configuration from the environment and refuse values that would weaken the site.

Every function raises ImproperlyConfigured naming the variable, so a misconfigured server
stops at boot with a clear message instead of running insecurely.
"""

import base64
import ipaddress
import os
import urllib.parse
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Fragments that mark a value copied from documentation rather than generated.
PLACEHOLDER_MARKERS = ("changeme", "change-me", "change_me", "replace-me", "placeholder", "django-insecure")
SUPPORTED_DATABASES = ("sqlite", "postgres", "postgresql")
SMTP_SCHEMES = ("smtp", "smtps", "smtp+tls", "smtp+ssl")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def load_dotenv(path=BASE_DIR / ".env"):
    """Load .env into os.environ; variables already set in the environment win."""
    if Path(path).is_file():
        environ.Env.read_env(path, overwrite=False)


def required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set: add it to the environment or to .env (see .env.example).")
    if any(marker in value.lower() for marker in PLACEHOLDER_MARKERS):
        raise ImproperlyConfigured(f"{name} still holds a placeholder: replace it with a real value.")
    return value


def secret_key(name="DJANGO_SECRET_KEY"):
    value = required(name)
    if len(value) < 50 or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"{name} must be at least 50 random characters; generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    return value


def allowed_hosts(name="DJANGO_ALLOWED_HOSTS"):
    hosts = [host.strip() for host in required(name).split(",") if host.strip()]
    if not hosts or "*" in hosts:
        raise ImproperlyConfigured(f"{name} must list the site's host names, never '*' (Host header attacks).")
    return hosts


def fernet_key(name):
    """A Fernet key: 32 random bytes, URL-safe base64 (44 characters)."""
    value = required(name)
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"{name} must be 32 random bytes in URL-safe base64; generate one with: "
            'python -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
        )
    return value


def admin_url(name="DJANGO_ADMIN_URL"):
    value = required(name)
    if value.startswith("/") or not value.endswith("/") or value == "admin/":
        raise ImproperlyConfigured(
            f"{name} must be a path such as 'admin-3f9c2a7b/': no leading '/', a trailing '/', not 'admin/'."
        )
    return value


def redis_url(name="REDIS_URL"):
    value = required(name)
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must start with redis://, rediss:// or unix://.")
    return value


def email(name="EMAIL_URL"):
    """Email settings from a URL. Only SMTP in production: a console backend would write password-reset
    links (account takeover tokens) into the logs."""
    value = required(name)
    scheme = value.partition("://")[0]
    if scheme not in SMTP_SCHEMES:
        raise ImproperlyConfigured(f"{name} must start with one of {', '.join(s + '://' for s in SMTP_SCHEMES)}.")
    return environ.Env.email_url_config(value)


def networks(name):
    """Comma-separated IP addresses or CIDR networks (empty: none)."""
    entries = [entry.strip() for entry in os.environ.get(name, "").split(",") if entry.strip()]
    try:
        return [ipaddress.ip_network(entry, strict=False) for entry in entries]
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} must list IP addresses or networks such as 127.0.0.1 or 10.0.0.0/8 ({error})."
        ) from error


def database_password(name="DATABASE_URL"):
    """A server database (not SQLite) must have a password that is not empty or a placeholder."""
    config = database(name)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return None
    password = config.get("PASSWORD") or ""
    if not password or any(marker in password.lower() for marker in PLACEHOLDER_MARKERS):
        raise ImproperlyConfigured(f"{name} must carry the database password (postgres://USER:PASSWORD@HOST/NAME).")
    return password


def flag(name, default=False):
    """A strict boolean: an unrecognised word is an error, not a silent False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def database(name="DATABASE_URL", default="sqlite:///db.sqlite3"):
    """Parse a database URL; a relative SQLite path is taken relative to the project, not the cwd."""
    url = os.environ.get(name, "").strip() or default
    scheme = url.partition("://")[0]
    if scheme not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(
            f"{name} must start with one of {', '.join(s + '://' for s in SUPPORTED_DATABASES)}; got {scheme!r}."
        )
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        path = config["NAME"]
        if path != ":memory:":
            if not Path(path).is_absolute():
                config["NAME"] = str(BASE_DIR / path)
            config["OPTIONS"] = {
                # Several workers write at once (logins, lockout counters): take the write lock when a
                # transaction starts and wait for it, instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
    else:
        config["CONN_MAX_AGE"] = 60  # reuse connections instead of paying a TLS and auth handshake per request
        config["CONN_HEALTH_CHECKS"] = True  # a connection the database dropped is replaced, not used
    return config


PLAINTEXT_OPT_OUT = "DJANGO_PLAINTEXT_ON_PRIVATE_NETWORK"  # yes: plain connections to other hosts accepted


def on_this_machine(host):
    """Loopback or a Unix socket path: traffic that never leaves the machine."""
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def services_use_tls(names=("REDIS_URL", "EMAIL_URL", "DATABASE_URL")):
    """Production: Redis, the mail relay and PostgreSQL on another host are reached over TLS only, or
    the boot is refused naming the variable: session data, reset mails and every query would
    otherwise cross the network readable by anyone on the path. DJANGO_PLAINTEXT_ON_PRIVATE_NETWORK=yes
    accepts plain connections on a network you trust."""
    if flag(PLAINTEXT_OPT_OUT):
        return
    for name in names:
        url = os.environ.get(name, "").strip()
        if not url or "://" not in url:
            continue
        parts = urllib.parse.urlsplit(url)
        if on_this_machine(parts.hostname or ""):
            continue
        query = urllib.parse.parse_qs(parts.query)
        encrypted = {
            "rediss": True,
            "smtps": True,
            "smtp+ssl": True,
            "smtp+tls": True,  # STARTTLS, required (EMAIL_USE_TLS)
            "postgres": query.get("sslmode", [""])[-1] in ("require", "verify-ca", "verify-full"),
            "postgresql": query.get("sslmode", [""])[-1] in ("require", "verify-ca", "verify-full"),
        }.get(parts.scheme, False)
        if not encrypted:
            raise ImproperlyConfigured(
                f"{name} reaches {parts.hostname} without TLS: use rediss://, smtp+tls:// or smtps://, or"
                f" ?sslmode=verify-full for PostgreSQL (or set {PLAINTEXT_OPT_OUT}=yes on a private network)."
            )
