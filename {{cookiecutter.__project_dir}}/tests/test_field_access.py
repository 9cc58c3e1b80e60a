"""The field table of docs/accounts.md (who reads and who writes each field of documents and users),
checked against the models, the site's form, the admin's forms as each role sees them, and the pages."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.accounts.privileges import PRIVILEGED_FIELDS
from {{ cookiecutter.project_slug }}.api.models import Token
from {{ cookiecutter.project_slug }}.api.serializers import DocumentSerializer
from {{ cookiecutter.project_slug }}.api.tokens import TokenForm
from {{ cookiecutter.project_slug }}.documents.forms import DocumentForm
from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import HttpsClient, reauthenticated, verified
from tests.helpers.users import member

DOC = Path(__file__).resolve().parent.parent / "docs" / "accounts.md"
MODELS = {"Document": Document, "User": User, "Token": Token}


def rows():
    """(model, field, read codes, write codes) for each row of the table; codes are the `quoted` words."""
    for line in DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in MODELS:
            yield cells[0], cells[1], *(set(re.findall(r"`([^`]+)`", cell)) for cell in cells[2:])


def written_by(code, model):
    return {field for name, field, _, writers in rows() if name == model and code in writers}


def test_every_stored_field_has_exactly_one_row():
    stored = sorted(
        (name, field.name) for name, model in MODELS.items() for field in model._meta.get_fields() if field.concrete
    )
    assert sorted((name, field) for name, field, *_ in rows()) == stored


def test_the_site_form_writes_exactly_the_fields_the_table_gives_it():
    assert set(DocumentForm().fields) == written_by("form", "Document")
    writable = {name for name, field in DocumentSerializer().fields.items() if not field.read_only}
    assert writable == written_by("api", "Document")
    assert set(TokenForm().fields) == written_by("the user", "Token")
    assert set(PRIVILEGED_FIELDS) == written_by("superusers", "User")


def editable(client, url):
    """The fields an admin change page lets this client change (read-only ones are shown, not offered)."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    return {name for name, field in form.fields.items() if not field.disabled}


@pytest.fixture
def role_admin(password):
    user = member("roleadmin@example.com", password, is_staff=True)
    user.groups.add(Group.objects.get(name="Administrators"))
    return reauthenticated(verified(HttpsClient(), user), password)


@pytest.mark.django_db
def test_each_admin_form_offers_exactly_the_fields_the_table_gives_that_role(role_admin, admin_client, user):
    page = reverse("admin:accounts_user_change", args=[user.pk])
    by_its_own_form = {"password"}  # the admin changes a password on its own page, with its own checks
    user_admins = written_by("user admins", "User") - by_its_own_form
    assert editable(role_admin, page) == user_admins
    assert editable(admin_client, page) == user_admins | written_by("superusers", "User")
    document = Document.objects.create(title="x", owner=user)
    assert editable(role_admin, reverse("admin:documents_document_change", args=[document.pk])) == written_by(
        "document admins", "Document"
    )


@pytest.mark.django_db
def test_readers_see_a_documents_owner_by_name_and_only_some_see_the_address(role_admin, password):
    owner = member("olive@example.com", password, full_name="Olive Owner")
    owner.groups.add(Group.objects.get(name="Editors"))
    viewer = member("victor@example.com", password)
    viewer.groups.add(Group.objects.get(name="Viewers"))
    document = Document.objects.create(title="Quarterly plan", body="Figures inside.", owner=owner)
    pages = [reverse("documents:list"), reverse("documents:detail", args=[document.pk])]
    as_viewer = verified(HttpsClient(), viewer)
    for page in pages:
        shown = as_viewer.get(page).content.decode()
        assert "Olive Owner" in shown
        assert owner.email not in shown
    as_owner = verified(HttpsClient(), owner)
    main = [client.get(page).content.decode().split("<main>")[1] for client in (as_owner, role_admin) for page in pages]
    assert all(owner.email in content for content in main)  # the page body, not the header's own address
    owner.full_name = ""
    owner.save()
    assert "another member" in as_viewer.get(pages[1]).content.decode()


@pytest.mark.django_db
def test_nobody_reads_a_password_not_even_a_superuser(admin_client, user):
    shown = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    salt, digest = user.password.rsplit("$", 2)[-2:]  # every hasher ends with the salt and the digest
    assert salt not in shown
    assert digest not in shown


@pytest.mark.django_db
def test_the_api_shows_a_documents_owner_by_the_same_rule(role_admin, password):
    owner = member("olive@example.com", password, full_name="Olive Owner")
    owner.groups.add(Group.objects.get(name="Editors"))
    viewer = member("victor@example.com", password)
    viewer.groups.add(Group.objects.get(name="Viewers"))
    document = Document.objects.create(title="Quarterly plan", owner=owner)
    urls = ["/api/documents/", f"/api/documents/{document.pk}/"]
    for client, sees_address in [(verified(HttpsClient(), viewer), False), (verified(HttpsClient(), owner), True)]:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200
            assert "Olive Owner" in response.content.decode()
            assert (owner.email in response.content.decode()) is sees_address
    assert owner.email in role_admin.get(urls[1]).json()["owner_email"]
