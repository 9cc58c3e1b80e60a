"""docs/limits.md states the input rules and business limits; this checks it against the code, and that
document writes are limited per user like every other flow that creates data."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.forms import EqualWorkSignupForm, RecordedResetPasswordForm
from {{ cookiecutter.project_slug }}.documents.forms import DocumentForm
from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import verified
from tests.helpers.rate_limits import fresh_rate_window
from tests.helpers.users import member

DOC = (Path(__file__).resolve().parent.parent / "docs" / "limits.md").read_text()
ROW = re.compile(r"^\| `?([^|`]+)`? \| `?([^|`]+?)`? \| ([^|]+) \|$", re.MULTILINE)
SETTING = re.compile(r"(\w+)(?:\[\"(\w+)\"\])?")
RATE_SETTINGS = ("ACCOUNT_RATE_LIMITS", "MFA_RATE_LIMITS", "API_RATES")
SINGLE_LIMITS = {"DOCUMENT_WRITE_RATE", "CSP_REPORT_RATE", "AXES_FAILURE_LIMIT", "SESSION_IDLE_TIMEOUT"}
PROJECT_FORMS = {form.__name__: form for form in (DocumentForm, EqualWorkSignupForm, RecordedResetPasswordForm)}


def rows():
    return [match.groups() for match in ROW.finditer(DOC) if match.group(1) not in ("Input", "Setting", "---")]


def test_every_business_limit_is_stated_with_its_value():
    stated, wrong = set(), []
    for name, value, _ in rows():
        if (match := SETTING.fullmatch(name)) and match.group(1).isupper():
            setting, key = match.groups()
            actual = getattr(settings, setting)
            stated.add(name)
            if value != str(actual[key] if key else actual):
                wrong.append((name, value, str(actual[key] if key else actual)))
    assert wrong == []
    every_rate = [f'{setting}["{key}"]' for setting in RATE_SETTINGS for key in getattr(settings, setting)]
    assert sorted({*every_rate, *SINGLE_LIMITS} - stated) == []


def test_every_field_of_the_projects_forms_has_a_stated_rule():
    stated = {(form, field) for form, field, _ in rows() if form in PROJECT_FORMS}
    fields = {(name, field) for name, form in PROJECT_FORMS.items() for field in form().fields}
    assert stated == fields
    for name, field, rule in rows():
        if name in PROJECT_FORMS and (limit := re.search(r"at most (\d+) characters", rule)):
            assert PROJECT_FORMS[name]().fields[field].max_length == int(limit.group(1)), (name, field)


@pytest.mark.django_db
def test_document_writes_are_limited_per_user(client):
    limit = int(settings.DOCUMENT_WRITE_RATE.split("/")[0])
    editors = [member(f"editor{n}@example.com") for n in range(2)]
    for editor in editors:
        editor.groups.add(Group.objects.get(name="Editors"))
    fresh_rate_window(*(str(editor.pk) for editor in editors))
    verified(client, editors[0])
    statuses = [client.post(reverse("documents:create"), {"title": f"t{n}"}).status_code for n in range(limit + 1)]
    assert statuses == [302] * limit + [429]
    assert Document.objects.count() == limit
    document = Document.objects.first()
    assert client.post(reverse("documents:update", args=[document.pk]), {"title": "changed"}).status_code == 429
    assert client.get(reverse("documents:list")).status_code == 200  # reading is not limited
    verified(client, editors[1])  # another user has a count of their own
    assert client.post(reverse("documents:create"), {"title": "theirs"}).status_code == 302
