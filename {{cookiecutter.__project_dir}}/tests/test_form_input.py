"""Hostile input through the real views: oversized, malformed, control characters, markup. Never a 500,
never an invalid row saved, never markup rendered unescaped."""

import pytest
from conftest import verified
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.documents.forms import DocumentForm
from {{ cookiecutter.project_slug }}.documents.models import Document

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(min_size=190, max_size=260),  # around the title's 200-character limit
    # Around the body's 10,000-character limit: a generated piece repeated (cheap to draw at this size).
    st.builds(
        lambda piece, times: (piece * times)[:12_000], st.text(min_size=1, max_size=8), st.integers(1_250, 12_000)
    ),
    st.sampled_from(["", " ", "\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --", "\u202e\ufeff", "%00"]),
)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def editor(db):
    user = User.objects.create_user(email="editor@example.com")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def assert_valid_row(document):
    form = DocumentForm(data={"title": document.title, "body": document.body})
    assert form.is_valid(), form.errors


@FUZZ
@given(title=HOSTILE_TEXT, body=HOSTILE_TEXT)
def test_document_form_never_errs_or_saves_invalid_data(client, editor, title, body):
    verified(client, editor)
    before = Document.objects.count()
    response = client.post(reverse("documents:create"), {"title": title, "body": body})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        document = Document.objects.latest("pk")
        assert_valid_row(document)
        assert document.owner == editor
        page = client.get(document.get_absolute_url()).content.decode()
        assert "<script>alert(1)</script>" not in page
    else:
        assert Document.objects.count() == before


@FUZZ
@given(username=HOSTILE_TEXT, password=HOSTILE_TEXT)
def test_login_form_never_errs(client, db, username, password):
    cache.clear()  # rate limits are not what this test is about
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 429)  # 429 once the fuzzer's failures lock a (name, client) pair
    assert "_auth_user_id" not in client.session


@FUZZ
@given(email=HOSTILE_TEXT)
def test_password_reset_form_never_errs(client, db, email):
    cache.clear()
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code in (200, 302)


@FUZZ
@given(old=HOSTILE_TEXT, new1=HOSTILE_TEXT, new2=HOSTILE_TEXT)
def test_password_change_form_never_errs_or_accepts_a_weak_password(client, user, password, old, new1, new2):
    verified(client, user)
    response = client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code == 200  # the real old password is never guessed by the fuzzer
    user.refresh_from_db()
    assert user.check_password(password)


@pytest.mark.django_db
def test_oversized_fields_are_refused():
    form = DocumentForm(data={"title": "t" * 201, "body": "b" * 10_001})
    assert not form.is_valid()
    assert set(form.errors) == {"title", "body"}


@pytest.mark.django_db
def test_nul_characters_are_refused():
    assert not DocumentForm(data={"title": "a\x00b", "body": ""}).is_valid()
