"""Every error under /api/ is an RFC 9457 problem (application/problem+json): type, title, status,
detail; never an HTML page, never a stack trace.

DRF's errors go through exception_handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]). What happens outside
a DRF view (an unknown URL, a refusal by a middleware, an unhandled exception's 500) is rewritten by
ApiResponsesMiddleware, which also puts the API's headers on every /api/ response.
"""

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.cache import add_never_cache_headers
from rest_framework import exceptions, views

from ..audit.events import Event, Outcome, current_request, record
from ..throttling.responses import record_throttled

API_PREFIX = "/api/"  # config/urls.py
PROBLEM = "application/problem+json"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
GENERIC_DETAIL = {
    400: "The request could not be understood.",
    403: "This request is not allowed.",
    404: "There is no API endpoint at this address.",
    413: "The request body is too large.",
    429: "Too many requests: try again after Retry-After seconds.",
    500: "The server could not answer this request. The error was logged.",
    503: "The service is briefly unavailable: try again after Retry-After seconds.",
}


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = GENERIC_DETAIL[413]
    default_code = "payload_too_large"


def problem(status, detail, **extra):
    return {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail, **extra}


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler, answered as a problem and recorded."""
    request = context["request"]
    # Events name the Django request: reading the DRF request's user here would authenticate again.
    http_request = current_request.get()
    if isinstance(exc, RequestDataTooBig):  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE, refused unread
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):  # as DRF's handler converts them, so the checks below see them
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = views.exception_handler(exc, context)
    if response is None:
        return None  # unhandled: Django's 500, rewritten by ApiResponsesMiddleware
    if isinstance(exc, exceptions.AuthenticationFailed):
        record(Event.API_AUTHENTICATION_FAILED, Outcome.FAILURE, http_request, reason=str(exc.detail))
    elif isinstance(exc, exceptions.Throttled):
        record_throttled(http_request, "api")
    elif isinstance(exc, exceptions.PermissionDenied):
        view = getattr(http_request.resolver_match, "view_name", None)
        record(Event.PERMISSION_DENIED, Outcome.DENIED, http_request, user=request.user, view=view)
    if isinstance(exc.detail, (dict, list)):  # a ValidationError: its messages per field
        body = problem(response.status_code, "The request's data are not valid.", errors=response.data)
    else:
        body = problem(response.status_code, str(exc.detail))
    # JSON whatever the view renders otherwise (the schema view answers YAML).
    answer = JsonResponse(body, status=response.status_code, content_type=PROBLEM)
    for name in KEPT_HEADERS:
        if name in response:
            answer[name] = response[name]
    return answer


class ApiResponsesMiddleware:
    """Right after SecurityMiddleware, so it sees every /api/ response, those of the middlewares after
    it too, and SecurityMiddleware still adds its headers (nosniff) to the problems made here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX):
            return response
        status = response.status_code
        if status >= 400 and response.get("Content-Type") != PROBLEM:
            body = problem(status, GENERIC_DETAIL.get(status, HTTPStatus(status).phrase))
            replacement = JsonResponse(body, status=status, content_type=PROBLEM)
            for name in KEPT_HEADERS:
                if name in response:
                    replacement[name] = response[name]
            response = replacement
        add_never_cache_headers(response)  # answers may hold private data: no browser or proxy keeps them
        response["Content-Security-Policy"] = settings.API_CONTENT_SECURITY_POLICY
        return response
