from django.conf import settings
from django.contrib.auth import views as auth_views

from ..security.events import Event, Outcome, account_named, record, username_fingerprint
from ..security.throttle import limited, posted_account


@limited("ip", settings.RATELIMIT_LOGIN_PER_IP)
@limited(posted_account("username"), settings.RATELIMIT_LOGIN_PER_ACCOUNT)
class LoginView(auth_views.LoginView):
    """Django's login view behind two rate limits, checked before the form, so before the hasher."""

    redirect_authenticated_user = True


@limited("ip", settings.RATELIMIT_RESET_PER_IP)
@limited(posted_account("email"), settings.RATELIMIT_RESET_PER_ACCOUNT)
class PasswordResetView(auth_views.PasswordResetView):
    """Reset requests are rate-limited per client and per address: no mail bombing, no mass probing."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        account = account_named(email)
        details = {} if account else {"username_hash": username_fingerprint(email)}
        record(Event.PASSWORD_RESET_REQUESTED, Outcome.SUCCESS, self.request, user=account, **details)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        record(Event.PASSWORD_RESET_COMPLETED, Outcome.SUCCESS, self.request, user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view: the session stays signed in, every other session of the user is signed out."""

    def form_valid(self, form):
        response = super().form_valid(form)
        record(Event.PASSWORD_CHANGED, Outcome.SUCCESS, self.request)
        return response
