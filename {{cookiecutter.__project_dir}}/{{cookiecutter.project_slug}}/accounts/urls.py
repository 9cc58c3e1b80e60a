"""Every /accounts/ URL is allauth's, with four changes: ending one session of one's own (allauth's
page ends all the others at once), that page asking for the password again before it ends any,
passkey sign-in answering a refused assertion with 400, and sign-up and reset answering no sooner than
ACCOUNT_ANSWER_FLOOR. Same URLs and names as allauth's, matched first. Also the API token pages
(api/tokens.py)."""

from allauth.account.decorators import reauthentication_required
from allauth.usersessions.views import list_usersessions
from django.urls import include, path

from ..api import tokens
from . import views

urlpatterns = [
    path("sessions/", reauthentication_required(allow_get=True)(list_usersessions), name="usersessions_list"),
    path("sessions/<int:pk>/end/", views.end_session, name="usersessions_end"),
    path("2fa/webauthn/login/", views.passkey_login, name="mfa_login_webauthn"),
    path("signup/", views.signup, name="account_signup"),
    path("password/reset/", views.password_reset, name="account_reset_password"),
    path("tokens/", tokens.token_list, name="api_tokens"),
    path("tokens/revoke/", tokens.token_revoke, name="api_token_revoke"),
    path("", include("allauth.urls")),
]
