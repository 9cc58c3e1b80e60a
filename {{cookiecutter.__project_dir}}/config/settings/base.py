"""Settings shared by every environment. Hardening lives in security.py, logging in logging.py."""

from config import env
from config.env import BASE_DIR

SITE_NAME = {{ cookiecutter.project_name | tojson }}
# /.well-known/security.txt (RFC 9116, core/security_txt.py). Expires was set a year from the day this
# project was generated; `check --deploy` warns 30 days before it and fails after it.
SECURITY_TXT = {
    "Contact": "mailto:{{ cookiecutter.author_email }}",
    "Expires": "{% now 'utc' + 'days=365', '%Y-%m-%dT00:00:00Z' %}",
    "Canonical": "https://{{ cookiecutter.__domain }}/.well-known/security.txt",
    "Preferred-Languages": "en",
}

INSTALLED_APPS = [
    "{{ cookiecutter.project_slug }}.accounts.apps.VerifiedAdminConfig",  # the admin, behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth.usersessions shows "last seen 5 minutes ago"
    "django.contrib.sites",  # SITE_ID (security.py): the site allauth names in limits, not the Host header
    "csp",
    "django_ratelimit",
    "axes",
    "allauth",
    "allauth.account",  # sign-up, login, email verification, password change and reset, re-authentication
    "allauth.mfa",  # TOTP, WebAuthn and passkey login
    "allauth.usersessions",  # a user's sessions: listed, ended
    "rest_framework",
    "knox",  # API tokens, hashed at rest (KNOX_TOKEN_MODEL: api.Token)
    "drf_spectacular",  # the OpenAPI 3 schema
    "{{ cookiecutter.project_slug }}.accounts",
    "{{ cookiecutter.project_slug }}.api",
    "{{ cookiecutter.project_slug }}.core",
    "{{ cookiecutter.project_slug }}.documents",
    "{{ cookiecutter.project_slug }}.audit",
]
# Tokens live in api.Token (KNOX_TOKEN_MODEL). knox's own migrations would still create its unused
# token table, whose foreign key to the users then blocks the test database's flush on PostgreSQL.
MIGRATION_MODULES = {"knox": None}

MIDDLEWARE = [
    # First, so every response carries its headers (redirects and error pages too) and every log line
    # its request id: X-Request-ID, Permissions-Policy and the EXTRA_SECURITY_HEADERS of security.py.
    "{{ cookiecutter.project_slug }}.hardening.middleware.SecurityHeadersMiddleware",
    # Sign-up and reset POSTs answer no sooner than ACCOUNT_ANSWER_FLOOR, whatever runs below (no
    # enumeration of accounts by timing).
    "{{ cookiecutter.project_slug }}.accounts.answer_floor.AnswerFloorMiddleware",
    # Content-Security-Policy (security.py) with a fresh nonce per response, also on redirects and errors.
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Under /api/: every error as application/problem+json, and the API's own headers (api/errors.py).
    "{{ cookiecutter.project_slug }}.api.errors.ApiResponsesMiddleware",
    # Cross-site requests other than top-level navigations get 403 (FETCH_METADATA_EXEMPT_PATHS aside).
    "{{ cookiecutter.project_slug }}.hardening.fetch_metadata.FetchMetadataMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store on signed-in and account pages; Clear-Site-Data on sign-out.
    "{{ cookiecutter.project_slug }}.accounts.private_responses.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "{{ cookiecutter.project_slug }}.accounts.session_lifetime.SessionLifetimeMiddleware",  # idle and absolute limits
    "allauth.account.middleware.AccountMiddleware",  # allauth's login stages and re-authentication
    "allauth.usersessions.middleware.UserSessionsMiddleware",  # last seen time and address per session
    # Staff and superusers (or everyone) reach nothing but the factor set-up until they have one.
    "{{ cookiecutter.project_slug }}.accounts.mfa_policy.RequireSecondFactorMiddleware",
    # A stored factor no MFA key decrypts gets a 503 page saying what to do, and an event, not a 500.
    "{{ cookiecutter.project_slug }}.accounts.unreadable_factors.UnreadableFactorsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",  # a Ratelimited exception becomes the 429 page
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a lockout into its 429 page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "{{ cookiecutter.project_slug }}.core.context_processors.site",
                "{{ cookiecutter.project_slug }}.accounts.mfa_policy.navigation",  # the menu before a factor is set up
            ],
        },
    },
]

DATABASES = env.databases()  # "default", and "owner" for `migrate` when DATABASE_MIGRATE_URL is set
# A process-local cache is exact for one process (development, tests); prod.py switches to Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = {{ cookiecutter.time_zone | tojson }}
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

DEFAULT_FROM_EMAIL = {{ cookiecutter.author_email | tojson }}
SERVER_EMAIL = DEFAULT_FROM_EMAIL

from .logging import *  # noqa: E402, F403
from .security import *  # noqa: E402, F403  (hardening, audited in one file)
