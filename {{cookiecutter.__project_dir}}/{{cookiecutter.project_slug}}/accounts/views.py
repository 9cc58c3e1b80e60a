from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from ..security.throttle import posted_account


def limited(key, rate):
    return method_decorator(ratelimit(key=key, rate=rate, method="POST"), name="post")


@limited("ip", settings.RATELIMIT_LOGIN_PER_IP)
@limited(posted_account("username"), settings.RATELIMIT_LOGIN_PER_ACCOUNT)
class LoginView(auth_views.LoginView):
    """Django's login view behind two rate limits, checked before the form, so before the hasher."""

    redirect_authenticated_user = True


@limited("ip", settings.RATELIMIT_RESET_PER_IP)
@limited(posted_account("email"), settings.RATELIMIT_RESET_PER_ACCOUNT)
class PasswordResetView(auth_views.PasswordResetView):
    """Reset requests are rate-limited per client and per address: no mail bombing, no mass probing."""
