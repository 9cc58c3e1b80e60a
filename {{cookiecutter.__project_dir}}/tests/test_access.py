"""Who may do what, table-driven from accounts/roles.py: every role, and anonymous, on every view of the
documents app and every request of its API. A view without a declared permission, or a role table that no longer matches
behaviour, fails here."""

import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.models import Group
from django.urls import get_resolver, reverse

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.accounts.roles import ROLES
from {{ cookiecutter.project_slug }}.api.models import Token
from {{ cookiecutter.project_slug }}.documents.models import Document
from {{ cookiecutter.project_slug }}.documents.views import (
    MANAGE_ALL,
    DocumentCreateView,
    DocumentDeleteView,
    DocumentDetailView,
    DocumentListView,
    DocumentUpdateView,
    OwnerOrManagerMixin,
)

from tests.helpers.clients import HttpsClient, verified

ACTORS = ["anonymous", "no role", *ROLES]


def documents_views():
    """(url name, view class, takes a pk) for every URL pattern of the documents app."""
    namespace = get_resolver().namespace_dict["documents"][1]
    return [
        (f"documents:{pattern.name}", pattern.callback.view_class, "pk" in pattern.pattern.converters)
        for pattern in namespace.url_patterns
    ]


def test_every_documents_view_declares_a_permission():
    unguarded = [name for name, view, _ in documents_views() if not getattr(view, "permission_required", None)]
    assert unguarded == []


def test_role_table_names_only_real_permissions(db):
    from {{ cookiecutter.project_slug }}.accounts.role_sync import resolve

    resolve(set().union(*ROLES.values()))  # raises UnknownPermission otherwise


def make_actor(actor):
    if actor == "anonymous":
        return None
    user = User.objects.create_user(email=f"{actor.replace(' ', '-').lower()}@example.com")
    if actor in ROLES:
        user.groups.add(Group.objects.get(name=actor))
    return user


def expected(actor, view, owns_document):
    """What roles.py says should happen: 'allowed', 'forbidden' (403) or 'login' (redirect)."""
    if actor == "anonymous":
        return "login"
    granted = ROLES.get(actor, set())
    if view.permission_required not in granted:
        return "forbidden"
    if issubclass(view, OwnerOrManagerMixin) and not owns_document and MANAGE_ALL not in granted:
        return "forbidden"
    return "allowed"


def outcome(response):
    if response.status_code == 302 and response.headers["Location"].startswith(reverse("account_login")):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    assert response.status_code == 200, response.status_code
    return "allowed"


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("owns_document", [True, False], ids=["own document", "someone else's"])
def test_access_matches_the_role_table(client, actor, owns_document):
    user = make_actor(actor)
    stranger = User.objects.create_user(email="stranger@example.com")
    document = Document.objects.create(title="Plan", owner=user if owns_document and user else stranger)
    if user:
        verified(client, user)
    actual, wanted = {}, {}
    for name, view, takes_pk in documents_views():
        url = reverse(name, args=[document.pk] if takes_pk else [])
        actual[name] = outcome(client.get(url))
        wanted[name] = expected(actor, view, owns_document)
    assert actual == wanted


@pytest.mark.django_db
def test_editor_changes_and_deletes_only_own_documents(client):
    editor = make_actor("Editors")
    mine = Document.objects.create(title="Mine", owner=editor)
    theirs = Document.objects.create(title="Theirs", owner=User.objects.create_user(email="other@example.com"))
    verified(client, editor)
    assert client.post(reverse("documents:update", args=[theirs.pk]), {"title": "Hacked"}).status_code == 403
    assert client.post(reverse("documents:delete", args=[theirs.pk])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"
    assert client.post(reverse("documents:update", args=[mine.pk]), {"title": "Mine, v2"}).status_code == 302
    assert client.post(reverse("documents:delete", args=[mine.pk])).status_code == 302
    assert not Document.objects.filter(pk=mine.pk).exists()


@pytest.mark.django_db
def test_owner_comes_from_the_session_never_from_the_form(client):
    editor = make_actor("Editors")
    victim = User.objects.create_user(email="victim@example.com")
    verified(client, editor)
    response = client.post(reverse("documents:create"), {"title": "Note", "owner": victim.pk})
    assert response.status_code == 302
    assert Document.objects.get(title="Note").owner == editor


@pytest.mark.django_db
def test_admin_is_for_verified_staff_only(client):
    # A role alone does not open the admin, even with a second factor: is_staff does.
    verified(client, make_actor("Administrators"))
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
    # Staff must pass a second factor first.
    staff = User.objects.create_user(email="staff@example.com", is_staff=True)
    staff.groups.add(Group.objects.get(name="Administrators"))
    client.logout()
    client.force_login(staff)
    assert client.get(reverse("admin:index")).headers["Location"].startswith(reverse("mfa_index"))
    verified(client, staff)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200  # the role's auth.view_group
    assert client.get(reverse("admin:auth_group_add")).status_code == 403  # not in the role


# Each API request must follow the rule of the page that does the same (documents/views.py).
API_REQUESTS = [
    ("list", "get", False, DocumentListView),
    ("retrieve", "get", True, DocumentDetailView),
    ("create", "post", False, DocumentCreateView),
    ("update", "put", True, DocumentUpdateView),
    ("partial_update", "patch", True, DocumentUpdateView),
    ("destroy", "delete", True, DocumentDeleteView),  # last: it removes the document
]


def api_outcome(response):
    if response.status_code == 401:
        return "login"
    if response.status_code == 403:
        return "forbidden"
    assert response.status_code in (200, 201, 204), response.status_code
    return "allowed"


def test_the_matrix_covers_every_api_action():
    from {{ cookiecutter.project_slug }}.api.views import DocumentViewSet

    actions = {"list", "retrieve", "create", "update", "partial_update", "destroy"}
    assert {name for name in actions if hasattr(DocumentViewSet, name)} == {name for name, *_ in API_REQUESTS}
    assert len(get_resolver().reverse_dict.getlist("api-document-list")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("credential", ["session", "token"])
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("owns_document", [True, False], ids=["own document", "someone else's"])
def test_api_access_matches_the_role_table(client, actor, owns_document, credential):
    user = make_actor(actor)
    stranger = User.objects.create_user(email="stranger@example.com")
    document = Document.objects.create(title="Plan", owner=user if owns_document and user else stranger)
    if user and credential == "session":
        verified(client, user)
    elif user:
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt("A" * 32)})
        _, secret = Token.objects.create(user=user, name="matrix", scope=Token.Scope.READ_WRITE)
        client = HttpsClient(HTTP_AUTHORIZATION=f"Token {secret}")
    actual, wanted = {}, {}
    for action, method, takes_pk, view in API_REQUESTS:
        url = f"/api/documents/{document.pk}/" if takes_pk else "/api/documents/"
        body = json.dumps({"title": "Plan, v2"}) if method != "get" else None
        actual[action] = api_outcome(getattr(client, method)(url, body, content_type="application/json"))
        wanted[action] = expected(actor, view, owns_document)
    assert actual == wanted
