from allauth.account.forms import ResetPasswordForm
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from ..security.events import Event, Outcome, record
from .models import User


class RecordedResetPasswordForm(ResetPasswordForm):
    """allauth's reset request (ACCOUNT_FORMS), recorded as a security event for known and unknown
    addresses alike: a burst of them is someone probing or trying to take accounts over."""

    def save(self, request, **kwargs):
        record(Event.PASSWORD_RESET_REQUESTED, Outcome.SUCCESS, request, user=next(iter(self.users), None))
        return super().save(request, **kwargs)


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
