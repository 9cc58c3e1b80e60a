"""Every hardening setting of the project, each with the threat it counters.

These are the production values. dev.py relaxes only what plain HTTP on localhost needs;
prod.py and test.py keep all of them. A reviewer who reads this file knows the posture.
"""

from datetime import timedelta
from importlib.resources import files

from csp.constants import NONCE, NONE, SELF

# --- Transport -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = True  # plain-HTTP requests get a redirect, never content an eavesdropper could read
SECURE_HSTS_SECONDS = 31_536_000  # browsers refuse plain HTTP to this host for a year (SSL stripping)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # a forgotten HTTP subdomain cannot be used to plant cookies
SECURE_HSTS_PRELOAD = True  # eligible for browsers' preload list, which protects even the first visit
# Load balancers probe /healthz over plain HTTP on the private network and treat a redirect as a
# failure; the page carries nothing but "ok" or "unavailable", so plain HTTP reveals nothing.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# SECURE_PROXY_SSL_HEADER is set in prod.py, and only when DJANGO_TRUSTED_PROXIES names the proxies in
# front, which overwrite X-Forwarded-Proto: trusting that header without such a proxy lets any client
# claim HTTPS and defeat the redirect and the Secure-cookie checks.

# --- Cookies ---------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = True  # the session id never travels over plain HTTP (network sniffing)
CSRF_COOKIE_SECURE = True  # same for the CSRF token
SESSION_COOKIE_HTTPONLY = True  # script injected through XSS cannot read the session id
CSRF_COOKIE_HTTPONLY = True  # the token comes from the form, so no script needs to read the cookie
SESSION_COOKIE_SAMESITE = "Lax"  # cross-site POSTs arrive without the session (CSRF defence in depth)
CSRF_COOKIE_SAMESITE = "Lax"  # same for the CSRF cookie
SESSION_COOKIE_NAME = "__Host-sessionid"  # browser refuses it over HTTP or from a subdomain (cookie tossing)
CSRF_COOKIE_NAME = "__Host-csrftoken"  # same protection for the CSRF cookie
SESSION_COOKIE_AGE = 60 * 60 * 12  # a stolen session stops working within half a day
SESSION_IDLE_TIMEOUT = 30 * 60  # a session left unused for half an hour ends (accounts/session_lifetime.py)
SESSION_ABSOLUTE_LIFETIME = SESSION_COOKIE_AGE  # and any session 12 hours after sign-in, however active
CSRF_USE_SESSIONS = False  # kept as a cookie so anonymous forms (login) work without creating sessions
# Flash messages ("Authenticator app removed.") live in the server-side session: their text never
# travels in a client-readable `messages` cookie, the one cookie that could not be __Host- prefixed.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Response headers ------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"  # no framing at all: clickjacking (CSP frame-ancestors says the same)
SECURE_CONTENT_TYPE_NOSNIFF = True  # browsers trust Content-Type instead of sniffing (uploads run as script)
SECURE_REFERRER_POLICY = "same-origin"  # URLs, which may carry tokens, never leak to other sites
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"  # other sites' windows get no handle on ours (XS-Leaks)
WHITENOISE_ALLOW_ALL_ORIGINS = False  # static files get no CORS header: other sites cannot read them by script
# SECURE_BROWSER_XSS_FILTER was removed in Django 4.0: browsers dropped their XSS auditors, which could
# themselves be abused to leak data. Current OWASP advice is "X-XSS-Protection: 0"; the CSP below is
# the real XSS defence. These headers are added by security.middleware.SecurityHeadersMiddleware.
CSP_REPORT_PATH = "/security/csp-report/"  # the project's own endpoint (hardening/csp_report.py); no third party
EXTRA_SECURITY_HEADERS = {
    "X-XSS-Protection": "0",  # switch off what is left of legacy XSS auditors (they leak, never protect)
    "Cross-Origin-Resource-Policy": "same-origin",  # other sites cannot embed our responses (Spectre leaks)
    # With COOP same-origin: cross-origin isolation. A page loads nothing another origin has not opted
    # in to, so a Spectre-style read in our process can only find our own data.
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Reporting-Endpoints": f'csp-endpoint="{CSP_REPORT_PATH}"',  # where CSP report-to sends violations
}
# Powerful browser features the project does not use are denied to every origin, ours included: an
# injected script or a compromised dependency cannot turn on the camera or read the clipboard.
# Passkeys are the one exception: creating and using them is allowed to this origin only.
PASSKEY_FEATURES = ("publickey-credentials-create", "publickey-credentials-get")
PERMISSIONS_POLICY = {
    **{feature: ["self"] for feature in PASSKEY_FEATURES},
    **{
        feature: []
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "clipboard-read",
            "compute-pressure",
            "display-capture",
            "encrypted-media",
            "fullscreen",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "local-fonts",
            "magnetometer",
            "microphone",
            "midi",
            "otp-credentials",
            "payment",
            "picture-in-picture",
            "screen-wake-lock",
            "serial",
            "sync-xhr",
            "usb",
            "window-management",
            "xr-spatial-tracking",
        )
    },
}

