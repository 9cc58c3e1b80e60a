"""The REST API (docs/api.md): personal access tokens (hashed, shown once, expiring, scoped, revocable),
sessions with CSRF and the second-factor rule, throttles, and errors as RFC 9457 problems."""

import hashlib
import json
import re
import time
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from {{ cookiecutter.project_slug }}.api.models import Token
from {{ cookiecutter.project_slug }}.audit.models import SecurityEvent
from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import HttpsClient, reauthenticated, verified
from tests.helpers.users import member

PROBLEM = "application/problem+json"
API_CSP = "default-src 'none'; frame-ancestors 'none'"
SECRET = {"secret": encrypt("A" * 32)}


def api_client(secret=None, address="192.0.2.10"):
    """A script's client: JSON, and a token when given one."""
    headers = {"HTTP_AUTHORIZATION": f"Token {secret}"} if secret else {}
    return HttpsClient(REMOTE_ADDR=address, **headers)


def role_member(email, role, password=None):
    user = member(email, password)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db, password):
    return role_member("eddie@example.com", "Editors", password)


def with_factor(user):
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": SECRET})
    return user


def make_token(user, scope=Token.Scope.READ_WRITE):
    """A token as the token page makes one, for a user with a second factor (the page requires it)."""
    return Token.objects.create(user=with_factor(user), name="script", scope=scope)


