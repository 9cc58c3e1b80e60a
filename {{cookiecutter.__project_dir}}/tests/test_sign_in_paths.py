"""No hidden way in. Every routed URL is tried, GET and POST, with the account's real password and every
field a sign-in form could read: an account with a second factor is never signed in by any of them, and
the documented table of ways in (docs/authentication.md) names real URLs."""

import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.urls import reverse

from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import HttpsClient, signed_in
from tests.helpers.urls import project_patterns, sample_arguments
from tests.helpers.users import member

DOC = (Path(__file__).resolve().parent.parent / "docs" / "authentication.md").read_text()


@pytest.mark.django_db
def test_no_url_signs_in_without_the_second_factor(user, password):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt("A" * 32)})
    document = Document.objects.create(title="x", owner=member("owner@example.com"))
    fields = {"login": user.email, "email": user.email, "password": password, "oldpassword": password}
    fields |= {"password1": password, "password2": password, "code": "000000", "remember": "on"}
    ways_in = []
    routes = [*project_patterns(), ("admin:login", "", None)]
    for name, route, _ in routes:
        url = reverse(name, kwargs=sample_arguments(route, document))
        for method in ("get", "post"):
            client = HttpsClient()
            getattr(client, method)(url, fields, REMOTE_ADDR="192.0.2.7")
            if signed_in(client):
                ways_in.append((method, name))
    assert ways_in == []
    # The password is right: one more step (the code) is all that stands between it and the account.
    client = HttpsClient()
    response = client.post(reverse("account_login"), fields)
    assert response.headers["Location"] == reverse("mfa_authenticate")
    assert len(routes) >= 40


def test_the_documented_ways_in_are_routed():
    documented = re.findall(r"^\| `(\w+)` \|", DOC, re.MULTILINE)
    routed = {name for name, _, _ in project_patterns()}
    assert {"account_login", "mfa_authenticate", "mfa_login_webauthn", "account_signup"} <= set(documented)
    assert sorted(set(documented) - routed) == []