# --- Content Security Policy (django-csp 4) --------------------------------------------------
# Nothing is allowed unless listed; scripts must come from this origin and carry the per-request
# nonce. No 'unsafe-inline' or 'unsafe-eval' anywhere: injected markup cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],  # anything not listed below is refused
        "script-src": [SELF, NONCE],  # XSS: injected <script> has no valid nonce
        "style-src": [SELF],  # injected styles cannot exfiltrate data through CSS selectors
        "img-src": [SELF],  # no tracking pixels or data exfiltration through images
        "font-src": [SELF],
        "connect-src": [SELF],  # fetch/XHR cannot send data to other hosts
        "manifest-src": [SELF],
        "form-action": [SELF],  # injected forms cannot post credentials elsewhere
        "base-uri": [NONE],  # injected <base> cannot redirect relative URLs
        "frame-ancestors": [NONE],  # clickjacking (modern form of X-Frame-Options)
        "object-src": [NONE],  # no plugins
        # DOM XSS: a string written to innerHTML, eval or a script URL throws instead of running;
        # no script of ours needs a policy, so none may be created. The admin is exempt (CSP_ADMIN_REPLACE).
        "require-trusted-types-for": ["'script'"],
        "trusted-types": [NONE],
        "upgrade-insecure-requests": True,  # a stray http:// subresource is fetched over HTTPS
        "report-uri": [CSP_REPORT_PATH],  # violations reach us: an attack or a page the policy breaks
        "report-to": "csp-endpoint",  # same, through the Reporting API (Reporting-Endpoints header)
    },
}
# The admin's bundled jQuery builds its widgets by writing HTML strings to innerHTML, which Trusted
# Types refuses: admin pages (accounts/mfa_policy.py, VerifiedAdminSite) keep every other directive.
CSP_ADMIN_REPLACE = {"require-trusted-types-for": None, "trusted-types": None}
# Resource isolation (hardening/fetch_metadata.py): other sites may link to pages, never load them as
# images, scripts, fetches or frames of objects (cross-site leaks); the CSP report endpoint is exempt.
FETCH_METADATA_EXEMPT_PATHS = [CSP_REPORT_PATH]
CSP_REPORT_MAX_BYTES = 64 * 1024  # larger report bodies are refused (413) before parsing: memory DoS
CSP_REPORT_RATE = "60/m"  # per client IP: a page can't be used to flood the log with reports

# --- Brute force and rate limits -------------------------------------------------------------
# Lockouts and rate limits reject before any password is checked, so a flood never reaches the
# password hasher (~0.14 s and 64 MiB per check). Counters live where every worker and host sees
# them: the database (lockouts) and Redis (allauth's account limits above; django-ratelimit for the
# CSP report endpoint, whose check refuses a process-local cache in prod.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out login is refused before the password check
    "allauth.account.auth_backends.AuthenticationBackend",  # email login; hashes even for unknown addresses
]
AXES_FAILURE_LIMIT = 5  # failed logins for one account from one client before a lockout (online guessing)
AXES_COOLOFF_TIME = timedelta(minutes=15)  # lockout length; the correct password is refused meanwhile
# Lock the (account, client) pair, not the account: an attacker cannot lock the real user out from
# their own device (account DoS). Guessing one account from many clients is bounded by allauth's
# per-account "login_failed" limit instead.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful login clears that pair's failures
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every process; resettable in the admin
AXES_LOCKOUT_CALLABLE = "{{ cookiecutter.project_slug }}.throttling.responses.locked_out"  # 429 + Retry-After page
AXES_CLIENT_IP_CALLABLE = "{{ cookiecutter.project_slug }}.core.client_ip.client_ip"  # proxy-aware, unforgeable
AXES_USERNAME_CALLABLE = "{{ cookiecutter.project_slug }}.throttling.responses.axes_username"  # case variants count together
RATELIMIT_IP_META_KEY = "{{ cookiecutter.project_slug }}.core.client_ip.client_ip"  # same client address for limits
RATELIMIT_VIEW = "{{ cookiecutter.project_slug }}.throttling.responses.too_many_requests"  # 429 + Retry-After
RATELIMIT_RETRY_AFTER = 60  # seconds: most limits count per minute; a client still over a longer one is told again
DOCUMENT_WRITE_RATE = "30/m"  # per user: creating, changing or deleting documents cannot be scripted at speed
TRUSTED_PROXIES = []  # X-Forwarded-For is ignored unless it comes from these (prod.py: DJANGO_TRUSTED_PROXIES)

