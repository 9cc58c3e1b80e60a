"""Production. Everything sensitive comes from the environment; a missing, placeholder or unsafe
value stops the process at boot with ImproperlyConfigured naming the variable."""

from django.core.exceptions import ImproperlyConfigured

from config import env

from .base import *  # noqa: F403

if env.flag("DJANGO_DEBUG"):
    raise ImproperlyConfigured("DJANGO_DEBUG is on: debug pages leak settings and source; unset it in production.")
DEBUG = False

SECRET_KEY = env.secret_key()
SECRET_KEY_FALLBACKS = env.secret_key_fallbacks()  # a rotated key: sessions and reset links survive the switch
env.database_credentials()  # PostgreSQL: a Unix socket (peer), a client certificate or a real password
ADMIN_URL = env.admin_url()
MFA_ENCRYPTION_KEY = env.fernet_key("DJANGO_MFA_KEY")
MFA_ENCRYPTION_KEY_FALLBACKS = env.fernet_key_fallbacks("DJANGO_MFA_KEY_FALLBACKS")  # read until rotate_mfa_key
ALLOWED_HOSTS = env.allowed_hosts()
SITE_URL = env.site_url(ALLOWED_HOSTS)  # where links in mail lead: never the host and port a request named

TRUSTED_PROXIES = env.networks("DJANGO_TRUSTED_PROXIES")
if TRUSTED_PROXIES:
    # Only behind proxies that overwrite X-Forwarded-Proto (deploy/nginx does): otherwise any client
    # could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

globals().update(env.email())  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, ... from EMAIL_URL
EMAIL_TIMEOUT = 10  # seconds per relay operation: a hung relay fails the send instead of holding the worker
env.services_use_tls()  # Redis, mail and PostgreSQL on another host: TLS, or the boot is refused

# Rate limits must count across every worker and host: a shared Redis. If it stops or hangs, each
# worker counts in its own memory until Redis answers again (throttling/cache.py, docs/outages.md): no
# 500s, limits per process meanwhile. A quarter of a second is ample on a working network, so a hung
# Redis delays one request per worker per second by at most that much, instead of stalling the site.
CACHES = {
    "default": {
        "BACKEND": "{{ cookiecutter.project_slug }}.throttling.cache.RedisOrLocalCache",
        "LOCATION": env.redis_url(),
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25, "RETRY_AFTER": 1},
    }
}
# django-ratelimit's check knows only its own list of backends; this one counts in Redis.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Sessions live in the database only, never in Redis: a session ended (sign-out, "end every session")
# while Redis is unreachable would otherwise come back from Redis's stale copy when it returns.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed static files served by WhiteNoise with far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
