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
from django.http.request import validate_host

BASE_DIR = Path(__file__).resolve().parent.parent

# Fragments that mark a value copied from documentation rather than generated.
PLACEHOLDER_MARKERS = ("changeme", "change-me", "change_me", "replace-me", "placeholder", "django-insecure")
# Passwords that installers, images and tutorials ship with: the first ones an attacker tries.
VENDOR_DEFAULT_PASSWORDS = {"postgres", "password", "admin", "root", "secret", "pass", "123456", "12345678"}
SUPPORTED_DATABASES = ("sqlite", "postgres", "postgresql")
SMTP_SCHEMES = ("smtp", "smtps", "smtp+tls", "smtp+ssl")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def load_dotenv(path=BASE_DIR / ".env"):
    """Load .env into os.environ; variables already set in the environment win."""
    if Path(path).is_file():
        environ.Env.read_env(path, overwrite=False)


def lookup(name):
    """A variable from the environment, else from the file of that name in $CREDENTIALS_DIRECTORY, where
    systemd puts the unit's LoadCredential=/LoadCredentialEncrypted= secrets (deploy/systemd): a secret
    given that way is readable only by the service and stays out of its environment, which child
    processes inherit and error reports copy."""
    if name in os.environ:
        return os.environ[name].strip()
    directory = os.environ.get("CREDENTIALS_DIRECTORY")
    if directory and (Path(directory) / name).is_file():
        return (Path(directory) / name).read_text().strip()
    return ""


def required(name):
    value = lookup(name)
    if not value:
        raise ImproperlyConfigured(f"{name} is not set: add it to the environment or to .env (see .env.example).")
    return not_placeholder(name, value)


def not_placeholder(name, value):
    if any(marker in value.lower() for marker in PLACEHOLDER_MARKERS):
        raise ImproperlyConfigured(f"{name} still holds a placeholder: replace it with a real value.")
    return value


def listed(name):
    """The comma-separated entries of a variable (empty or unset: none)."""
    return [entry.strip() for entry in lookup(name).split(",") if entry.strip()]


def secret_key(name="DJANGO_SECRET_KEY", value=None):
    value = required(name) if value is None else not_placeholder(name, value)
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


def site_url(hosts, name="DJANGO_SITE_URL"):
    """The site's own origin, which links in mail lead to (accounts/adapters.py), never the Host a request
    named: https://HOST or https://HOST:PORT, HOST one of ALLOWED_HOSTS. Unset: the first of them."""
    value = lookup(name) or f"https://{hosts[0].lstrip('.')}"
    parts = urllib.parse.urlsplit(value)
    try:
        host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
    except ValueError:  # a port that is not a number
        host = None
    if parts.scheme != "https" or host != parts.netloc or parts.path.strip("/") or parts.query or parts.fragment:
        host = None
    if not host or not validate_host(parts.hostname, hosts):
        raise ImproperlyConfigured(
            f"{name} must be the site's address, https://HOST or https://HOST:PORT, HOST one of DJANGO_ALLOWED_HOSTS."
        )
    return f"https://{host}"


def secret_key_fallbacks(name="DJANGO_SECRET_KEY_FALLBACKS"):
    """Earlier secret keys, each checked as DJANGO_SECRET_KEY: what they signed (sessions, reset links)
    stays valid while a new DJANGO_SECRET_KEY takes over (docs/keys.md)."""
    return [secret_key(name, value) for value in listed(name)]


def fernet_key(name, value=None):
    """32 random bytes, URL-safe base64 (44 characters): the MFA key (AES-256-GCM; Fernet for older values)."""
    value = required(name) if value is None else not_placeholder(name, value)
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


def fernet_key_fallbacks(name):
    """Earlier MFA keys, each checked as the MFA key: read while rotate_mfa_key rewrites what they sealed."""
    return [fernet_key(name, value) for value in listed(name)]


def admin_url(name="DJANGO_ADMIN_URL"):
    value = required(name)
    if value.startswith("/") or not value.endswith("/") or value == "admin/":
        raise ImproperlyConfigured(
            f"{name} must be a path such as 'admin-3f9c2a7b/': no leading '/', a trailing '/', not 'admin/'."
        )
    return value


# redis-py adds a CA given in the URL to the system's public CAs, and has no option to leave those out:
# any of them could then certify a server for the name.
REDIS_PRIVATE_CA_PARAMETERS = ("ssl_ca_certs", "ssl_ca_path", "ssl_ca_data")


