from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("{{ cookiecutter.project_slug }}.core.urls")),
    path("documents/", include("{{ cookiecutter.project_slug }}.documents.urls")),
    path("security/", include("{{ cookiecutter.project_slug }}.security.urls")),
    # The REST API (docs/api.md); its token pages live under /accounts/tokens/.
    path("api/", include("{{ cookiecutter.project_slug }}.api.urls")),
    # django-allauth: login, sign-up, email, password, re-authentication, two-factor, sessions.
    path("accounts/", include("{{ cookiecutter.project_slug }}.accounts.urls")),
    # A random path from DJANGO_ADMIN_URL: scanners probing /admin/ get a 404.
    path(settings.ADMIN_URL, admin.site.urls),
]

# Refusals are recorded as security events (security/views.py), then rendered by Django's own views.
handler400 = "{{ cookiecutter.project_slug }}.security.views.bad_request"
handler403 = "{{ cookiecutter.project_slug }}.security.views.permission_denied"
# allauth answers its rate limits with this view: the 429 page with Retry-After, recorded.
handler429 = "{{ cookiecutter.project_slug }}.security.throttle.too_many_requests"
