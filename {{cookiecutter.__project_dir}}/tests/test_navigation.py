"""The menu offers only what the user can open: before a required second factor is set up, every other
signed-in page sends them back to the set-up, so the menu offers the set-up and the way out alone."""

import re

import pytest
from django.urls import reverse

from tests.helpers.clients import HttpsClient, verified
from tests.helpers.users import member

MENU = re.compile(r'<header class="site-header">.*?</header>', re.DOTALL)


def menu_links(client):
    """The menu's links (the site's name, linking home, aside), and that it offers the way out."""
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    menu = MENU.search(page.content.decode()).group(0)
    assert f'action="{reverse("account_logout")}"' in menu
    return re.findall(r'<a href="([^"]+)"', menu)


@pytest.mark.django_db
def test_before_the_factor_is_set_up_the_menu_offers_only_the_set_up(password):
    staff = member("staff@example.com", password, is_staff=True)
    client = HttpsClient()
    client.force_login(staff)
    assert menu_links(client) == [reverse("mfa_index")]
    # Every link it dropped would only have sent the user back to the set-up.
    assert client.get(reverse("account_email")).status_code == 302
    verified(client, staff)
    links = menu_links(client)
    assert {reverse("account_email"), reverse("account_change_password"), reverse("usersessions_list")} <= set(links)
    assert reverse("api_tokens") in links