# --- API (Django REST framework, django-rest-knox, drf-spectacular: docs/api.md) ---------------
API_RATES = {  # the API's throttles (api/throttling.py), counted per minute
    "api_address": "120/m",  # per client address, before authentication: token guessing, floods
    "api_user": "60/m",  # per token (or signed-in user): one script cannot monopolise the server
    "documents_write": DOCUMENT_WRITE_RATE,  # documents written per user: as fast as the pages allow
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Tokens first: an unauthenticated request gets 401 with WWW-Authenticate, not a 403.
        "{{ cookiecutter.project_slug }}.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # CSRF enforced on unsafe methods (forged requests)
    ],
    "DEFAULT_PERMISSION_CLASSES": [  # deny unless signed in; a read-scoped token only reads
        "rest_framework.permissions.IsAuthenticated",
        "{{ cookiecutter.project_slug }}.api.permissions.TokenScope",
    ],
    # JSON only, bounded in size and depth
    "DEFAULT_PARSER_CLASSES": ["{{ cookiecutter.project_slug }}.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],  # no browsable HTML API to attack
    # Counted in the default cache (Redis in production), so every worker and host shares the counts.
    "DEFAULT_THROTTLE_CLASSES": ["{{ cookiecutter.project_slug }}.api.throttling.TokenOrUserThrottle"],
    "DEFAULT_THROTTLE_RATES": API_RATES,
    "EXCEPTION_HANDLER": "{{ cookiecutter.project_slug }}.api.errors.exception_handler",  # problem+json, no trace
    "DEFAULT_PAGINATION_CLASS": "{{ cookiecutter.project_slug }}.api.pagination.PageNumberPagination",  # with PAGE_SIZE:
    "PAGE_SIZE": 50,  # a list is never one unbounded query and answer (memory and database DoS)
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",  # the schema states exactly what is accepted
}
KNOX_TOKEN_MODEL = "api.Token"  # noqa: S105  (a model name) tokens with a scope: a leaked read token cannot write
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=30),  # a leaked token stops working within a month
    "AUTO_REFRESH": False,  # using a token never extends it: a stolen one still dies on time
    "TOKEN_LIMIT_PER_USER": 10,  # active tokens per user (api/tokens.py): no unbounded table
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,  # the same model, as knox reads it
}
SPECTACULAR_SETTINGS = {  # the OpenAPI schema at /api/schema/ (no interactive page: nothing to script)
    "TITLE": {{ cookiecutter.project_name | tojson }},
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema is for users, not scanners
    "COMPONENT_SPLIT_REQUEST": True,  # read-only fields (owner, id) never described as writable
    "POSTPROCESSING_HOOKS": [  # errors and text rules described too: an exact contract, checked by fuzzing
        "drf_spectacular.hooks.postprocess_schema_enums",
        "{{ cookiecutter.project_slug }}.api.schema.describe_problems",
    ],
}
# Answers are data, never pages: nothing in them may load or run, and no site may frame them.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"

