"""Resource isolation (hardening/fetch_metadata.py): another site may link to a page, never load it."""

import pytest
from django.urls import reverse

from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import verified

pytestmark = pytest.mark.django_db


def fetch(client, path, site, mode, dest, method="get", **data):
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest}
    return getattr(client, method)(path, data, headers=headers)


@pytest.mark.parametrize(
    ("mode", "dest"),
    [("no-cors", "image"), ("no-cors", "script"), ("cors", "empty"), ("no-cors", "empty"), ("navigate", "iframe")],
)
def test_cross_site_loads_of_a_signed_in_page_are_refused(client, user, security_events, mode, dest):
    verified(client, user)
    allowed = 403 if dest != "iframe" else 200  # an iframe navigation is refused by frame-ancestors instead
    response = fetch(client, reverse("account_email"), "cross-site", mode, dest)
    assert response.status_code == allowed
    if allowed == 403:
        (event,) = security_events.named(Event.CROSS_SITE_REFUSED)
        assert event["details"] == {"site": "cross-site", "mode": mode, "dest": dest}
        assert user.email.encode() not in response.content  # nothing of the page leaves


def test_a_cross_site_form_post_is_refused_before_any_view(client, user, security_events):
    verified(client, user)
    response = fetch(client, reverse("documents:create"), "cross-site", "navigate", "document", "post", title="x")
    assert response.status_code == 403
    assert security_events.named(Event.CSRF_FAILURE) == []  # refused here, before the CSRF check


def test_links_from_other_sites_and_own_requests_pass(client, user):
    verified(client, user)
    assert fetch(client, reverse("home"), "cross-site", "navigate", "document").status_code == 200  # a link
    for site in ("same-origin", "same-site", "none"):
        assert fetch(client, reverse("account_email"), site, "no-cors", "image").status_code == 200, site
    assert client.get(reverse("account_email")).status_code == 200  # no Fetch Metadata: an older browser


def test_a_cross_site_embed_is_refused(client):
    assert fetch(client, reverse("home"), "cross-site", "navigate", "object").status_code == 403


def test_csp_reports_from_anywhere_still_arrive(client):
    response = fetch(client, reverse("csp_report"), "cross-site", "no-cors", "report", "post")
    assert response.status_code != 403  # judged by the endpoint's own checks (here: no body, 400)
