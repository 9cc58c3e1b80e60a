"""Security headers and the Content Security Policy on every page the project ships, read off real responses."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import BadHeaderError, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from {{ cookiecutter.project_slug }}.hardening.middleware import SecurityHeadersMiddleware, checked, permissions_policy

from tests.helpers.clients import reauthenticated, verified
from tests.helpers.csp import parse_csp

NONCE_IN_PAGE = re.compile(r'<script [^>]*nonce="([^"]+)"')


def parse_structured_dict(header):
    """`a=(), b="x"` -> {"a": "()", "b": '"x"'} (Permissions-Policy, Reporting-Endpoints)."""
    return dict(item.strip().split("=", 1) for item in header.split(","))


ANONYMOUS_PAGES = [
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
]
SIGNED_IN_PAGES = [
    "home",
    "account_change_password",
    "account_email",
    "account_reauthenticate",
    "admin:index",
    "mfa_index",
    "usersessions_list",
    "api_tokens",
]


def error_pages(client, csrf_client):
    """(label, response) for every error page the project ships."""
    yield "403 page", client.get("/__test__/403/")
    yield "404 page", client.get("/no-such-page/")
    yield "429 page", client.get("/__test__/429/")
    client.raise_request_exception = False
    yield "500 page", client.get("/__test__/500/")
    yield "503 page", client.get("/__test__/503/")
    client.raise_request_exception = True
    yield "CSRF failure page", csrf_client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})


@pytest.fixture
def every_page(client, csrf_client, admin_user):
    """(label, response) for every page the project ships, anonymous and signed in."""
    pages = [(name, client.get(reverse(name))) for name in ANONYMOUS_PAGES]
    pages += list(error_pages(client, csrf_client))
    client.force_login(admin_user)
    pages.append(("two-factor required", client.get(reverse("home"))))
    reauthenticated(client, "password")  # pytest-django's admin_user has the password "password"
    pages.append(("two-factor set-up", client.get(reverse("mfa_activate_totp"))))
    verified(client, admin_user)
    pages += [(f"{name} (signed in)", client.get(reverse(name))) for name in SIGNED_IN_PAGES]
    pages.append(("logged out page", client.post(reverse("account_logout"))))
    return pages


def security_header_problems(response):
    """Every way this response's security headers differ from the policy in security.py."""
    headers = response.headers
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": "require-corp",
        "X-XSS-Protection": "0",  # legacy XSS auditors off (OWASP); the CSP is the XSS defence
    }
    problems = [f"{name}: {headers.get(name)!r}" for name, value in expected.items() if headers.get(name) != value]
    hsts = sorted(part.strip() for part in headers.get("Strict-Transport-Security", "").split(";"))
    if hsts != sorted(["max-age=31536000", "includeSubDomains", "preload"]):
        problems.append(f"Strict-Transport-Security: {hsts}")
    policy = parse_csp(headers.get("Content-Security-Policy", ""))
    required = {
        "default-src": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "upgrade-insecure-requests": [],
        "report-uri": [settings.CSP_REPORT_PATH],
        "report-to": ["csp-endpoint"],
    }
    problems += [f"CSP {name}: {policy.get(name)}" for name, value in required.items() if policy.get(name) != value]
    if [source for source in policy.get("script-src", []) if not source.startswith("'nonce-")] != ["'self'"]:
        problems.append(f"CSP script-src: {policy.get('script-src')}")
    unsafe = [source for sources in policy.values() for source in sources if "unsafe" in source or source == "*"]
    if unsafe:
        problems.append(f"CSP allows {unsafe}")
    endpoints = parse_structured_dict(headers.get("Reporting-Endpoints", "x=y"))
    if endpoints.get("csp-endpoint") != f'"{settings.CSP_REPORT_PATH}"':
        problems.append(f"Reporting-Endpoints: {endpoints}")
    permissions = parse_structured_dict(headers.get("Permissions-Policy", "x=y"))
    allowed = {
        feature: "(self)" if feature in settings.PASSKEY_FEATURES else "()" for feature in settings.PERMISSIONS_POLICY
    }
    if permissions != allowed:
        problems.append(f"Permissions-Policy: {permissions}")
    return problems


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_every_page_carries_every_security_header(every_page):
    statuses = {label: response.status_code for label, response in every_page}
    assert statuses == {
        **dict.fromkeys(ANONYMOUS_PAGES, 200),
        "403 page": 403,
        "404 page": 404,
        "429 page": 429,
        "500 page": 500,
        "503 page": 503,
        "CSRF failure page": 403,
        "two-factor required": 302,
        "two-factor set-up": 200,
        **{f"{name} (signed in)": 200 for name in SIGNED_IN_PAGES},
        "logged out page": 302,
    }
    problems = {label: security_header_problems(response) for label, response in every_page}
    assert {label: found for label, found in problems.items() if found} == {}


