"""Every hardening setting of the project, each with the threat it counters.

These are the production values. dev.py relaxes only what plain HTTP on localhost needs;
prod.py and test.py keep all of them. A reviewer who reads this file knows the posture.
"""

from datetime import timedelta

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
CSRF_USE_SESSIONS = False  # kept as a cookie so anonymous forms (login) work without creating sessions
# Flash messages ("Authenticator app removed.") live in the server-side session: their text never
# travels in a client-readable `messages` cookie, the one cookie that could not be __Host- prefixed.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Response headers ------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"  # no framing at all: clickjacking (CSP frame-ancestors says the same)
SECURE_CONTENT_TYPE_NOSNIFF = True  # browsers trust Content-Type instead of sniffing (uploads run as script)
SECURE_REFERRER_POLICY = "same-origin"  # URLs, which may carry tokens, never leak to other sites
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"  # other sites' windows get no handle on ours (XS-Leaks)
# SECURE_BROWSER_XSS_FILTER was removed in Django 4.0: browsers dropped their XSS auditors, which could
# themselves be abused to leak data. Current OWASP advice is "X-XSS-Protection: 0"; the CSP below is
# the real XSS defence. These headers are added by security.middleware.SecurityHeadersMiddleware.
CSP_REPORT_PATH = "/security/csp-report/"  # the project's own endpoint (security/views.py); no third party
EXTRA_SECURITY_HEADERS = {
    "X-XSS-Protection": "0",  # switch off what is left of legacy XSS auditors (they leak, never protect)
    "Cross-Origin-Resource-Policy": "same-origin",  # other sites cannot embed our responses (Spectre leaks)
    "Reporting-Endpoints": f'csp-endpoint="{CSP_REPORT_PATH}"',  # where CSP report-to sends violations
}
# Powerful browser features the project does not use are denied to every origin, ours included: an
# injected script or a compromised dependency cannot turn on the camera or read the clipboard.
PERMISSIONS_POLICY = {
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
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "sync-xhr",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
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
        "upgrade-insecure-requests": True,  # a stray http:// subresource is fetched over HTTPS
        "report-uri": [CSP_REPORT_PATH],  # violations reach us: an attack or a page the policy breaks
        "report-to": "csp-endpoint",  # same, through the Reporting API (Reporting-Endpoints header)
    },
}
CSP_REPORT_MAX_BYTES = 64 * 1024  # larger report bodies are refused (413) before parsing: memory DoS
CSP_REPORT_RATE = "60/m"  # per client IP: a page can't be used to flood the log with reports

# --- Brute force and rate limits -------------------------------------------------------------
# Both reject before authenticate() runs, so a flood never reaches the password hasher (~0.14 s and
# 64 MiB per check). Counters live where every worker and host sees them: the database (lockouts)
# and Redis (rate limits; prod.py, where django-ratelimit's check refuses a process-local cache).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out login is refused before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5  # failed logins for one account from one client before a lockout (online guessing)
AXES_COOLOFF_TIME = timedelta(minutes=15)  # lockout length; the correct password is refused meanwhile
# Lock the (account, client) pair, not the account: an attacker cannot lock the real user out from
# their own device (account DoS). Guessing one account from many clients is bounded by the
# per-account rate limit below instead.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful login clears that pair's failures
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every process; resettable in the admin
AXES_LOCKOUT_CALLABLE = "{{ cookiecutter.project_slug }}.security.throttle.locked_out"  # 429 + Retry-After page
AXES_CLIENT_IP_CALLABLE = "{{ cookiecutter.project_slug }}.security.client_ip.client_ip"  # proxy-aware, unforgeable
AXES_USERNAME_CALLABLE = "{{ cookiecutter.project_slug }}.security.throttle.axes_username"  # case variants count together
RATELIMIT_IP_META_KEY = "{{ cookiecutter.project_slug }}.security.client_ip.client_ip"  # same client address for limits
RATELIMIT_LOGIN_PER_IP = "30/m"  # one client: a script gets at most 30 guesses a minute, over all accounts
RATELIMIT_LOGIN_PER_ACCOUNT = "10/m"  # one account, all clients: bounds a botnet guessing a single account
RATELIMIT_RESET_PER_IP = "5/m"  # reset requests: no mass probing or mail flooding from one client
RATELIMIT_RESET_PER_ACCOUNT = "2/m"  # reset mails to one address: no mail bombing
RATELIMIT_VIEW = "{{ cookiecutter.project_slug }}.security.throttle.too_many_requests"  # 429 + Retry-After
RATELIMIT_RETRY_AFTER = 60  # seconds; every limit counts per minute, so this is an upper bound
TRUSTED_PROXIES = []  # X-Forwarded-For is ignored unless it comes from these (prod.py: DJANGO_TRUSTED_PROXIES)

# --- Passwords -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    # Argon2id, memory-hard: cracking a leaked table on GPUs is costly. Parameters and their memory
    # budget (64 MiB per concurrent check) are explained in accounts/hashers.py.
    "{{ cookiecutter.project_slug }}.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # verifies (and upgrades) hashes made before Argon2
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # long passwords resist guessing far better than complex short ones
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},  # top breached passwords
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Two-factor authentication (django-otp; {{ cookiecutter.project_slug }}/twofactor) ---------------------
# A stolen password alone opens nothing that matters: staff and superusers (or every user) must
# pass a TOTP code or a single-use recovery code; the admin has no login of its own (no side door).
TWO_FACTOR_REQUIRED_FOR = "{{ cookiecutter.two_factor }}"  # "staff" (and superusers) or "everyone"
OTP_THROTTLE_FACTOR = 1  # seconds; each wrong code doubles a device's wait: 10^6 codes can't be tried
RATELIMIT_OTP_PER_USER = "10/m"  # code attempts per account, before any code is compared
RATELIMIT_OTP_PER_IP = "30/m"  # code attempts per client
# OTP_ENCRYPTION_KEY (TOTP secrets encrypted at rest) comes from DJANGO_OTP_KEY: dev.py and prod.py.

# --- Security event log ({{ cookiecutter.project_slug }}/security/events.py) -----------------------
# Logins, lockouts, refusals, CSP reports, password and two-factor changes, privilege changes: one
# JSON line each on the "security" logger, never with a secret in it.
CSRF_FAILURE_VIEW = "{{ cookiecutter.project_slug }}.security.views.csrf_failure"  # records, then Django's page
SECURITY_EVENTS_STORE = True  # also keep events in the database (read-only admin); the log is the source of truth
SECURITY_EVENTS_RETENTION_DAYS = 90  # `manage.py prune_security_events` deletes stored events older than this

# --- Requests --------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB request bodies at most (memory exhaustion)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_000  # hash-collision and parser DoS through huge forms