def create_on_the_page(client, name="laptop", scope="read-write"):
    response = client.post(reverse("api_tokens"), {"name": name, "scope": scope})
    assert response.status_code == 200
    return re.search(r"<code data-token>(\w+)</code>", response.content.decode()).group(1)


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def assert_problem(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status
    assert body["detail"]
    assert "Traceback" not in response.content.decode()
    return body


LIST = "/api/documents/"


# --- Tokens ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_token_is_shown_once_and_stored_only_as_a_digest(client, editor, password, security_events):
    reauthenticated(verified(client, editor), password)
    secret = create_on_the_page(client)
    row = Token.objects.get(user=editor)
    stored = [str(getattr(row, field.attname)) for field in Token._meta.concrete_fields]
    assert not any(secret in value for value in stored)
    assert row.digest == hashlib.sha512(secret.encode()).hexdigest()
    assert secret not in client.get(reverse("api_tokens")).content.decode()  # never shown again
    assert api_client(secret).get(LIST).status_code == 200
    (created,) = security_events.named("api_token.created")
    assert created["user_id"] == editor.pk
    assert secret not in json.dumps(security_events.all())


@pytest.mark.django_db
def test_only_a_session_that_passed_a_second_factor_creates_tokens(client, editor, password):
    client.force_login(with_factor(editor))  # signed in, but this session never passed the factor
    reauthenticated(client, password)
    assert client.post(reverse("api_tokens"), {"name": "x", "scope": "read"}).status_code == 403
    assert not Token.objects.exists()
    verified(client, editor)
    assert create_on_the_page(client)


@pytest.mark.django_db
def test_creating_and_revoking_ask_for_the_password_again(client, editor):
    verified(client, editor)
    token, _ = make_token(editor)
    response = client.post(reverse("api_tokens"), {"name": "x", "scope": "read"})
    assert response.headers["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(reverse("api_token_revoke"), {"digest": token.digest})
    assert response.headers["Location"].startswith(reverse("account_reauthenticate"))
    assert Token.objects.count() == 1


@pytest.mark.django_db
def test_tokens_expire_after_the_configured_time(editor, security_events):
    token, secret = make_token(editor)
    assert abs(token.expiry - (timezone.now() + settings.REST_KNOX["TOKEN_TTL"])) < timedelta(minutes=1)
    assert settings.REST_KNOX["TOKEN_TTL"] == timedelta(days=30)
    assert api_client(secret).get(LIST).status_code == 200
    Token.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert_problem(api_client(secret).get(LIST), 401)
    assert not Token.objects.filter(pk=token.pk).exists()
    assert [event["user_id"] for event in security_events.named("api_token.expired")] == [editor.pk]
    assert len(security_events.named("api.authentication_failed")) == 1


@pytest.mark.django_db
def test_a_read_token_only_reads(editor, security_events):
    document = Document.objects.create(title="Plan", owner=editor)
    _, reader = make_token(editor, Token.Scope.READ)
    _, writer = make_token(editor, Token.Scope.READ_WRITE)
    assert api_client(reader).get(f"{LIST}{document.pk}/").status_code == 200
    assert_problem(post_json(api_client(reader), LIST, {"title": "New"}), 403)
    assert_problem(api_client(reader).delete(f"{LIST}{document.pk}/"), 403)
    assert Document.objects.count() == 1
    refusals = security_events.named("request.permission_denied")
    assert [(event["user_id"], event["method"]) for event in refusals] == [(editor.pk, "POST"), (editor.pk, "DELETE")]
    assert post_json(api_client(writer), LIST, {"title": "New"}).status_code == 201
    assert api_client(writer).delete(f"{LIST}{document.pk}/").status_code == 204


@pytest.mark.django_db
def test_the_owner_comes_from_the_token_never_from_the_body(editor):
    victim = member("victim@example.com")
    _, secret = make_token(editor)
    response = post_json(api_client(secret), LIST, {"title": "Note", "owner": victim.pk, "owner_email": "x@y.z"})
    assert response.status_code == 201
    assert Document.objects.get(title="Note").owner == editor


@pytest.mark.django_db
def test_the_owner_lists_and_revokes_tokens(client, editor, password, security_events):
    reauthenticated(verified(client, editor), password)
    token, secret = make_token(editor)
    other, _ = make_token(member("other@example.com"))
    page = client.get(reverse("api_tokens")).content.decode()
    assert token.name in page
    assert other.digest not in page
    assert client.post(reverse("api_token_revoke"), {"digest": other.digest}).status_code == 404  # not theirs
    assert client.post(reverse("api_token_revoke"), {"digest": token.digest}).status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
    assert Token.objects.filter(pk=other.pk).exists()
    assert_problem(api_client(secret).get(LIST), 401)
    assert [event["details"]["by"] for event in security_events.named("api_token.revoked")] == ["owner"]


@pytest.mark.django_db
def test_staff_revoke_any_token_in_the_admin(admin_client, editor, security_events):
    reauthenticated(admin_client, "password")  # pytest-django's admin_user
    token, secret = make_token(editor)
    assert admin_client.get(reverse("admin:api_token_add")).status_code == 403  # tokens are made by their owner
    response = admin_client.post(reverse("admin:api_token_delete", args=[token.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert_problem(api_client(secret).get(LIST), 401)
    assert [event["details"]["by"] for event in security_events.named("api_token.revoked")] == ["staff"]


@pytest.mark.django_db
def test_first_use_is_recorded_once(editor, security_events):
    token, secret = make_token(editor)
    for _ in range(3):
        assert api_client(secret).get(LIST).status_code == 200
    assert [event["user_id"] for event in security_events.named("api_token.first_used")] == [editor.pk]
    token.refresh_from_db()
    assert token.first_used is not None


@pytest.mark.django_db
def test_every_token_authentication_is_recorded_in_the_log_only(editor, security_events, settings):
    settings.SECURITY_EVENTS_STORE = True
    _, secret = make_token(editor)
    for _ in range(3):
        assert api_client(secret).get(LIST).status_code == 200
    recorded = security_events.named("api.authenticated")
    assert [(event["user_id"], event["details"]["name"], event["outcome"]) for event in recorded] == [
        (editor.pk, "script", "success")
    ] * 3
    assert len({event["request_id"] for event in recorded}) == 3  # one per request, joinable to the access log
    # The database keeps the first use, not a row per request (every read would become a write).
    stored = set(SecurityEvent.objects.values_list("event", flat=True))
    assert "api_token.first_used" in stored
    assert "api.authenticated" not in stored


@pytest.mark.django_db
def test_a_bad_token_is_a_recorded_401(editor, security_events):
    make_token(editor)
    for header in ("Token " + "0" * 64, "Token", "Token a b", "Token \xff\xfe"):
        response = HttpsClient(HTTP_AUTHORIZATION=header).get(LIST)
        assert_problem(response, 401)
        assert response["WWW-Authenticate"] == "Token"
    assert len(security_events.named("api.authentication_failed")) == 4


@pytest.mark.django_db
def test_a_token_of_someone_who_must_use_a_second_factor_and_has_none_opens_nothing(db):
    staff = role_member("staff@example.com", "Editors")
    staff.is_staff = True
    staff.save()
    _, secret = make_token(staff)
    assert api_client(secret).get(LIST).status_code == 200
    Authenticator.objects.filter(user=staff).delete()  # the factor removed later
    assert_problem(api_client(secret).get(LIST), 401)


# --- Sessions --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_needs_the_csrf_token_for_changes(csrf_client, editor):
    verified(csrf_client, editor)
    assert csrf_client.get(LIST).status_code == 200
    body = assert_problem(post_json(csrf_client, LIST, {"title": "x"}), 403)
    assert "CSRF" in body["detail"]
    csrf_client.get(reverse("home"))
    token = csrf_client.cookies["__Host-csrftoken"].value
    headers = {"X-CSRFToken": token, "Origin": "https://testserver"}
    assert post_json(csrf_client, LIST, {"title": "x"}, headers=headers).status_code == 201


@pytest.mark.django_db
def test_a_session_without_the_required_second_factor_gets_a_problem_not_a_page(client):
    staff = role_member("staff@example.com", "Editors")
    staff.is_staff = True  # staff must use a second factor in every configuration
    staff.save()
    client.force_login(staff)
    assert_problem(client.get(LIST), 403)
    verified(client, staff)
    assert client.get(LIST).status_code == 200


# --- Errors ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_error_is_a_problem(editor):
    document = Document.objects.create(title="Plan", owner=member("other@example.com"))
    _, reader = make_token(editor, Token.Scope.READ)
    _, writer = make_token(editor)
    client = api_client(writer)
    assert_problem(client.post(LIST, "{", content_type="application/json"), 400)
    assert_problem(HttpsClient().get(LIST), 401)
    assert_problem(post_json(api_client(reader), LIST, {"title": "x"}), 403)
    assert_problem(client.delete(f"{LIST}{document.pk}/"), 403)  # an editor, not the owner
    assert_problem(client.get(f"{LIST}999999/"), 404)
    assert_problem(client.get("/api/no-such-endpoint/"), 404)
    assert_problem(client.get(f"{LIST}?page=99"), 404)
    response = client.put(LIST, "{}", content_type="application/json")
    assert_problem(response, 405)
    assert "POST" in response["Allow"]
    assert_problem(client.post(LIST, {"title": "x"}), 415)  # a form, not JSON
    too_big = b"[" + b"0," * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2) + b"0]"
    assert_problem(client.post(LIST, too_big, content_type="application/json"), 413)


@pytest.mark.django_db
def test_validation_errors_name_the_fields(editor):
    _, secret = make_token(editor)
    body = assert_problem(post_json(api_client(secret), LIST, {"title": "   ", "body": "x" * 10_001}), 400)
    assert set(body["errors"]) == {"title", "body"}
    body = assert_problem(post_json(api_client(secret), LIST, {"title": "a\x00b"}), 400)
    assert set(body["errors"]) == {"title"}


@pytest.mark.django_db
def test_data_the_schema_does_not_allow_is_a_400(editor):
    _, secret = make_token(editor)
    client = api_client(secret)
    # A number where the schema says string; a length counted as sent, not after stripping whitespace.
    for data in ({"title": 7}, {"title": "x", "body": 0}, {"title": "\n" + "x" * 200}):
        assert set(assert_problem(post_json(client, LIST, data), 400)["errors"]) <= {"title", "body"}
    assert not Document.objects.exists()
    for query in ("page=", "page=1&page=2", "page=last", "page=-1", "page=\N{SUPERSCRIPT TWO}"):  # one integer
        assert set(assert_problem(client.get(f"{LIST}?{query}"), 400)["errors"]) == {"page"}
    assert client.get(f"{LIST}?page=1").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the parser's recursion limit
        b'{"title": ' + b"9" * 5_000 + b"}",  # an integer too long to convert
        b'{"title": "x"',  # truncated
        b'{"title": NaN}',  # not JSON
        b'["title"]',  # JSON, not an object
        b"\xff\xfe",  # not UTF-8
    ],
    ids=["deep nesting", "huge integer", "truncated", "NaN", "a list", "not UTF-8"],
)
def test_malformed_bodies_are_a_400(editor, raw):
    _, secret = make_token(editor)
    assert_problem(api_client(secret).post(LIST, raw, content_type="application/json"), 400)
    assert not Document.objects.exists()


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_a_server_error_is_a_problem_without_a_trace(editor):
    _, secret = make_token(editor)
    client = api_client(secret)
    client.raise_request_exception = False
    for url in ("/api/__test__/500/", "/api/__test__/drf-500/"):
        body = assert_problem(client.get(url), 500)
        assert "on purpose" not in json.dumps(body)


# --- Headers and CORS ------------------------------------------------------------------------


def api_responses(editor):
    _, secret = make_token(editor)
    client = api_client(secret)
    document = Document.objects.create(title="Plan", owner=editor)
    origin = {"HTTP_ORIGIN": "https://evil.example"}
    yield "list", client.get(LIST, **origin)
    yield "detail", client.get(f"{LIST}{document.pk}/", **origin)
    yield "create", post_json(client, LIST, {"title": "x"}, **origin)
    yield "schema", client.get(reverse("api-schema"), **origin)
    yield "preflight", client.options(LIST, HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE", **origin)
    yield "401", HttpsClient().get(LIST, **origin)
    yield "404", client.get("/api/nothing/", **origin)


@pytest.mark.django_db
def test_api_responses_are_never_stored_sniffed_or_framed(editor):
    for label, response in api_responses(editor):
        assert response.status_code < 500, label
        assert "no-store" in response["Cache-Control"], label
        assert response["X-Content-Type-Options"] == "nosniff", label
        assert response["Content-Security-Policy"] == API_CSP, label


@pytest.mark.django_db
def test_no_other_origin_is_allowed_to_read_the_api(editor):
    for label, response in api_responses(editor):
        cors = [name for name in response.headers if name.lower().startswith("access-control-")]
        assert cors == [], label


# --- Throttles -------------------------------------------------------------------------------


def allowed(scope):
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]
    count, period = rate.split("/")
    assert period == "m"
    return int(count)


def fresh_minute(seconds_needed=20):
    """The throttles count per clock minute: start a burst early enough in one to finish inside it."""
    remaining = 60 - time.time() % 60
    if remaining < seconds_needed:
        time.sleep(remaining + 0.1)


@pytest.mark.django_db
def test_a_burst_from_one_address_is_refused_before_any_query(editor, security_events, django_assert_num_queries):
    fresh_minute()
    bad_token = api_client("0" * 64, address="198.51.100.1")
    for _ in range(allowed("api_address")):
        assert bad_token.get(LIST).status_code == 401
    body = assert_problem(bad_token.get(LIST), 429)
    assert 0 < int(bad_token.get(LIST)["Retry-After"]) <= 60
    assert "seconds" in body["detail"]
    with django_assert_num_queries(0):  # decided before the token is looked up
        assert bad_token.get(LIST).status_code == 429
    assert api_client("0" * 64, address="198.51.100.2").get(LIST).status_code == 401  # another client: own count
    (event,) = security_events.named("request.throttled")
    assert (event["client_ip"], event["details"]["reason"]) == ("198.51.100.1", "api")


@pytest.mark.django_db
def test_each_token_has_its_own_limit(editor):
    fresh_minute()
    _, first = make_token(editor)
    _, second = make_token(editor)
    for _ in range(allowed("api_user")):
        assert api_client(first, address="198.51.100.3").get(LIST).status_code == 200
    response = api_client(first, address="198.51.100.4").get(LIST)  # a new address does not reset a token
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    assert api_client(second, address="198.51.100.3").get(LIST).status_code == 200


@pytest.mark.django_db
def test_document_writes_are_limited_per_user_like_the_pages(editor):
    fresh_minute()
    limit = allowed("documents_write")
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["documents_write"] == settings.DOCUMENT_WRITE_RATE
    tokens = [make_token(editor)[1] for _ in range(2)]  # one user's tokens share the count
    statuses = [post_json(api_client(tokens[n % 2]), LIST, {"title": f"t{n}"}).status_code for n in range(limit + 1)]
    assert statuses == [201] * limit + [429]
    assert Document.objects.count() == limit
    assert api_client(tokens[0]).get(LIST).status_code == 200  # reading is not limited by it
    _, theirs = make_token(role_member("other@example.com", "Editors"))
    assert post_json(api_client(theirs), LIST, {"title": "theirs"}).status_code == 201


@pytest.mark.django_db
def test_a_user_holds_a_bounded_number_of_tokens(client, editor, password):
    reauthenticated(verified(client, editor), password)
    for _ in range(settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]):
        make_token(editor)
    response = client.post(reverse("api_tokens"), {"name": "one more", "scope": "read"})
    assert "revoke one first" in response.content.decode()
    assert Token.objects.filter(user=editor).count() == settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]


# --- Schema ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_is_openapi_3_for_signed_in_clients_only(editor):
    _, secret = make_token(editor, Token.Scope.READ)
    assert_problem(HttpsClient().get(reverse("api-schema")), 401)
    response = api_client(secret).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/documents/", "/api/documents/{id}/"} <= set(schema["paths"])
    problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    operations = [operation for path in schema["paths"].values() for operation in path.values()]
    assert all(operation["responses"]["default"]["content"] == problem for operation in operations)  # every error
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")  # a complete, valid schema
