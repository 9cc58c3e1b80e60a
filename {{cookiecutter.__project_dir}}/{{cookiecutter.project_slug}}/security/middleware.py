"""The project's own layer around every request: a request id for the logs, the compiled Content
Security Policy, and the response headers Django's SecurityMiddleware does not send.

It is one middleware rather than one per concern because every layer, and every header set the
public way, costs time on every response (benchmarks/hardening_overhead.py).
"""

import os
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from .csp import CompiledCSPMiddleware
from .events import current_request
from .headers import put, set_missing, validated

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


class SecurityHeadersMiddleware(CompiledCSPMiddleware):
    """First in MIDDLEWARE, so every response gets these headers, redirects and error pages included:

    - X-Request-ID: the proxy's id when well-formed (logs can be joined across layers), else a new
      one; events.py records it with every security event raised while the request runs.
    - Content-Security-Policy, from django-csp's settings and decorators, compiled once (csp.py).
    - Permissions-Policy (PERMISSIONS_POLICY) and EXTRA_SECURITY_HEADERS, both in security.py.

    A header a view already set is left alone, so a view can still loosen one deliberately.
    """

    sync_capable = True
    async_capable = False  # Django adapts it under ASGI

    def __init__(self, get_response):
        super().__init__(get_response)
        self.headers = self.fixed_headers()
        setting_changed.connect(self._reload_headers, weak=False)

    @staticmethod
    def fixed_headers():
        policy = permissions_policy(settings.PERMISSIONS_POLICY)
        return validated({**settings.EXTRA_SECURITY_HEADERS, "Permissions-Policy": policy})

    def _reload_headers(self, setting=None, **kwargs):
        if setting in ("EXTRA_SECURITY_HEADERS", "PERMISSIONS_POLICY"):
            self.headers = self.fixed_headers()

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID")
        request.request_id = incoming if incoming and VALID_REQUEST_ID.fullmatch(incoming) else os.urandom(16).hex()
        token = current_request.set(request)
        try:
            self.process_request(request)
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response = self.process_response(request, response)
        set_missing(response, self.headers)
        put(response, "X-Request-ID", request.request_id)  # a checked id or hex digits
        return response
