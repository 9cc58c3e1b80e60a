import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"database ok\ncache ok\n")
    assert "no-cache" in response.headers["Cache-Control"]


def test_plain_http_probe_is_answered_not_redirected():
    # Load balancers probe over plain HTTP on the private network (SECURE_REDIRECT_EXEMPT).
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/accounts/login/").status_code == 301  # everything else still redirects


def test_only_get(client):
    assert client.post(reverse("healthz")).status_code == 405
