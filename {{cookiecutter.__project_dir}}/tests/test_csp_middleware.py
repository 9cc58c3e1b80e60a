"""The compiled CSP middleware sends the same policies as stock django-csp, on every decorator case,
with the nonce put in fresh per request."""

import pytest
from csp.constants import NONCE, NONE, SELF
from csp.decorators import csp, csp_exempt, csp_replace, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from test_headers import parse_csp

from {{ cookiecutter.project_slug }}.security.csp import MAX_COMPILED, CompiledCSPMiddleware

REPORT_ONLY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE], "report-uri": ["/r/"]}}


def page(request):
    return HttpResponse("<p>hi</p>")


def not_found(request):
    return HttpResponse(status=404)


def own_policy(request):
    return HttpResponse("<p>hi</p>", headers={"Content-Security-Policy": "default-src 'self'"})


DECORATED = {
    "plain": page,
    "update": csp_update({"img-src": ["https://images.example"], "script-src": ["https://cdn.example"]})(page),
    "replace": csp_replace({"script-src": [SELF], "style-src": None})(page),
    "override": csp({"default-src": [NONE], "script-src": [NONCE], "frame-ancestors": [NONE]})(page),
    "exempt": csp_exempt()(page),
    "update+replace": csp_update({"connect-src": ["wss://live.example"]})(
        csp_replace({"img-src": [SELF, "data:"]})(page)
    ),
    "report-only update": csp_update({"img-src": ["https://ro.example"]}, REPORT_ONLY=True)(page),
    "report-only exempt": csp_exempt(REPORT_ONLY=True)(page),
    "set-valued update": csp_update({"img-src": {"https://b.example", "https://a.example"}})(page),
    "not found": not_found,
    "view sets its own header": own_policy,
}


def headers_from(middleware_class, view, uses_nonce, path="/x/", nonce=None):
    request = RequestFactory().get(path)
    middleware = middleware_class(view)
    middleware.process_request(request)
    if nonce:
        request._csp_nonce = nonce  # the same nonce for both middlewares, to compare whole policies
    if uses_nonce:
        str(request.csp_nonce)
    response = middleware.process_response(request, view(request))
    return {
        header: parse_csp(response[header]) if header in response else None
        for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
    }


@pytest.mark.parametrize("with_report_only", [False, True], ids=["enforced only", "plus report-only setting"])
@pytest.mark.parametrize("debug", [False, True], ids=["production", "DEBUG"])
@pytest.mark.parametrize("uses_nonce", [True, False], ids=["nonce used", "nonce unused"])
@pytest.mark.parametrize("case", DECORATED)
def test_same_policy_as_stock_django_csp(case, uses_nonce, debug, with_report_only):
    extra = {"CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY_POLICY} if with_report_only else {}
    with override_settings(DEBUG=debug, **extra):
        view = DECORATED[case]
        nonce = "c3RvY2stYW5kLWNvbXBpbGVk" if uses_nonce else None
        stock = headers_from(CSPMiddleware, view, uses_nonce, nonce=nonce)
        compiled = headers_from(CompiledCSPMiddleware, view, uses_nonce, nonce=nonce)
    assert compiled == stock


@override_settings(CONTENT_SECURITY_POLICY={"EXCLUDE_URL_PREFIXES": ["/skip/"], "DIRECTIVES": {"default-src": [SELF]}})
def test_excluded_prefixes_as_stock():
    for path in ("/skip/this/", "/keep/"):
        assert headers_from(CompiledCSPMiddleware, page, False, path) == headers_from(CSPMiddleware, page, False, path)


def test_each_response_gets_its_own_nonce_from_one_compiled_policy():
    middleware = CompiledCSPMiddleware(page)
    nonces = set()
    for _ in range(3):
        request = RequestFactory().get("/")
        middleware.process_request(request)
        nonce = str(request.csp_nonce)
        policy = parse_csp(middleware.process_response(request, page(request))["Content-Security-Policy"])
        assert f"'nonce-{nonce}'" in policy["script-src"]
        nonces.add(nonce)
    assert len(nonces) == 3
    assert len(middleware.compiled) == 1  # one policy with a nonce slot; no report-only policy is set


def test_settings_changes_are_picked_up():
    middleware = CompiledCSPMiddleware(page)
    request = RequestFactory().get("/")
    middleware.process_request(request)
    middleware.process_response(request, page(request))
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": [NONE], "img-src": [SELF]}}):
        request = RequestFactory().get("/")
        middleware.process_request(request)
        policy = parse_csp(middleware.process_response(request, page(request))["Content-Security-Policy"])
    assert policy == {"default-src": ["'none'"], "img-src": ["'self'"]}


def test_per_request_policies_do_not_grow_the_cache_without_bound():
    middleware = CompiledCSPMiddleware(page)
    for n in range(MAX_COMPILED + 50):
        view = csp_update({"img-src": [f"https://{n}.example"]})(page)
        request = RequestFactory().get("/")
        middleware.process_request(request)
        response = middleware.process_response(request, view(request))
        assert f"https://{n}.example" in response["Content-Security-Policy"]
    assert len(middleware.compiled) == MAX_COMPILED