# --- Passwords -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    # Argon2id, memory-hard: cracking a leaked table on GPUs is costly. Parameters and their memory
    # budget (64 MiB per concurrent check) are explained in accounts/hashers.py.
    "{{ cookiecutter.project_slug }}.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # verifies (and upgrades) hashes made before Argon2
]
# The 10,000 most common passwords of 12 characters or more, lowercased, from SecLists'
# 10-million-password-list-top-1000000 (Daniel Miessler, CC BY-SA 3.0): guessed first by any attacker.
LONG_COMMON_PASSWORDS = files("{{ cookiecutter.project_slug }}.accounts") / "long-common-passwords.txt.gz"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # long passwords resist guessing far better than complex short ones
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},  # top breached passwords
    # Django's list has only 190 entries of 12 characters or more: add the 10,000 most common such ones.
    {
        "NAME": "django.contrib.auth.password_validation.CommonPasswordValidator",
        "OPTIONS": {"password_list_path": LONG_COMMON_PASSWORDS},
    },
    # No composition rules (no NumericPasswordValidator, no required character classes): they push
    # users to predictable patterns; length and the blocklists above do the work.
    {"NAME": "{{ cookiecutter.project_slug }}.accounts.site_words.SiteWordsValidator"},  # PASSWORD_SITE_WORDS
    # Seen in a data breach: refused. Only 5 hex digits of the SHA-1 leave (k-anonymity); fail-open,
    # recorded, when the service does not answer in time (accounts/breached_passwords.py says why).
    {"NAME": "{{ cookiecutter.project_slug }}.accounts.breached_passwords.BreachedPasswordValidator"},
]
# The site's own words, an attacker's first guesses against this site: refused inside any password.
PASSWORD_SITE_WORDS = [
    {{ cookiecutter.project_name | tojson }},
    "{{ cookiecutter.project_slug }}",
    "{{ cookiecutter.__domain }}",
]
PWNED_PASSWORDS_URL = "https://api.pwnedpasswords.com"  # the range API; test.py points it at a local server
PWNED_PASSWORDS_TIMEOUT = 2  # seconds a sign-up, change or reset waits for it at most

# --- Accounts (django-allauth: {{ cookiecutter.project_slug }}/accounts/adapters.py) ----------------
# allauth counts an account's failed logins under the current site's domain. Without a fixed site that
# is the request's Host header, port included, which ALLOWED_HOSTS does not check: a new port per guess
# would start a new count. One site (domain and name synced from settings on migrate, accounts/signals.py).
SITE_ID = 1
ACCOUNT_ADAPTER = "{{ cookiecutter.project_slug }}.accounts.adapters.AccountAdapter"  # proxy-aware client address
ACCOUNT_FORMS = {
    "reset_password": "{{ cookiecutter.project_slug }}.accounts.forms.RecordedResetPasswordForm",  # audit trail
    "signup": "{{ cookiecutter.project_slug }}.accounts.forms.EqualWorkSignupForm",  # no enumeration by timing
}
ACCOUNT_LOGIN_METHODS = {"email"}  # one identifier, compared case-insensitively: no username to enumerate
ACCOUNT_USER_MODEL_USERNAME_FIELD = None  # accounts.User has no username
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
SIGNUP_OPEN = {{ "True" if cookiecutter.signup == "open" else "False" }}  # "closed": only staff create accounts (admin); the page says so
ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # nobody signs in on an address they have not proven they own
# A code by mail, entered in the browser that asked for it: a leaked or scanned mail verifies nothing
# on its own, and allauth lets accounts with a second factor change their address only this way.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3  # then the code is void and a new one must be asked for
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 10 * 60  # seconds a code stays valid: a mail read later verifies nothing
ACCOUNT_UNIQUE_EMAIL = True  # one account per address
ACCOUNT_PREVENT_ENUMERATION = "strict"  # signing up or resetting with a known address looks like an unknown one
# ... and takes as long: sign-up and reset answer no sooner than this after the POST arrived. Both
# sign-up paths hash the password (EqualWorkSignupForm), so the floor pads two equal costs.
ACCOUNT_ANSWER_FLOOR = 0.4  # seconds
ACCOUNT_CHANGE_EMAIL = True  # one address per account: a change is verified before it replaces the old one
ACCOUNT_EMAIL_NOTIFICATIONS = True  # the owner hears of password, email and factor changes (takeover alarm)
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # email and password changes ask for the password again
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300  # seconds: a session left open is not enough to change credentials
ACCOUNT_LOGOUT_ON_GET = False  # a link or image cannot sign the user out (logout is a POST with CSRF)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays signed in; every other one is ended
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # a reset link alone never signs anyone in
ACCOUNT_SESSION_REMEMBER = False  # sessions end at SESSION_COOKIE_AGE, no "remember me" for a year
# Links in mail are built on SITE_URL (prod.py, from DJANGO_SITE_URL), never on the request's Host, whose port
# ALLOWED_HOSTS does not check: a forged port would send reset tokens to its listener (accounts/adapters.py).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # set per site name in the mail templates, not the request's host
# allauth's own rate limits, the one mechanism for every account flow. All count in the cache (Redis
# in production, shared by every worker and host) and refuse before any password is hashed.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",  # one client: a script gets at most 30 login posts a minute, over all accounts
    # One account, all clients: bounds a botnet guessing one account (one client is bounded by "login"),
    # and the second-factor codes of one account.
    "login_failed": "10/m/key",
    "signup": "10/m/ip",  # one client cannot mass-create accounts
    # One verification code (or "you already have an account" mail) per address per 3 minutes, then 429:
    # sign-up, login before verification and email changes alike (no mail bombing, no code flooding).
    "confirm_email": "1/3m/key",
    "reset_password": "5/m/ip,2/m/key",  # reset requests: no mass probing from one client, no mail bombing
    "reset_password_from_key": "20/m/ip",  # the reset link's page: tokens cannot be guessed at speed
    "change_password": "5/m/user",  # nosec  (a rate, not a password)
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",  # re-entering the password on a stolen session cannot be brute-forced
}

