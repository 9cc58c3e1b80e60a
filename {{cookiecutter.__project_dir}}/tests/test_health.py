import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-cache" in response.headers["Cache-Control"]


def test_plain_http_probe_is_answered_not_redirected():
    # Load balancers probe over plain HTTP on the private network (SECURE_REDIRECT_EXEMPT).
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/accounts/login/").status_code == 301  # everything else still redirects


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
)
def test_unreachable_cache_is_503_and_says_nothing_more(client):
    caches["default"].close()
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (503, b"unavailable\n")


def test_only_get(client):
    assert client.post(reverse("healthz")).status_code == 405
