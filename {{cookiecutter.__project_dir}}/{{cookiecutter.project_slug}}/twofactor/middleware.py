from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware

from .policy import has_device, second_factor_required

# What a signed-in user may reach before the second factor: the step itself, and the way out.
OPEN_VIEWS = {"twofactor:verify", "twofactor:enrol", "logout", "csp_report"}


class UnverifiedAnonymousUser(AnonymousUser):
    """The visitor without a session, with the two attributes django-otp's middleware would add."""

    otp_device = None

    def is_verified(self):
        return False


class TwoFactorMiddleware(OTPMiddleware):
    """A session counts as signed in only after the second factor.

    django-otp's OTPMiddleware gives request.user its otp_device and is_verified(); on top of it, a
    user with an authenticator app is sent to the code step after the password, and a user who must
    use two-factor (staff, superusers, or everyone, per TWO_FACTOR_REQUIRED_FOR) and has no app yet is
    sent to enrolment. One middleware, not two: each layer costs time on every request.

    A request without a session cookie can only be anonymous (AuthenticationMiddleware reads the
    user from the session), so it gets an anonymous user outright instead of django-otp's two lazy
    wrappers, which cost more than the rest of this layer on most anonymous pages.
    """

    def __call__(self, request):
        if self._is_async or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return super().__call__(request)
        request.user = user = UnverifiedAnonymousUser()

        async def auser():
            return user

        request.auser = auser
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # no session, no signed-in user: skip loading one (most anonymous traffic)
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if has_device(user):
            step = "twofactor:verify"
        elif second_factor_required(user):
            step = "twofactor:enrol"
        else:
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
