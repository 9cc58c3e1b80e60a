from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from {{ cookiecutter.project_slug }}.accounts import views as account_views

urlpatterns = [
    path("", include("{{ cookiecutter.project_slug }}.core.urls")),
    path("documents/", include("{{ cookiecutter.project_slug }}.documents.urls")),
    path("security/", include("{{ cookiecutter.project_slug }}.security.urls")),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/two-factor/", include("{{ cookiecutter.project_slug }}.twofactor.urls")),
    # A random path from DJANGO_ADMIN_URL: scanners probing /admin/ get a 404.
    path(settings.ADMIN_URL, admin.site.urls),
]

# Refusals are recorded as security events (security/views.py), then rendered by Django's own views.
handler400 = "{{ cookiecutter.project_slug }}.security.views.bad_request"
handler403 = "{{ cookiecutter.project_slug }}.security.views.permission_denied"
