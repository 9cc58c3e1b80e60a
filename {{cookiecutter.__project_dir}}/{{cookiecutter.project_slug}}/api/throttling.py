"""API rate limits, counted in the default cache (Redis in production: shared by every worker and host).

DRF's own rate throttle reads a request history from the cache and writes it back, so concurrent
requests on several hosts overwrite each other's counts. These count in fixed windows with the
cache's atomic increment instead; DRF's rate syntax and settings (DEFAULT_THROTTLE_RATES) still apply.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from ..core.client_ip import client_ip
from .models import Token


class FixedWindowThrottle(SimpleRateThrottle):
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        now = self.timer()
        key = f"{ident}:{int(now // self.duration)}"
        self.cache.add(key, 0, timeout=self.duration + 1)
        self.wait_seconds = self.duration - now % self.duration
        return self.cache.incr(key) <= self.num_requests

    def wait(self):
        return self.wait_seconds

    def get_ident(self, request):
        return client_ip(request)  # proxy-aware and unforgeable (core/client_ip.py), not DRF's NUM_PROXIES


class ClientAddressThrottle(FixedWindowThrottle):
    """Per client address, every request, counted before authentication (views.ApiViewMixin)."""

    scope = "api_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenOrUserThrottle(FixedWindowThrottle):
    """Per token, or per user for session requests, after authentication."""

    scope = "api_user"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, Token):
            ident = f"token-{request.auth.digest[:32]}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class DocumentWriteThrottle(FixedWindowThrottle):
    """Documents created, changed or deleted per user, at the pages' DOCUMENT_WRITE_RATE: a script
    cannot fill the table through the API faster than through the forms."""

    scope = "documents_write"

    def allow_request(self, request, view):
        return request.method in SAFE_METHODS or super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
