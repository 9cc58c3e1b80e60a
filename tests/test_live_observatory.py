"""Tier 3: every shipped page graded by Mozilla's HTTP Observatory (npm @mdn/mdn-http-observatory).

Goal: A+ with no negative test result on every page; 135 where the page sets a cookie, 130 where it sets
none (the loopback maximum without subresource integrity: the HSTS preload bonus needs the public list).
"""

import http.client
import json
import urllib.parse

import pytest
from live.accounts import PASSWORD
from live.observatory import observatory_grade

pytestmark = pytest.mark.live

ANONYMOUS_PAGES = {
    "home": "",
    "login": "accounts/login/",
    "sign-up": "accounts/signup/",
    "password reset": "accounts/password/reset/",
    "password reset sent": "accounts/password/reset/done/",
    "password reset link, invalid": "accounts/password/reset/key/1-not-a-token/",
    "password reset complete": "accounts/password/reset/key/done/",
    "403 page": "__test__/403/",
    "404 page": "no-such-page/",
    "429 page": "__test__/429/",
    "500 page": "__test__/500/",
}
SIGNED_IN_PAGES = {
    "home, signed in": "",
    "email": "accounts/email/",
    "password change": "accounts/password/change/",
    "re-authentication": "accounts/reauthenticate/",
    "two-factor": "accounts/2fa/",
    "sessions": "accounts/sessions/",
    "logout confirmation": "accounts/logout/",
    "admin index": "{admin}",
    "admin users": "{admin}accounts/user/",
    "admin user form": "{admin}accounts/user/1/change/",
    "admin group form": "{admin}auth/group/add/",
    "documents": "documents/",
    "new document": "documents/new/",
    "document": "documents/1/",
    "edit document": "documents/1/edit/",
    "delete document": "documents/1/delete/",
}
BETWEEN_FACTORS = {  # signed in with the password, the second factor still to come
    "two-factor code step": ("admin@example.com", "accounts/2fa/authenticate/"),
    "two-factor required": ("pending@example.com", "accounts/2fa/"),
}
JUST_SIGNED_UP = {"verification code step": "accounts/confirm-email/"}  # the code from the mail still to come
JUST_REAUTHENTICATED = {  # staff without a factor who entered the password again: the set-up pages
    "authenticator app set-up": "accounts/2fa/totp/activate/",
    "passkey set-up": "accounts/2fa/webauthn/add/",
}
CLIENT = "127.0.0.6"  # an address of its own at nginx: no other test's limits count its requests
EXPECTED_STATUS = {"403 page": 403, "404 page": 404, "429 page": 429, "500 page": 500}


@pytest.fixture(scope="module")
def grades(live_site):
    cookie = live_site.login_cookie(live_site.user_email, PASSWORD)
    targets = (
        [
            {"name": name, "url": live_site.url(path.format(admin=live_site.admin_url))}
            for name, path in ANONYMOUS_PAGES.items()
        ]
        + [
            {"name": name, "url": live_site.url(path.format(admin=live_site.admin_url)), "cookie": cookie}
            for name, path in SIGNED_IN_PAGES.items()
        ]
        + [
            {
                "name": name,
                "url": live_site.url(path),
                "cookie": live_site.login_cookie(email, PASSWORD, second_factor=False),
            }
            for name, (email, path) in BETWEEN_FACTORS.items()
        ]
        + [
            {
                "name": name,
                "url": live_site.url(path),
                "cookie": live_site.signup_cookie("graded@example.com", PASSWORD),
            }
            for name, path in JUST_SIGNED_UP.items()
        ]
        + [
            {"name": name, "url": live_site.url(path), "cookie": reauthenticated}
            for reauthenticated in [
                live_site.login_cookie("newstaff@example.com", PASSWORD, second_factor=False, reauthenticate=True)
            ]
            for name, path in JUST_REAUTHENTICATED.items()
        ]
    )
    results = {result["name"]: result for result in observatory_grade(live_site, targets)}
    for result in results.values():  # the per-test table, shown when an assertion fails
        print(json.dumps({k: result.get(k) for k in ("name", "status", "grade", "score", "error")}))
        for test, outcome in result.get("tests", {}).items():
            print(f"    {test:32} {outcome['scoreModifier']:+4d}  {outcome['result']}")
    return results


def test_every_page_answers_itself_as_expected(grades):
    # No redirect (a signed-in page answering with the login form would be graded as the login form).
    assert {
        name: (result.get("status", result.get("error")), result["finalUrl"]) for name, result in grades.items()
    } == {name: (EXPECTED_STATUS.get(name, 200), result["url"]) for name, result in grades.items()}


def test_every_page_grades_a_plus_at_the_loopback_maximum(grades):
    problems = {}
    for name, result in grades.items():
        sets_cookie = result["tests"]["cookies"]["result"] != "cookies-not-found"
        goal = 135 if sets_cookie else 130
        negative = {test: o["result"] for test, o in result["tests"].items() if o["scoreModifier"] < 0}
        failed = {test: o["result"] for test, o in result["tests"].items() if not o["pass"]}
        if result["grade"] != "A+" or result["score"] < goal or negative or failed:
            problems[name] = {"grade": result["grade"], "score": result["score"], "goal": goal, **negative, **failed}
    assert problems == {}


def test_plain_http_to_every_page_is_redirected_to_it_over_https(grades, nginx):
    # The pages are graded as Django serves them (gunicorn over TLS only: the Observatory finds no plain
    # HTTP there). Plain HTTP is nginx's in the shipped set-up, on port 80 and on the TLS port alike: each
    # graded page asked for in clear is sent to itself over HTTPS on the same host, the Observatory's
    # "redirection-to-https" (graded through nginx in test_live_nginx.py; Django's own SECURE_SSL_REDIRECT
    # is the baked suite's test_headers.py).
    ports = nginx["ports"]
    answers, expected = {}, {}
    for name, result in grades.items():
        path = urllib.parse.urlsplit(result["url"]).path
        for port, https_url in (
            (ports["http"], "https://127.0.0.1"),
            (ports["https"], f"https://127.0.0.1:{ports['https']}"),
        ):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(CLIENT, 0))
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                answers[name, port] = (response.status, response.getheader("Location"))
            finally:
                connection.close()
            expected[name, port] = (308, https_url + path)
    assert answers == expected


def test_csp_gets_the_top_result(grades):
    results = {result["tests"]["content-security-policy"]["result"] for result in grades.values()}
    assert results == {"csp-implemented-with-no-unsafe-default-src-none"}


def test_our_grading_matches_the_official_scan(grades):
    # Pages the official scan() accepts (2xx/3xx/401/403, no cookie) are graded both ways: same result.
    compared = 0
    for result in grades.values():
        official = result.get("official")
        if official and "error" not in official:
            assert (official["grade"], official["score"], official["tests"]) == (
                result["grade"],
                result["score"],
                result["tests"],
            ), result["name"]
            compared += 1
    assert compared >= 5
