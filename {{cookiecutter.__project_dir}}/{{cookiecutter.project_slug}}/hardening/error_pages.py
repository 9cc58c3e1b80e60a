"""The error handlers (config/urls.py handler400/403/500, CSRF_FAILURE_VIEW): each refusal is recorded as a
security event, then answered by Django's own page; a database that does not answer is a 503."""

import sys

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from ..audit.events import Event, Outcome, record


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's page (templates/403_csrf.html), recorded."""
    record(Event.CSRF_FAILURE, Outcome.DENIED, request, reason=reason)
    return django_csrf_failure(request, reason=reason)


def permission_denied(request, exception=None):
    """handler403: every refusal by a permission check, recorded."""
    record(Event.PERMISSION_DENIED, Outcome.DENIED, request, view=getattr(request.resolver_match, "view_name", None))
    return defaults.permission_denied(request, exception)


def bad_request(request, exception=None):
    """handler400: a request for a host not in ALLOWED_HOSTS is recorded (scanners, DNS rebinding)."""
    if isinstance(exception, DisallowedHost):
        host = request.META.get("HTTP_HOST", "")
        record(Event.DISALLOWED_HOST, Outcome.DENIED, request, host=host)
    return defaults.bad_request(request, exception)


UNAVAILABLE_RETRY_AFTER = 10  # seconds: a restarting database is usually back by then


def server_error(request):
    """handler500. A database that does not answer (stopped, hung past connect_timeout, out of
    connections, a statement cancelled by statement_timeout) is a 503 with Retry-After: the site is
    unavailable for a moment, not broken, and clients and load balancers retry. Anything else is the
    500 page. Both are logged with their traceback by Django."""
    unavailable = isinstance(sys.exception(), (OperationalError, InterfaceError))
    template, status = ("503.html", 503) if unavailable else ("500.html", 500)
    # Rendered without the request's context: the page must not need the database or the session.
    response = HttpResponse(render_to_string(template, {"site_name": settings.SITE_NAME}), status=status)
    if unavailable:
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response
