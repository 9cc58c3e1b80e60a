"""Security headers and the Content Security Policy, read off real responses."""

import re

import pytest
from django.urls import reverse

NONCE_IN_PAGE = re.compile(r'<script [^>]*nonce="([^"]+)"')


def parse_csp(header):
    """Directive name -> list of sources. django-csp orders directives differently run to run."""
    policy = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            policy[tokens[0].lower()] = tokens[1:]
    return policy


PAGES = ["home", "login"]


@pytest.fixture(params=PAGES)
def page(request, client, db):
    return client.get(reverse(request.param))


def test_transport_and_framing_headers(page):
    assert page.status_code == 200
    hsts = [part.strip() for part in page.headers["Strict-Transport-Security"].split(";")]
    assert sorted(hsts) == sorted(["max-age=31536000", "includeSubDomains", "preload"])
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert page.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    # Legacy XSS auditors are switched off (OWASP); the CSP is the XSS defence.
    assert page.headers["X-XSS-Protection"] == "0"


def test_csp_is_strict(page):
    policy = parse_csp(page.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "upgrade-insecure-requests" in policy
    assert [source for source in policy["script-src"] if not source.startswith("'nonce-")] == ["'self'"]
    every_source = [source for sources in policy.values() for source in sources]
    assert not [source for source in every_source if "unsafe" in source or source == "*"]


def test_csp_nonce_in_header_matches_the_page(client, db):
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


def test_error_pages_carry_the_headers(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert parse_csp(response.headers["Content-Security-Policy"])["default-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-XSS-Protection"] == "0"


def test_plain_http_is_redirected_to_https(db):
    from django.test import Client

    response = Client().get("/accounts/login/?next=/x")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/accounts/login/?next=/x"
    # HSTS only means something over HTTPS; browsers ignore it on HTTP responses.
    assert "Strict-Transport-Security" not in response.headers
