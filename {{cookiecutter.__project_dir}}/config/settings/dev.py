"""Local development on http://127.0.0.1:8000.

Relaxes only what plain HTTP on localhost needs; every other protection stays as in security.py.
"""

from config import env

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY
from .logging import logging_config

DEBUG = True
SECRET_KEY = env.secret_key()
SECRET_KEY_FALLBACKS = env.secret_key_fallbacks()
ADMIN_URL = env.admin_url()
MFA_ENCRYPTION_KEY = env.fernet_key("DJANGO_MFA_KEY")
MFA_ENCRYPTION_KEY_FALLBACKS = env.fernet_key_fallbacks("DJANGO_MFA_KEY_FALLBACKS")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
SITE_URL = f"http://127.0.0.1:{env.lookup('PORT') or 8000}"  # bin/serve's address: links in mail printed here

# Plain HTTP on localhost: no redirect, no HSTS (it would stick to localhost for a year),
# and cookies without Secure, so they cannot carry the __Host- prefix.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        name: value
        for name, value in CONTENT_SECURITY_POLICY["DIRECTIVES"].items()
        if name != "upgrade-insecure-requests"
    }
}

# One process: the local-memory cache counts rate limits exactly (prod.py requires Redis).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Serve static files straight from static/ and the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
LOGGING = logging_config(json_lines=False)  # readable lines in the terminal