def redis_url(name="REDIS_URL"):
    value = required(name)
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must start with redis://, rediss:// or unix://.")
    given = urllib.parse.parse_qs(urllib.parse.urlsplit(value).query)
    if any(parameter in given for parameter in REDIS_PRIVATE_CA_PARAMETERS):
        raise ImproperlyConfigured(
            f"{name} names a private CA, which the Redis client would trust beside every public CA: give Redis a"
            " publicly trusted certificate, or reach it through a local TLS tunnel (docs/connections.md)."
        )
    # ?ssl_certfile=PATH&ssl_keyfile=PATH: a client certificate by which Redis (tls-auth-clients) knows the site.
    certificate = [given[key][-1] for key in ("ssl_certfile", "ssl_keyfile") if key in given]
    if certificate and (len(certificate) == 1 or not value.startswith("rediss://")):
        raise ImproperlyConfigured(f"{name} must give both ssl_certfile and ssl_keyfile, over rediss://, or neither.")
    unreadable = [path for path in certificate if not readable(path)]
    if unreadable:  # stop the boot, not the first request
        raise ImproperlyConfigured(f"{name} names a file that does not exist or cannot be read: {unreadable[0]}.")
    return value


def readable(path):
    return Path(path).is_file() and os.access(path, os.R_OK)


def email(name="EMAIL_URL"):
    """Email settings from a URL. Only SMTP in production: a console backend would write password-reset
    links (account takeover tokens) into the logs. ?ssl_cafile=PATH: the relay's private CA, trusted alone
    (else the system's CAs). ?ssl_certfile=PATH&ssl_keyfile=PATH: a client certificate by which the relay
    knows the site, in place of a password that never changes."""
    value = required(name)
    scheme = value.partition("://")[0]
    if scheme not in SMTP_SCHEMES:
        raise ImproperlyConfigured(f"{name} must start with one of {', '.join(s + '://' for s in SMTP_SCHEMES)}.")
    config = environ.Env.email_url_config(value)
    config.pop("OPTIONS", None)  # the parameters, read and checked below
    query = {key.lower(): v[0] for key, v in urllib.parse.parse_qs(urllib.parse.urlsplit(value).query).items()}
    unknown = sorted(set(query) - {"ssl_cafile", "ssl_certfile", "ssl_keyfile"})
    if unknown:  # else dropped unseen, or turning TLS off behind the scheme's back (email_use_tls=0)
        raise ImproperlyConfigured(
            f"{name} takes no parameter but ssl_cafile, ssl_certfile and ssl_keyfile; got {', '.join(unknown)}."
        )
    certificate = [query[key] for key in ("ssl_certfile", "ssl_keyfile") if key in query]
    if len(certificate) == 1:
        raise ImproperlyConfigured(f"{name} must give both ssl_certfile and ssl_keyfile, or neither.")
    if certificate and scheme == "smtp":
        raise ImproperlyConfigured(f"{name} sends a client certificate only over TLS: use smtp+tls:// or smtp+ssl://.")
    unreadable = [path for path in query.values() if not readable(path)]
    if unreadable:  # stop the boot, not the first mail
        raise ImproperlyConfigured(f"{name} names a file that does not exist or cannot be read: {unreadable[0]}.")
    if query:
        config["EMAIL_BACKEND"] = "{{ cookiecutter.project_slug }}.core.mail.PrivateCaEmailBackend"
        config["EMAIL_SSL_CAFILE"] = query.get("ssl_cafile")
        config["EMAIL_SSL_CERTFILE"], config["EMAIL_SSL_KEYFILE"] = certificate or (None, None)
    return config


def networks(name):
    """Comma-separated IP addresses or CIDR networks (empty: none)."""
    entries = [entry.strip() for entry in os.environ.get(name, "").split(",") if entry.strip()]
    try:
        return [ipaddress.ip_network(entry, strict=False) for entry in entries]
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} must list IP addresses or networks such as 127.0.0.1 or 10.0.0.0/8 ({error})."
        ) from error


