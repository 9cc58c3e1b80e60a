"""Links in mail lead to the site's configured address (SITE_URL, from DJANGO_SITE_URL), never to the
host and port a request named: ALLOWED_HOSTS does not check the port, so a reset asked for with
"Host: shop.example.org:4444" would otherwise mail the victim a link, and its token, to that port."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.helpers.clients import HttpsClient
from tests.helpers.production_settings import load_prod
from tests.helpers.users import member

HOST = "shop.example.org"
FORGED = {"HTTP_HOST": f"{HOST}:4444", "HTTP_ORIGIN": f"https://{HOST}:4444"}
LINK = re.compile(r"\bhttps?://\S+")


@pytest.mark.django_db
def test_every_mailed_link_leads_to_the_site_address_whatever_host_the_request_named(
    settings, password, mailoutbox, open_signup
):
    settings.ALLOWED_HOSTS, settings.SITE_URL = [HOST], f"https://{HOST}"
    member("victim@example.com", password)
    attacker = HttpsClient()
    reset = reverse("account_reset_password")
    attacker.post(reset, {"email": "victim@example.com"}, **FORGED)  # the reset link
    attacker.post(reset, {"email": "nobody@example.com"}, **FORGED)  # "no account": the sign-up link
    signup = {"email": "victim@example.com", "password1": password, "password2": password}
    attacker.post(reverse("account_signup"), signup, **FORGED)  # "you already have an account": the reset page
    assert [len(LINK.findall(mail.body)) for mail in mailoutbox] == [1, 1, 1]
    links = [link for mail in mailoutbox for link in LINK.findall(mail.body)]
    assert all(link.startswith(f"https://{HOST}/accounts/") for link in links), links
    # Nor does the forged host appear in the text: the greeting and signature name the Site (SITE_ID).
    assert [mail.body for mail in mailoutbox if f"{HOST}:4444" in mail.body] == []
    # The victim's link works on the site itself.
    page = HttpsClient().get(links[0], headers={"Host": HOST})
    assert page.headers["Location"].startswith("/accounts/password/reset/key/")


def test_production_takes_the_site_address_from_the_environment_and_checks_it(monkeypatch):
    hosts = {"DJANGO_ALLOWED_HOSTS": "example.com,.example.net"}
    assert load_prod(monkeypatch, **hosts, DJANGO_SITE_URL=None)["SITE_URL"] == "https://example.com"
    for given, expected in [
        ("https://example.com:8443/", "https://example.com:8443"),
        ("https://www.example.net", "https://www.example.net"),
    ]:
        assert load_prod(monkeypatch, **hosts, DJANGO_SITE_URL=given)["SITE_URL"] == expected
    for refused in [
        "http://example.com",  # not HTTPS
        "https://shop.example.org",  # not a host the site serves
        "https://example.com/shop/",  # a path
        "https://example.com:https",  # not a port
        "https://someone@example.com",  # credentials
        "example.com",
    ]:
        with pytest.raises(ImproperlyConfigured, match="DJANGO_SITE_URL must be the site's address"):
            load_prod(monkeypatch, **hosts, DJANGO_SITE_URL=refused)
