"""The project's own layer around every request: a request id for the logs, and the response headers
neither Django's SecurityMiddleware nor django-csp's CSPMiddleware sends."""

import os
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.http import HttpResponse

from ..audit.events import current_request

VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
FEATURE_NAME = re.compile(r"[a-z][a-z0-9-]*")


def permissions_policy(policy):
    """PERMISSIONS_POLICY ({feature: [origins]}) as a Permissions-Policy header value."""
    items = []
    for feature, origins in policy.items():
        if not FEATURE_NAME.fullmatch(feature):
            raise ImproperlyConfigured(f"PERMISSIONS_POLICY: {feature!r} is not a feature name")
        allowed = " ".join(origin if origin in ("self", "*") else f'"{origin}"' for origin in origins)
        items.append(f"{feature}=({allowed})")
    return ", ".join(items)


def checked(headers):
    """`headers`, once Django has accepted each value as it does on a response: a value it would refuse
    (a line break, say) fails the server at start-up instead of every page."""
    HttpResponse(headers=headers)
    return headers


class SecurityHeadersMiddleware:
    """First in MIDDLEWARE, so every response gets these headers, redirects and error pages included:

    - X-Request-ID: the proxy's id when well-formed (logs can be joined across layers), else a new
      one; events.py records it with every security event raised while the request runs.
    - Permissions-Policy (PERMISSIONS_POLICY) and EXTRA_SECURITY_HEADERS, both in security.py.

    A header a view already set is left alone, so a view can still loosen one deliberately.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = self.fixed_headers()
        setting_changed.connect(self._reload_headers, weak=False)

    @staticmethod
    def fixed_headers():
        return checked(
            {**settings.EXTRA_SECURITY_HEADERS, "Permissions-Policy": permissions_policy(settings.PERMISSIONS_POLICY)}
        )

    def _reload_headers(self, setting=None, **kwargs):
        if setting in ("EXTRA_SECURITY_HEADERS", "PERMISSIONS_POLICY"):
            self.headers = self.fixed_headers()

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID")
        request.request_id = incoming if incoming and VALID_REQUEST_ID.fullmatch(incoming) else os.urandom(16).hex()
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        response["X-Request-ID"] = request.request_id
        return response
