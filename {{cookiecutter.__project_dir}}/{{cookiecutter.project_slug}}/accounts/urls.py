"""Every /accounts/ URL is allauth's, with three changes: ending one session of one's own (allauth's
page ends all the others at once), that page asking for the password again before it ends any, and
passkey sign-in answering a refused assertion with 400. Same URLs and names as allauth's, matched
first (sign-up and reset answer no sooner than ACCOUNT_ANSWER_FLOOR: accounts/answer_floor.py). The
API token pages under /accounts/tokens/ are the api app's, mounted by config/urls.py: accounts never
imports api."""

from allauth.account.decorators import reauthentication_required
from allauth.usersessions.views import list_usersessions
from django.urls import include, path

from . import views

urlpatterns = [
    path("sessions/", reauthentication_required(allow_get=True)(list_usersessions), name="usersessions_list"),
    path("sessions/<int:pk>/end/", views.end_session, name="usersessions_end"),
    path("2fa/webauthn/login/", views.passkey_login, name="mfa_login_webauthn"),
    path("", include("allauth.urls")),
]
