"""New users: one made directly, with a verified address, or one signing up through the form."""

from allauth.account.models import EmailAddress
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User

from tests.helpers.clients import HttpsClient


def member(email, password=None, **extra_fields):
    """A user whose address is verified, as after following the sign-up mail's link."""
    user = User.objects.create_user(email=email, password=password, **extra_fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def sign_up(password, email="new@example.com"):
    return HttpsClient().post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})
