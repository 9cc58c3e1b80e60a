"""Every URL the project routes refuses a POST without a CSRF token and accepts one with it.

The URL patterns are enumerated, so a new view is covered the day it is added; a pattern whose
arguments the test cannot fill fails until SAMPLE_ARGUMENTS learns them.
"""

import re

import pytest
from conftest import verified
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from {{ cookiecutter.project_slug }}.documents.models import Document

# Views that must accept cross-site POSTs, each with its reason in the view's code.
CSRF_EXEMPT = {"csp_report"}  # browsers send CSP reports without cookies or tokens
ORIGIN = "https://testserver"  # browsers send Origin with every POST
SKIPPED_NAMESPACES = {"admin"}  # Django's admin, covered by Django's own tests; its login is checked below


def project_patterns(resolver=None, prefix="", namespace=""):
    """(url name, full route, view) for every pattern outside SKIPPED_NAMESPACES."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace not in SKIPPED_NAMESPACES:
                yield from project_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, route, entry.callback


def sample_arguments(route, document):
    # pk: a document, a session or a passkey; key and uidb36: a verification or reset link's parts
    values = {"pk": document.pk, "key": "sample-key", "uidb36": "1"}
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    missing = [name for name in names if name not in values]
    assert not missing, f"no sample value for {missing} in {route}: add one to sample_arguments"
    return {name: values[name] for name in names}


def is_csrf_rejection(response):
    return response.status_code == 403 and b"CSRF" in response.content


@pytest.mark.django_db
def test_every_post_needs_a_csrf_token(csrf_client, admin_user):
    verified(csrf_client, admin_user)
    document = Document.objects.create(title="x", owner=admin_user)
    unprotected, exempt = [], set()
    patterns = list(project_patterns()) + [("admin:login", "", None)]
    for name, route, view in patterns:
        url = reverse(name, kwargs=sample_arguments(route, document))
        if getattr(view, "csrf_exempt", False):
            exempt.add(name)
            continue
        if not is_csrf_rejection(csrf_client.post(url, {"title": "x"})):
            unprotected.append(name)
    assert unprotected == []
    assert exempt == CSRF_EXEMPT
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