def database_credentials(name="DATABASE_URL"):
    """A server database (not SQLite) must know who connects without trusting a password alone where it
    need not: over its Unix socket PostgreSQL asks the kernel which account is connecting (peer
    authentication, deploy/postgresql/pg_hba.conf), from another host a client certificate
    (?sslcert=PATH&sslkey=PATH) proves it. Otherwise the URL must carry a real password."""
    config = database(name)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return None
    options = config.get("OPTIONS", {})
    host = str(options.get("host") or config.get("HOST") or "")
    if not host or host.startswith("/") or (options.get("sslcert") and options.get("sslkey")):
        return None
    password = config.get("PASSWORD") or ""
    if not password or any(marker in password.lower() for marker in PLACEHOLDER_MARKERS):
        raise ImproperlyConfigured(
            f"{name} must name a Unix socket (postgres://USER@/NAME?host=/var/run/postgresql), a client certificate"
            " (?sslcert=PATH&sslkey=PATH) or carry the database password (postgres://USER:PASSWORD@HOST/NAME)."
        )
    if password.lower() in VENDOR_DEFAULT_PASSWORDS or password == config.get("USER"):
        raise ImproperlyConfigured(f"{name} carries a well-known default password: set a generated one.")
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
    url = lookup(name) or default
    scheme = url.partition("://")[0]
    if scheme not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(
            f"{name} must start with one of {', '.join(s + '://' for s in SUPPORTED_DATABASES)}; got {scheme!r}."
        )
    try:
        config = environ.Env.db_url_config(url)
    except ValueError as error:  # a malformed port, for one: name the variable, not only the value
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {error}.") from error
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
        # A new connection per request (?conn_max_age=60 in the URL reuses them): a query on a kept
        # connection to a database that hangs waits for it, until gunicorn kills the worker at 30 s,
        # while a new connection gives up after connect_timeout and the page is a 503 (hardening/error_pages.py).
        config.setdefault("CONN_MAX_AGE", 0)
        config["CONN_HEALTH_CHECKS"] = True  # a kept connection the database dropped is replaced, not used
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", 2)  # seconds (libpq's minimum): a database that does not answer
        # A query stuck on locks or a runaway plan is cancelled by the server before the worker is killed.
        options.setdefault("options", "-c statement_timeout=20s")
    return config


def databases():
    """The site's connection (DATABASE_URL) and, when DATABASE_MIGRATE_URL is set, the schema owner's as
    "owner", which only `migrate` uses: the site's own role can read and write rows but change no table."""
    found = {"default": database()}
    if lookup("DATABASE_MIGRATE_URL"):
        found["owner"] = database("DATABASE_MIGRATE_URL")
    return found


PLAINTEXT_OPT_OUT = "DJANGO_PLAINTEXT_ON_PRIVATE_NETWORK"  # yes: plain connections to other hosts accepted


def on_this_machine(host):
    """Loopback or a Unix socket path: traffic that never leaves the machine."""
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def services_use_tls(names=("REDIS_URL", "EMAIL_URL", "DATABASE_URL", "DATABASE_MIGRATE_URL")):
    """Production: Redis, the mail relay and PostgreSQL on another host are reached over TLS that
    verifies the server's certificate and name, or the boot is refused naming the variable: session
    data, reset mails and every query would otherwise cross the network readable, or be handed to
    whoever answers in the server's place. A private CA is trusted alone with ?sslrootcert=PATH
    (PostgreSQL) or ?ssl_cafile=PATH (mail); Redis takes none (redis_url).
    DJANGO_PLAINTEXT_ON_PRIVATE_NETWORK=yes accepts plain connections on a network you trust."""
    if flag(PLAINTEXT_OPT_OUT):
        return
    for name in names:
        url = lookup(name)
        if not url or "://" not in url:
            continue
        parts = urllib.parse.urlsplit(url)
        if on_this_machine(parts.hostname or ""):
            continue
        query = {key: values[-1] for key, values in urllib.parse.parse_qs(parts.query).items()}
        verified = {
            # redis-py verifies by default; these two parameters would switch it off.
            "rediss": query.get("ssl_cert_reqs", "required") == "required"
            and query.get("ssl_check_hostname", "true").lower() in TRUE_WORDS,
            "smtps": True,  # Django's SMTP backend verifies the certificate and the host name
            "smtp+ssl": True,
            "smtp+tls": True,  # STARTTLS, required (EMAIL_USE_TLS)
            # libpq's "require" encrypts but accepts any certificate: an impostor would do.
            "postgres": query.get("sslmode") in ("verify-ca", "verify-full"),
            "postgresql": query.get("sslmode") in ("verify-ca", "verify-full"),
        }.get(parts.scheme, False)
        if not verified:
            raise ImproperlyConfigured(
                f"{name} reaches {parts.hostname} without TLS, or with TLS that does not verify the server's"
                " certificate: use rediss:// (checks left on), smtp+tls:// or smtps://, or ?sslmode=verify-full"
                " for PostgreSQL"
                f" (or set {PLAINTEXT_OPT_OUT}=yes on a private network)."
            )
