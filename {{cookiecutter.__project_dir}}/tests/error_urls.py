"""The project's URLs plus views that fail on purpose, so every error page can be checked."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path
from django_ratelimit.exceptions import Ratelimited
from rest_framework.decorators import api_view

from config.urls import handler400, handler403, handler429, handler500  # noqa: F401  (Django reads them from the URLconf)
from config.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied("a refusal, on purpose")


def throttled(request):
    raise Ratelimited


def broken(request):
    raise RuntimeError("a bug, on purpose")


def database_down(request):
    raise OperationalError("connection timeout expired, on purpose")


@api_view()
def broken_api(request):
    raise RuntimeError("a bug in an API view, on purpose")


urlpatterns = [
    path("__test__/403/", forbidden),
    path("__test__/429/", throttled),
    path("__test__/500/", broken),
    path("__test__/503/", database_down),
    path("api/__test__/503/", database_down),
    path("api/__test__/500/", broken),
    path("api/__test__/drf-500/", broken_api),
    *project_urlpatterns,
]
