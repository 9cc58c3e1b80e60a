"""Every /accounts/ URL: allauth's, plus ending one session of one's own (allauth's page ends all
others), and passkey sign-in answering a refused assertion with 400 (same URL and name as allauth's,
matched first)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("sessions/<int:pk>/end/", views.end_session, name="usersessions_end"),
    path("2fa/webauthn/login/", views.passkey_login, name="mfa_login_webauthn"),
    path("", include("allauth.urls")),
]