TRUSTED_TYPES = ("require-trusted-types-for", "trusted-types")


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_trusted_types_are_required_on_every_page_but_the_admin(every_page):
    admin = reverse("admin:index")
    seen = {}
    for label, response in every_page:
        policy = parse_csp(response.headers["Content-Security-Policy"])
        in_admin = response.wsgi_request.path.startswith(admin)
        seen[label] = (in_admin, {name: policy[name] for name in TRUSTED_TYPES if name in policy})
    required = {"require-trusted-types-for": ["'script'"], "trusted-types": ["'none'"]}
    assert {label: found for label, (in_admin, found) in seen.items() if found != ({} if in_admin else required)} == {}
    assert seen["admin:index (signed in)"][0]  # the exemption was looked at, not just absent from the pages


def test_permissions_policy_denies_powerful_features():
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "clipboard-read"):
        assert settings.PERMISSIONS_POLICY[feature] == []


@pytest.mark.django_db
def test_csp_nonce_in_header_matches_the_page(client):
    response = client.get(reverse("home"))
    page_nonces = set(NONCE_IN_PAGE.findall(response.content.decode()))
    header_nonces = {
        source[len("'nonce-") : -1]
        for source in parse_csp(response.headers["Content-Security-Policy"])["script-src"]
        if source.startswith("'nonce-")
    }
    assert len(page_nonces) == 1
    assert page_nonces == header_nonces
    # A fresh nonce per response: a nonce leaked from one page cannot be reused on the next.
    again = client.get(reverse("home")).content.decode()
    assert set(NONCE_IN_PAGE.findall(again)).isdisjoint(page_nonces)


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_429_page_says_when_to_retry(client):
    response = client.get("/__test__/429/")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == settings.RATELIMIT_RETRY_AFTER
    assert b"Too many requests" in response.content


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https():
    from django.test import Client

    response = Client().get("/accounts/login/?next=/x")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/accounts/login/?next=/x"
    # HSTS only means something over HTTPS; browsers ignore it on HTTP responses.
    assert "Strict-Transport-Security" not in response.headers
    # The project's own headers come from the outermost middleware, so even the redirect has them.
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Request-ID", "Cross-Origin-Resource-Policy"):
        assert name in response.headers, name


def test_a_header_a_view_set_is_left_alone():
    def view(request):
        return HttpResponse("x", headers={"permissions-policy": "geolocation=(self)"})

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    assert response["Permissions-Policy"] == "geolocation=(self)"
    assert response["X-XSS-Protection"] == "0"


@pytest.mark.parametrize("value", ["a\nInjected: 1", "a\rb"])
def test_a_header_django_would_refuse_is_refused_at_start_up(value):
    with pytest.raises(BadHeaderError):
        checked({"X-Test": value})


def test_permissions_policy_header_from_the_setting():
    header = permissions_policy({"camera": [], "geolocation": ["self", "https://maps.example"], "usb": ["*"]})
    assert header == 'camera=(), geolocation=(self "https://maps.example"), usb=(*)'
    with pytest.raises(ImproperlyConfigured, match="Camera"):
        permissions_policy({"Camera": []})


@pytest.mark.django_db
def test_header_settings_changes_are_picked_up(client):
    with override_settings(EXTRA_SECURITY_HEADERS={"X-Test": "on"}, PERMISSIONS_POLICY={"camera": []}):
        response = client.get(reverse("account_login"))
    assert response.headers["X-Test"] == "on"
    assert response.headers["Permissions-Policy"] == "camera=()"
    assert "Cross-Origin-Resource-Policy" not in response.headers
    assert client.get(reverse("account_login")).headers["Cross-Origin-Resource-Policy"] == "same-origin"


@override_settings(DEBUG=True)
@pytest.mark.django_db
def test_policy_is_unchanged_by_debug(client):
    # django-csp skips 404/500 pages under DEBUG; everything else must keep the policy.
    assert parse_csp(client.get(reverse("account_login")).headers["Content-Security-Policy"])["default-src"] == [
        "'none'"
    ]


@pytest.mark.django_db
def test_signed_in_and_account_pages_are_never_stored(client, user):
    assert "no-store" not in client.get(reverse("home")).headers.get("Cache-Control", "")  # public page
    for name in ("account_login", "account_signup", "account_reset_password"):
        assert "no-store" in client.get(reverse(name)).headers["Cache-Control"], name
    verified(client, user)
    for name in ("home", "documents:list", "account_email", "mfa_index", "usersessions_list"):
        response = client.get(reverse(name))
        assert "no-store" in response.headers["Cache-Control"], name
        assert "private" in response.headers["Cache-Control"], name
    assert "no-store" in client.get("/no-such-page/").headers["Cache-Control"]  # error pages of a signed-in user
    static = client.get("/static/css/site.css")  # served by WhiteNoise, outside the rule: stays cacheable
    assert (static.status_code, static.headers["Cache-Control"]) == (200, "max-age=60, public")


@pytest.mark.django_db
def test_signing_out_clears_what_the_browser_kept(client, user):
    verified(client, user)
    response = client.post(reverse("account_logout"))
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in response.headers["Cache-Control"]
    assert "Clear-Site-Data" not in client.get(reverse("home")).headers
