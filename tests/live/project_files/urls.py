"""The project's URLs and error handlers, its test-only error pages, and a page that breaks the CSP.
Copied into the bake as config/live_test_urls.py by the template's live tests (tests/live/serve.py)."""

from config.urls import handler400, handler403, handler429, handler500  # noqa: F401  (read from the URLconf)
from django.http import HttpResponse
from django.urls import path
from error_urls import urlpatterns as error_urlpatterns


def violation(request):
    return HttpResponse(
        "<!doctype html><title>violation</title>"
        "<script>document.title = 'inline script ran'</script>"
        '<p style="color: red">inline style</p>'
        '<p id="sink">untouched</p>'
        f'<script nonce="{request.csp_nonce}">document.getElementById("sink").innerHTML = "<b>written</b>";</script>'
    )


urlpatterns = [path("__test__/violation/", violation), *error_urlpatterns]
