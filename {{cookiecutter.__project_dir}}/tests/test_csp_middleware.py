"""Through the project's whole middleware stack, every page gets exactly the policies django-csp's own
middleware makes from security.py and the view's decorators: nothing in the stack drops, alters or
doubles them, on every decorator case, with or without a nonce, DEBUG or not."""

import sys

import pytest
from csp.constants import NONCE, NONE, SELF
from csp.decorators import csp, csp_exempt, csp_replace, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from tests.helpers.csp import parse_csp

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
REPORT_ONLY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE], "report-uri": ["/r/"]}}


def page(request):
    return HttpResponse("<p>hi</p>")


def page_with_nonce(request):
    return HttpResponse(str(request.csp_nonce))  # as a template showing the nonce does


def not_found(request):
    return HttpResponse(status=404)


def own_policy(request):
    return HttpResponse("<p>hi</p>", headers={"Content-Security-Policy": "default-src 'self'"})


DECORATORS = {
    "plain": None,
    "update": csp_update({"img-src": ["https://images.example"], "script-src": ["https://cdn.example"]}),
    "replace": csp_replace({"script-src": [SELF], "style-src": None}),
    "override": csp({"default-src": [NONE], "script-src": [NONCE], "frame-ancestors": [NONE]}),
    "exempt": csp_exempt(),
    "report-only update": csp_update({"img-src": ["https://ro.example"]}, REPORT_ONLY=True),
    "report-only exempt": csp_exempt(REPORT_ONLY=True),
    "set-valued update": csp_update({"img-src": {"https://b.example", "https://a.example"}}),
}
VIEWS = {
    f"{name} ({base.__name__})": decorator(base) if decorator else base
    for name, decorator in DECORATORS.items()
    for base in (page, page_with_nonce)
}
VIEWS["update+replace"] = csp_update({"connect-src": ["wss://live.example"]})(
    csp_replace({"img-src": [SELF, "data:"]})(page_with_nonce)
)
VIEWS["not found"] = not_found
VIEWS["view sets its own header"] = own_policy
urlpatterns = [path(f"case/{number}/", view) for number, view in enumerate(VIEWS.values())]


def policies(response):
    """The response's policies, its nonce (if the view wrote one) put back as "N" for comparison."""
    nonce = response.content.decode() if response.content and b"<" not in response.content else None
    return {
        header: parse_csp(response[header].replace(nonce, "N") if nonce else response[header])
        if header in response
        else None
        for header in HEADERS
    }


@pytest.mark.django_db
@pytest.mark.parametrize("with_report_only", [False, True], ids=["enforced only", "plus report-only setting"])
@pytest.mark.parametrize("debug", [False, True], ids=["production", "DEBUG"])
@pytest.mark.parametrize("case", VIEWS)
def test_every_page_gets_django_csps_own_policies(client, case, debug, with_report_only):
    view = VIEWS[case]
    extra = {"CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY_POLICY} if with_report_only else {}
    with override_settings(DEBUG=debug, ROOT_URLCONF=sys.modules[__name__], **extra):
        project = client.get(f"/case/{list(VIEWS).index(case)}/")
        stock = CSPMiddleware(view)(RequestFactory().get("/"))
    assert project.status_code == stock.status_code
    assert policies(project) == policies(stock)
    if not debug and case.startswith("plain"):
        assert policies(project)["Content-Security-Policy"]["default-src"] == ["'none'"]  # security.py's policy


@pytest.mark.django_db
def test_excluded_url_prefixes_get_no_policy(client):
    setting = {"EXCLUDE_URL_PREFIXES": ["/case/0/"], "DIRECTIVES": {"default-src": [SELF]}}
    with override_settings(CONTENT_SECURITY_POLICY=setting, ROOT_URLCONF=sys.modules[__name__]):
        assert "Content-Security-Policy" not in client.get("/case/0/")
        assert client.get("/case/1/")["Content-Security-Policy"] == "default-src 'self'"
