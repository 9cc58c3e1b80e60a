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
env.database_password()  # a server database needs a real password (DATABASE_URL)
ADMIN_URL = env.admin_url()
MFA_ENCRYPTION_KEY = env.fernet_key("DJANGO_MFA_KEY")
MFA_ENCRYPTION_KEY_FALLBACKS = env.fernet_key_fallbacks("DJANGO_MFA_KEY_FALLBACKS")  # read until rotate_mfa_key
ALLOWED_HOSTS = env.allowed_hosts()

TRUSTED_PROXIES = env.networks("DJANGO_TRUSTED_PROXIES")
if TRUSTED_PROXIES:
    # Only behind proxies that overwrite X-Forwarded-Proto (deploy/nginx does): otherwise any client
    # could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

globals().update(env.email())  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, ... from EMAIL_URL
env.services_use_tls()  # Redis, mail and PostgreSQL on another host: TLS, or the boot is refused

# Rate limits and lockouts must count across every worker and host: a shared Redis.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env.redis_url(),
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
    }
}

# Sessions read from Redis and written through to the database: fast, and nobody is signed out when
# Redis restarts.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed static files served by WhiteNoise with far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