# --- Two-factor authentication (allauth.mfa) ---------------------------------------------------
# A stolen password alone opens nothing that matters: staff and superusers (or every user) must
# pass a TOTP code or a passkey; the admin has no login of its own (no side door).
MFA_REQUIRED_FOR = "{{ cookiecutter.two_factor }}"  # "staff" (and superusers) or "everyone"; accounts/mfa_policy.py
MFA_ADAPTER = "{{ cookiecutter.project_slug }}.accounts.adapters.MFAAdapter"  # secrets encrypted at rest
# No recovery codes: allauth keeps them as an encrypted seed, reversible with the database and the MFA key,
# not hashed; a lost factor is replaced by another factor or by an administrator (docs/authentication.md).
MFA_SUPPORTED_TYPES = ["totp", "webauthn"]
# Passkey forms that refuse a malformed credential before parsing it (a 500 otherwise): accounts/webauthn_forms.py
MFA_FORMS = {
    **{
        name: f"{{ cookiecutter.project_slug }}.accounts.webauthn_forms.{form}"
        for name, form in [
            ("login_webauthn", "LoginWebAuthnForm"),
            ("authenticate_webauthn", "AuthenticateWebAuthnForm"),
            ("reauthenticate_webauthn", "ReauthenticateWebAuthnForm"),
            ("add_webauthn", "AddWebAuthnForm"),
        ]
    },
    # A lost or wrong MFA key at the code step: a page and an event naming the account, not a 500.
    "authenticate": "{{ cookiecutter.project_slug }}.accounts.unreadable_factors.AuthenticateForm",
}
MFA_PASSKEY_LOGIN_ENABLED = True  # phishing-resistant, passwordless sign-in with a passkey
MFA_WEBAUTHN_USER_VERIFICATION = "required"  # a passkey alone is two factors only with the device's PIN or biometrics
MFA_TOTP_TOLERANCE = 0  # a code opens nothing once its 30-second step is over (a shoulder-surfed code dies fast)
MFA_TRUST_ENABLED = False  # no "trust this browser" cookie that skips the second factor
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}  # passkey login attempts per client
# MFA_ENCRYPTION_KEY (TOTP secrets encrypted at rest) comes from
# DJANGO_MFA_KEY, and the keys being retired from DJANGO_MFA_KEY_FALLBACKS: dev.py and prod.py
# (rotation: docs/keys.md).

# --- Sessions --------------------------------------------------------------------------------
USERSESSIONS_TRACK_ACTIVITY = True  # each session's last address and time, shown to its owner
USERSESSIONS_ADAPTER = "{{ cookiecutter.project_slug }}.accounts.adapters.UserSessionsAdapter"  # ended sessions recorded

# --- Security event log ({{ cookiecutter.project_slug }}/audit/events.py) -----------------------
# Logins, lockouts, refusals, CSP reports, password and two-factor changes, privilege changes: one
# JSON line each on the "security" logger, never with a secret in it.
CSRF_FAILURE_VIEW = "{{ cookiecutter.project_slug }}.hardening.error_pages.csrf_failure"  # records, then Django's page
SECURITY_EVENTS_STORE = True  # also keep events in the database (read-only admin); the log is the source of truth
SECURITY_EVENTS_RETENTION_DAYS = 90  # `manage.py prune_security_events` deletes stored events older than this

# --- Requests --------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB request bodies at most (memory exhaustion)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_000  # hash-collision and parser DoS through huge forms
