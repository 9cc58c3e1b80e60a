import re
import uuid

from django.conf import settings

from .events import current_request

VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Gives each request an id for its log lines: the proxy's X-Request-ID when it is well-formed
    (so logs can be joined across layers), else a new one; echoed in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not send (EXTRA_SECURITY_HEADERS in security.py).

    A header a view already set is left alone, so a view can still loosen one deliberately.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = dict(settings.EXTRA_SECURITY_HEADERS)

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response
