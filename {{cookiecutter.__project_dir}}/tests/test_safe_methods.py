"""GET and HEAD never change state: every routed URL is requested both ways, by a signed-in superuser,
with the fields a POST would carry in the query string, and no row of the project's data changes."""

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core import serializers
from django.urls import reverse

from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import signed_in, verified
from tests.helpers.urls import project_patterns, sample_arguments

# Bookkeeping that a read updates by design: the session itself (its idle timestamp), the session list
# (last seen, address) and the security log.
BOOKKEEPING = {"sessions.session", "usersessions.usersession", "security.securityevent"}
# What a POST to each view would carry: a title, allauth's action buttons, a code, a password.
POST_FIELDS = {
    "title": "changed",
    "body": "changed",
    "action_remove": "",
    "action_primary": "",
    "action_send": "",
    "email": "admin@example.com",
    "code": "123456",
    "password": "not-the-password",
}


def snapshot():
    return {
        model._meta.label_lower: serializers.serialize("json", model.objects.order_by("pk"))
        for model in apps.get_models()
        if model._meta.label_lower not in BOOKKEEPING
    }


@pytest.mark.django_db
def test_get_and_head_change_nothing(client, admin_user):
    verified(client, admin_user)
    document = Document.objects.create(title="x", owner=admin_user)
    before = snapshot()
    assert Authenticator.objects.filter(user=admin_user).exists()
    patterns = list(project_patterns())
    for name, route, _ in patterns:
        url = reverse(name, kwargs=sample_arguments(route, document))
        for method in (client.get, client.head):
            assert method(url, POST_FIELDS).status_code < 500, (name, method)
    assert signed_in(client)  # no GET signed the user out either
    changed = [label for label, rows in snapshot().items() if rows != before[label]]
    assert changed == []
    assert len(patterns) >= 15
