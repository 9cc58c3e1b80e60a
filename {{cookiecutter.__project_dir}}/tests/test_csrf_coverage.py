"""Every URL the project routes refuses a POST without a CSRF token and accepts one with it.

The URL patterns are enumerated, so a new view is covered the day it is added; a pattern whose
arguments the test cannot fill fails until SAMPLE_ARGUMENTS learns them.
"""

import pytest
from django.urls import reverse

from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import verified
from tests.helpers.urls import project_patterns, sample_arguments

# Views that must accept cross-site POSTs, each with its reason in the view's code.
CSRF_EXEMPT = {"csp_report"}  # browsers send CSP reports without cookies or tokens
ORIGIN = "https://testserver"  # browsers send Origin with every POST


def is_csrf_rejection(response):
    return response.status_code == 403 and b"CSRF" in response.content


@pytest.mark.django_db
def test_every_post_needs_a_csrf_token(csrf_client, admin_user):
    verified(csrf_client, admin_user)
    document = Document.objects.create(title="x", owner=admin_user)
    unprotected, exempt = [], []
    patterns = list(project_patterns()) + [("admin:login", "", None)]
    for name, route, view in patterns:
        url = reverse(name, kwargs=sample_arguments(route, document))
        if is_csrf_rejection(csrf_client.post(url, {"title": "x"})):
            continue
        # API views are exempt from Django's middleware because DRF checks CSRF itself, for sessions.
        (exempt if getattr(view, "csrf_exempt", False) else unprotected).append(name)
    assert unprotected == []
    assert set(exempt) == CSRF_EXEMPT
    assert {name for name, _, _ in patterns if name.startswith("api-")} >= {"api-schema", "api-document-list"}
    assert len(patterns) >= 15


@pytest.mark.django_db
def test_the_same_posts_pass_with_a_token(csrf_client, admin_user):
    verified(csrf_client, admin_user)
    csrf_client.get(reverse("home"))  # sets the CSRF cookie, as a page with a form does
    token = csrf_client.cookies["__Host-csrftoken"].value
    document = Document.objects.create(title="x", owner=admin_user)
    rejected = []
    for name, route, _ in [*project_patterns(), ("admin:login", "", None)]:
        url = reverse(name, kwargs=sample_arguments(route, document))
        response = csrf_client.post(url, {"title": "x", "csrfmiddlewaretoken": token}, headers={"Origin": ORIGIN})
        if is_csrf_rejection(response):
            rejected.append(name)
    assert rejected == []
