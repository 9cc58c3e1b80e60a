"""Every page a signed-in user can open, the site's and the admin's, has a visible logout control: a
POST form (with its CSRF token) and a button, in the page header. The URL patterns are enumerated, as
tests/test_csrf_coverage.py does, so a new page is checked the day it is added."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import HttpsClient, signed_in, verified
from tests.helpers.urls import project_patterns, sample_arguments


class Forms(HTMLParser):
    """The forms of a page: action, method, and whether each has a CSRF token and a submit button."""

    def __init__(self, html):
        super().__init__()
        self.forms, self.open = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.open = {"action": attrs.get("action"), "method": (attrs.get("method") or "get").lower()}
            self.open.update(token=False, button=False)
            self.forms.append(self.open)
        elif self.open is not None and tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.open["token"] = True
        elif self.open is not None and (tag == "button" or attrs.get("type") == "submit"):
            self.open["button"] = attrs.get("type", "submit") == "submit"

    def handle_endtag(self, tag):
        if tag == "form":
            self.open = None


def logout_form(html, action):
    """The page's logout form posting to `action`, if it has a complete one."""
    for form in Forms(html).forms:
        if form == {"action": action, "method": "post", "token": True, "button": True}:
            return form
    return None


def site_pages(admin_user):
    document = Document.objects.create(title="x", owner=admin_user)
    for name, route, _ in project_patterns():
        yield reverse(name, kwargs=sample_arguments(route, document))


def admin_pages(client):
    """The admin's index, and for each model it lists: its list, its add form and one object's form."""
    index = client.get(reverse("admin:index"))
    yield reverse("admin:index")
    for app in index.context["app_list"]:
        yield reverse("admin:app_list", args=[app["app_label"]])
        for model in app["models"]:
            yield from (url for url in (model["admin_url"], model["add_url"]) if url)
            first = model["model"]._default_manager.first()
            if first is not None:
                yield reverse(f"admin:{app['app_label']}_{model['object_name'].lower()}_change", args=[first.pk])


def pages_without_logout(client, urls, action):
    shown, missing = [], []
    for url in urls:
        response = client.get(url)
        if response.status_code in (301, 302) or not response.content:
            continue  # a redirect, or an empty answer (405 to a GET on a POST-only URL): not a page
        if not response["Content-Type"].startswith("text/html"):
            continue  # healthz, security.txt
        (shown if logout_form(response.content.decode(), action) else missing).append(url)
    return shown, missing


@pytest.mark.django_db
def test_every_signed_in_page_has_the_logout_button(admin_user):
    client = verified(HttpsClient(), admin_user)
    shown, missing = pages_without_logout(client, site_pages(admin_user), reverse("account_logout"))
    assert missing == []
    assert {reverse("documents:list"), reverse("mfa_index"), reverse("usersessions_list")} <= set(shown)
    shown, missing = pages_without_logout(client, admin_pages(client), reverse("admin:logout"))
    assert missing == []
    assert reverse("admin:accounts_user_changelist") in shown


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["account_logout", "admin:logout"])
def test_the_logout_button_signs_out(admin_user, action):
    client = verified(HttpsClient(), admin_user)
    client.get(reverse("home"))  # the CSRF cookie, as the page with the button sets it
    token = client.cookies["__Host-csrftoken"].value
    client.post(reverse(action), {"csrfmiddlewaretoken": token})
    assert not signed_in(client)
