"""Responses for throttled and locked-out requests: 429 with Retry-After, under the full CSP.

Both are decided before any password is checked: allauth consumes its rate limits before it calls
authenticate(), and django-axes' backend comes first in AUTHENTICATION_BACKENDS, so a flood never
reaches the hasher. allauth reaches too_many_requests through config.urls.handler429.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

from ..audit.events import Event, Outcome, record
from ..core.client_ip import client_ip
from ..core.emails import normalize_email

MAX_USERNAME = 254  # the email field's length, inside django-axes' 255-character username column


def too_many_requests(request, exception=None, retry_after=None, reason="rate_limit"):
    """RATELIMIT_VIEW and handler429 (allauth): a rate limit was hit."""
    record_throttled(request, reason)
    response = HttpResponse(throttled_page(), status=429)
    response["Retry-After"] = str(retry_after or settings.RATELIMIT_RETRY_AFTER)
    return response


def record_throttled(request, reason):
    """Once per client, reason and minute: a flood must not turn into a flood of log lines and rows."""
    if cache.add(f"throttled-event:{reason}:{client_ip(request)}", 1, timeout=60):
        record(Event.THROTTLED, Outcome.DENIED, request, reason=reason)


@functools.cache
def throttled_page():
    """The 429 page, rendered once per process: refusing a flood must stay cheap."""
    return render_to_string("429.html", {"site_name": settings.SITE_NAME})


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: too many failed logins for this account from this client."""
    return too_many_requests(request, retry_after=int(settings.AXES_COOLOFF_TIME.total_seconds()), reason="lockout")


def axes_username(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the login's account name in canonical form (case variants share a counter)."""
    # allauth passes the address as "email"; its login form posts it as "login".
    username = (credentials or {}).get("email") or request.POST.get("login", "")
    # Lower-casing can lengthen text ("İ" becomes two characters): cut to the column django-axes
    # stores it in, or a crafted name would fail the insert with a 500.
    return normalize_email(username)[:MAX_USERNAME]
