from allauth.account.forms import ResetPasswordForm, SignupForm
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.hashers import make_password
from django.db import transaction

from ..audit.events import Event, Outcome, record
from .models import User


class RecordedResetPasswordForm(ResetPasswordForm):
    """allauth's reset request (ACCOUNT_FORMS), recorded as a security event for known and unknown
    addresses alike: a burst of them is someone probing or trying to take accounts over."""

    def save(self, request, **kwargs):
        record(Event.PASSWORD_RESET_REQUESTED, Outcome.SUCCESS, request, user=next(iter(self.users), None))
        return super().save(request, **kwargs)


class EqualWorkSignupForm(SignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS). A new address costs a password hash; a known one is
    only mailed. Hashing the typed password for a known address too (and throwing it away) makes
    both cost the same, so ACCOUNT_ANSWER_FLOOR pads two equal answers even on a loaded server."""

    def try_save(self, request):
        if self.account_already_exists and self.cleaned_data.get("password1"):
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)

    def save(self, request):
        with transaction.atomic():  # the account and its address exist together, or neither does
            return super().save(request)


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
