from django.conf import settings
from django.shortcuts import render


def too_many_requests(request, exception=None):
    """The response to a rate-limited request (RATELIMIT_VIEW): 429 with Retry-After, under the full CSP."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(settings.RATELIMIT_RETRY_AFTER)
    return response
