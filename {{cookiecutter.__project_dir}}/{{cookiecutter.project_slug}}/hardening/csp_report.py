"""The CSP report endpoint (CSP_REPORT_PATH): browsers' violation reports, size- and rate-limited,
kept as security events; any other body is a 4xx."""

import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from ..audit.events import Event, Outcome, record

LEGACY_TYPE = "application/csp-report"  # report-uri
REPORTING_API_TYPE = "application/reports+json"  # report-to
# Report field -> (legacy report-uri key, Reporting API key). Only these are kept, each truncated:
# a report is attacker-controllable text and must not flood the log.
FIELDS = {
    "document": ("document-uri", "documentURL"),
    "directive": ("effective-directive", "effectiveDirective"),
    "blocked": ("blocked-uri", "blockedURL"),
    "source": ("source-file", "sourceFile"),
    "line": ("line-number", "lineNumber"),
    "disposition": ("disposition", "disposition"),
    "sample": ("script-sample", "sample"),
}
MAX_FIELD_CHARS = 300


class BadReport(ValueError):
    pass


def violation_bodies(content_type, payload):
    """The violation objects in a report body of either format; BadReport if it is not one."""
    if content_type == LEGACY_TYPE:
        if not isinstance(payload, dict) or not isinstance(payload.get("csp-report"), dict):
            raise BadReport('expected {"csp-report": {...}}')
        return [(payload["csp-report"], 0)]
    if not isinstance(payload, list):
        raise BadReport("expected a list of reports")
    bodies = [
        (item["body"], 1)
        for item in payload
        if isinstance(item, dict) and item.get("type") == "csp-violation" and isinstance(item.get("body"), dict)
    ]
    if not bodies:
        raise BadReport("no csp-violation report in the list")
    return bodies


def summarise(body, key_index):
    summary = {}
    for field, keys in FIELDS.items():
        value = body.get(keys[key_index])
        if value is None and field == "directive":
            value = body.get("violated-directive")  # older browsers
        if value is not None:
            summary[field] = str(value)[:MAX_FIELD_CHARS]
    return summary


def read_limited_body(request, limit):
    """The raw body, or None when it is larger than limit (declared or actual): never read it all."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit():
        raise BadReport("invalid Content-Length")
    if int(declared) > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


# Browsers send reports without cookies or CSRF tokens, so CSRF protection cannot apply. Nothing here
# acts on a user's behalf: the view only records what it is sent, size- and rate-limited.
@csrf_exempt
@ratelimit(key="ip", rate=settings.CSP_REPORT_RATE, method="POST", block=True)
@require_POST
def csp_report(request):
    content_type = request.content_type
    try:
        if content_type not in (LEGACY_TYPE, REPORTING_API_TYPE):
            raise BadReport(f"Content-Type must be {LEGACY_TYPE} or {REPORTING_API_TYPE}")
        body = read_limited_body(request, settings.CSP_REPORT_MAX_BYTES)
        if body is None:
            return HttpResponse("Report too large.\n", status=413, content_type="text/plain; charset=utf-8")
        try:
            payload = json.loads(body)
        # ValueError covers bad UTF-8, bad JSON and integers longer than Python converts (4,300 digits).
        except (ValueError, RecursionError) as error:
            raise BadReport("body is not valid JSON") from error
        bodies = violation_bodies(content_type, payload)
    except BadReport as error:
        return HttpResponseBadRequest(f"Not a CSP report: {error}.\n", content_type="text/plain; charset=utf-8")
    for violation, key_index in bodies:
        record(Event.CSP_VIOLATION, Outcome.DENIED, request, **summarise(violation, key_index))
    return HttpResponse(status=204)
