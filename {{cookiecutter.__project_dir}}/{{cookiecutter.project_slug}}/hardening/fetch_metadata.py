"""Resource isolation by Fetch Metadata: another site may link to our pages, never load them.

Browsers say where a request comes from (Sec-Fetch-Site) and what it is for (Sec-Fetch-Mode,
Sec-Fetch-Dest). A cross-site request that is not a plain top-level navigation (an <img>, a script,
a no-cors fetch, a form POST from another site) is refused with 403 before any view runs, and
recorded: such requests are how cross-site leaks probe a signed-in user's pages (XS-Leaks, timing).
Requests without the headers (old browsers, non-browser clients) pass; SameSite cookies and CSRF
checks still apply to them.
"""

from django.conf import settings
from django.shortcuts import render

from ..audit.events import Event, Outcome, record

SAFE_METHODS = ("GET", "HEAD")
ALLOWED_SITES = ("same-origin", "same-site", "none")  # "none": typed in the address bar, a bookmark
EMBEDDING_DESTINATIONS = ("object", "embed")  # navigations that embed: refused like any subresource


def allowed(request):
    site = request.headers.get("Sec-Fetch-Site")
    if site is None or site in ALLOWED_SITES:
        return True
    if request.path in settings.FETCH_METADATA_EXEMPT_PATHS:
        return True
    navigation = request.headers.get("Sec-Fetch-Mode") == "navigate" and request.method in SAFE_METHODS
    return navigation and request.headers.get("Sec-Fetch-Dest") not in EMBEDDING_DESTINATIONS


class FetchMetadataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if allowed(request):
            return self.get_response(request)
        record(
            Event.CROSS_SITE_REFUSED,
            Outcome.DENIED,
            request,
            site=request.headers.get("Sec-Fetch-Site"),
            mode=request.headers.get("Sec-Fetch-Mode"),
            dest=request.headers.get("Sec-Fetch-Dest"),
        )
        return render(request, "403.html", status=403)
