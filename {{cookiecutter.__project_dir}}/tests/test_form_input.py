"""Hostile input through the real views: oversized, malformed, control characters, markup. Never a 500,
never an invalid row saved, never markup rendered unescaped."""

import base64
import json

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.documents.forms import DocumentForm
from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import verified

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
    cache.clear()  # rate limits are not what this test is about
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
    response = client.post(reverse("account_login"), {"login": username, "password": password})
    assert response.status_code in (200, 429)  # 429 once the fuzzer's failures lock a (name, client) pair
    assert "_auth_user_id" not in client.session


@FUZZ
@given(email=HOSTILE_TEXT)
def test_password_reset_form_never_errs(client, db, email):
    cache.clear()
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code in (200, 302)


@FUZZ
@given(old=HOSTILE_TEXT, new1=HOSTILE_TEXT, new2=HOSTILE_TEXT)
def test_password_change_form_never_errs_or_accepts_a_weak_password(client, user, password, old, new1, new2):
    cache.clear()  # rate limits are not what this test is about
    verified(client, user)
    response = client.post(
        reverse("account_change_password"), {"oldpassword": old, "password1": new1, "password2": new2}
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


# A passkey assertion as the browser posts it (PublicKeyCredential.toJSON()), each part hostile.
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def b64url(data):
    return base64.urlsafe_b64encode(data.encode() if isinstance(data, str) else data).rstrip(b"=").decode()


B64URL = st.one_of(
    st.text(alphabet="ABCDEFabcdef0123456789-_", max_size=90),
    st.binary(max_size=64).map(b64url),
    JSON_VALUE.map(lambda value: b64url(json.dumps(value))),  # clientDataJSON that is JSON, of any shape
    st.fixed_dictionaries({"type": JSON_VALUE, "challenge": JSON_VALUE, "origin": JSON_VALUE}).map(
        lambda value: b64url(json.dumps(value))
    ),
    HOSTILE_TEXT,
)
ASSERTION = st.fixed_dictionaries(
    {
        "type": st.one_of(st.just("public-key"), JSON_VALUE),
        "id": st.one_of(B64URL, JSON_VALUE),
        "rawId": st.one_of(B64URL, JSON_VALUE),
        "response": st.one_of(
            st.fixed_dictionaries(
                {
                    "clientDataJSON": B64URL,
                    "authenticatorData": B64URL,
                    "signature": B64URL,
                    "userHandle": st.one_of(B64URL, st.just("MQ"), JSON_VALUE),
                }
            ),
            JSON_VALUE,
        ),
        "clientExtensionResults": JSON_VALUE,
    }
)
PASSKEY_POSTS = st.one_of(
    ASSERTION.map(json.dumps),
    JSON_VALUE.map(json.dumps),
    HOSTILE_TEXT,
    st.sampled_from(["{", "[1,", "1e999999", "9" * 4301]),  # the last: past Python's integer digit limit
)


@FUZZ
@given(credential=PASSKEY_POSTS)
def test_passkey_sign_in_refuses_malformed_assertions_with_400(client, user, credential):
    cache.clear()  # rate limits are not what this test is about
    options = client.get(reverse("mfa_login_webauthn"), headers={"Accept": "application/json"})
    assert options.status_code == 200  # a challenge is waiting in the session
    response = client.post(reverse("mfa_login_webauthn"), {"credential": credential})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
