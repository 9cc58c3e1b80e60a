"""Test settings: the production posture, with an in-memory database and a fast hasher.

Tests run over HTTPS (tests/helpers/clients.py), so every protection in security.py is observed
as production serves it.
"""

import base64
import secrets

from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = secrets.token_urlsafe(48)  # fresh per run: tests never depend on a committed key
ADMIN_URL = "admin-test/"
MFA_ENCRYPTION_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
MFA_ENCRYPTION_KEY_FALLBACKS = []
ALLOWED_HOSTS = ["testserver"]
SITE_URL = "https://testserver"  # where links in mail lead (prod.py: DJANGO_SITE_URL)

DATABASES = {"default": env.database(default="sqlite://:memory:")}

# Argon2 costs ~0.14 s per check by design (accounts/hashers.py); tests hash many passwords.
# tests/test_brute_force.py::test_argon2_parameters_are_the_documented_ones checks production's.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process: the local-memory cache counts rate limits exactly (prod.py requires Redis).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Serve static files straight from static/ and the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# No request leaves the test run: the breached-password check is off, except in
# tests/test_breached_passwords.py, which runs a range server on 127.0.0.1.
PWNED_PASSWORDS_URL = None

ACCOUNT_ANSWER_FLOOR = 0  # the padding is measured through the live server (the template's timing tests)
