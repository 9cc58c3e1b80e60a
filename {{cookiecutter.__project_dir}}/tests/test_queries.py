"""The document list costs the same number of queries for 2 documents as for 40: nothing is fetched once
per row (each row shows its owner), for the HTML page and the API alike."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import verified
from tests.helpers.users import member

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    client.get(url)  # the first request warms per-session caches (permissions, session row)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [reverse("documents:list"), reverse("api-document-list")])
def test_listing_documents_costs_no_query_per_document(client, url):
    viewer = member("viewer@example.com")
    viewer.groups.add(Group.objects.get(name="Viewers"))
    verified(client, viewer)
    owners = [member(f"owner{n}@example.com", full_name=f"Owner {n}") for n in range(40)]
    Document.objects.bulk_create(Document(title=f"d{n}", owner=owners[n]) for n in range(2))
    few = queries_for(client, url)
    Document.objects.bulk_create(Document(title=f"d{n}", owner=owners[n]) for n in range(2, 40))
    assert queries_for(client, url) == few
