"""The security event log: every event type, and the one function that records them.

Each event is one JSON object on the `security` logger (config/settings/logging.py writes it as one
line to stdout in production): the log line is the source of truth. With SECURITY_EVENTS_STORE on,
the same object is also saved as a SecurityEvent row, for small teams without a log pipeline.

Nothing secret is ever recorded: details pass through redact(), which drops passwords, tokens,
codes, keys and cookies, and a username typed at a failed login is kept only as a keyed hash unless
it names an existing account.
"""

import contextvars
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from enum import StrEnum

from django.conf import settings

from ..core.client_ip import client_ip
from ..core.emails import normalize_email

logger = logging.getLogger("security")

# The request being handled, for events raised far from the view (model signals); set by
# SecurityHeadersMiddleware.
current_request = contextvars.ContextVar("current_request", default=None)


class Event(StrEnum):
    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    LOCKOUT = "login.lockout"
    THROTTLED = "request.throttled"
    PERMISSION_DENIED = "request.permission_denied"
    CSRF_FAILURE = "request.csrf_failure"
    CROSS_SITE_REFUSED = "request.cross_site_refused"
    DISALLOWED_HOST = "request.disallowed_host"
    CSP_VIOLATION = "csp.violation"
    PASSWORD_CHANGED = "password.changed"  # noqa: S105  (an event name, not a password)
    PASSWORD_RESET_REQUESTED = "password.reset_requested"  # noqa: S105  (an event name, not a password)
    PASSWORD_RESET_COMPLETED = "password.reset_completed"  # noqa: S105  (an event name, not a password)
    BREACH_CHECK_UNAVAILABLE = "password.breach_check_unavailable"  # noqa: S105  (an event name, not a password)
    SIGNED_UP = "account.signed_up"
    EMAIL_CONFIRMED = "email.confirmed"
    EMAIL_CHANGED = "email.changed"
    REAUTHENTICATED = "login.reauthenticated"
    SESSION_ENDED = "session.ended"
    SESSION_EXPIRED = "session.expired"
    TWO_FACTOR_ENROLLED = "two_factor.enrolled"
    TWO_FACTOR_REMOVED = "two_factor.removed"
    TWO_FACTOR_FAILED = "two_factor.failed"
    TWO_FACTOR_UNREADABLE = "two_factor.unreadable"
    GROUPS_CHANGED = "user.groups_changed"
    PERMISSIONS_CHANGED = "user.permissions_changed"
    PRIVILEGE_CHANGED = "user.privilege_changed"
    PRIVILEGE_DENIED = "privilege.denied"
    API_TOKEN_CREATED = "api_token.created"  # noqa: S105  (an event name, not a token)
    API_TOKEN_FIRST_USED = "api_token.first_used"  # noqa: S105  (an event name, not a token)
    API_TOKEN_REVOKED = "api_token.revoked"  # noqa: S105  (an event name, not a token)
    API_TOKEN_EXPIRED = "api_token.expired"  # noqa: S105  (an event name, not a token)
    API_AUTHENTICATION_FAILED = "api.authentication_failed"
    API_AUTHENTICATED = "api.authenticated"
    MAIL_FAILED = "mail.failed"
    CACHE_UNAVAILABLE = "cache.unavailable"
    CACHE_RECOVERED = "cache.recovered"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


# Written to the log only, never copied to the database: one happens on every API request, and a row
# each would turn every read into a write.
LOG_ONLY = {Event.API_AUTHENTICATED}
SECRET_WORDS = ("password", "passwd", "token", "secret", "code", "key", "session", "cookie", "otp", "csrf")
MAX_TEXT = 200


def text(value, limit=MAX_TEXT):
    """Text as recorded: truncated, and without NUL, which PostgreSQL cannot store in text or jsonb
    (a CSP report or a path carrying one would otherwise fail the request that records it)."""
    return str(value)[:limit].replace("\x00", "\N{REPLACEMENT CHARACTER}")


def redact(details):
    """Details safe to log: secret-looking keys dropped, text truncated, only JSON-able values."""
    safe = {}
    for name, value in details.items():
        if any(word in str(name).lower() for word in SECRET_WORDS):
            continue
        if isinstance(value, dict):
            value = redact(value)
        elif isinstance(value, (list, tuple, set)):
            value = [text(item) for item in value][:50]
        elif not isinstance(value, (int, float, bool)) and value is not None:
            value = text(value)
        safe[text(name)] = value
    return safe


def username_fingerprint(username):
    """A keyed hash of a typed username: repeated attempts on one name can be correlated, but the log
    never holds what was typed (which may be a password typed in the wrong field)."""
    return hmac.new(settings.SECRET_KEY.encode(), normalize_email(username).encode(), hashlib.sha256).hexdigest()[:16]


def account_named(username):
    """The account a typed username names, if any (looked up the way login looks it up)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    try:
        return user_model.objects.get_by_natural_key(username or "")
    except user_model.DoesNotExist:
        return None


def _request_fields(request):
    if request is None:
        return {"client_ip": None, "request_id": None, "method": None, "path": None, "user_agent": None}
    return {
        "client_ip": client_ip(request) or None,
        "request_id": getattr(request, "request_id", None),
        "method": request.method,
        "path": text(request.path),
        "user_agent": text(request.META.get("HTTP_USER_AGENT", ""), 120) or None,
    }


def record(event, outcome, request=None, user=None, **details):
    """Record one security event; returns what was recorded."""
    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    payload = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": str(Event(event)),
        "outcome": str(Outcome(outcome)),
        "user_id": user.pk if user is not None and getattr(user, "is_authenticated", False) else None,
        **_request_fields(request),
        "details": redact(details),
    }
    logger.info("%s %s", payload["event"], json.dumps(payload, sort_keys=True), extra={"security_event": payload})
    if getattr(settings, "SECURITY_EVENTS_STORE", False) and event not in LOG_ONLY:
        from .models import SecurityEvent

        SecurityEvent.store(payload)
    return payload
