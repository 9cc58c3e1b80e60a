"""Passwords that have appeared in data breaches are refused, by k-anonymity: only the first five
hex digits of the password's SHA-1 leave the server (the Pwned Passwords range API), never the
password or its full hash.

Fail-open, deliberately: when the service does not answer within PWNED_PASSWORDS_TIMEOUT, the
password is judged by the other validators alone (12 characters, not common, not like the account)
and password.breach_check_unavailable is recorded. Failing closed would let an outage of a third
party stop every sign-up, password change and reset, including the reset of a user locked out of
their account, while the length and blocklist rules still hold.
"""

import hashlib
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

from ..audit.events import Event, Outcome, record

MAX_RESPONSE_BYTES = 2 * 1024 * 1024  # a range has ~1,000 lines of ~40 bytes; padding adds a few hundred


def times_breached(password):
    """How often the service has seen this password in breaches (0: never), or None if it did not answer."""
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    url = f"{settings.PWNED_PASSWORDS_URL}/range/{prefix}"
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ImproperlyConfigured("PWNED_PASSWORDS_URL must be an https:// URL (http:// for a local test server).")
    # Add-Padding: the service pads every answer, so its size does not tell an observer which prefix it was.
    headers = {"Add-Padding": "true", "User-Agent": settings.SITE_NAME}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310  (scheme checked above)
    try:
        with urllib.request.urlopen(request, timeout=settings.PWNED_PASSWORDS_TIMEOUT) as response:  # noqa: S310
            body = response.read(MAX_RESPONSE_BYTES).decode("ascii", errors="replace")
    except (OSError, urllib.error.URLError, ValueError):
        return None
    for line in body.splitlines():
        found, _, count = line.strip().partition(":")
        if found == suffix:
            return int(count) if count.isdigit() else 1
    return 0


class BreachedPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry: sign-up, password change and reset all pass through it."""

    def validate(self, password, user=None):
        if not settings.PWNED_PASSWORDS_URL:
            return
        count = times_breached(password)
        if count is None:
            record(Event.BREACH_CHECK_UNAVAILABLE, Outcome.FAILURE, user=user if getattr(user, "pk", None) else None)
        elif count:
            raise ValidationError(
                "This password has appeared in a data breach; choose another one.", code="password_breached"
            )

    def get_help_text(self):
        return "Your password must not be one that has appeared in a known data breach."
