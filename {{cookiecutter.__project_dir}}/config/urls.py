from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from {{ cookiecutter.project_slug }}.api import tokens

urlpatterns = [
    path("", include("{{ cookiecutter.project_slug }}.core.urls")),
    path("documents/", include("{{ cookiecutter.project_slug }}.documents.urls")),
    path("security/", include("{{ cookiecutter.project_slug }}.hardening.urls")),
    # The REST API (docs/api.md), and its token pages among the account pages.
    path("api/", include("{{ cookiecutter.project_slug }}.api.urls")),
    path("accounts/tokens/", tokens.token_list, name="api_tokens"),
    path("accounts/tokens/revoke/", tokens.token_revoke, name="api_token_revoke"),
    # django-allauth: login, sign-up, email, password, re-authentication, two-factor, sessions.
    path("accounts/", include("{{ cookiecutter.project_slug }}.accounts.urls")),
    # A random path from DJANGO_ADMIN_URL: scanners probing /admin/ get a 404.
    path(settings.ADMIN_URL, admin.site.urls),
]

# Refusals are recorded as security events (hardening/error_pages.py), then rendered by Django's own views.
handler400 = "{{ cookiecutter.project_slug }}.hardening.error_pages.bad_request"
handler403 = "{{ cookiecutter.project_slug }}.hardening.error_pages.permission_denied"
# A database that does not answer is a 503 with Retry-After; any other failure Django's 500 page.
handler500 = "{{ cookiecutter.project_slug }}.hardening.error_pages.server_error"
# allauth answers its rate limits with this view: the 429 page with Retry-After, recorded.
handler429 = "{{ cookiecutter.project_slug }}.throttling.responses.too_many_requests"
