"""Signed-in pages are never stored: not by the browser, nor by a proxy, nor in the back-forward cache.

Every response to a signed-in request, and every account page (/accounts/: login, sign-up, reset,
two-factor), is sent with Cache-Control: no-store (Django's add_never_cache_headers). Signing out
also tells the browser to drop what it kept for the site (Clear-Site-Data), so Back shows nothing.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils.cache import add_never_cache_headers

ACCOUNT_PAGES = "/accounts/"  # config/urls.py
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


@receiver(user_logged_out)
def remember_sign_out(sender, request, user, **kwargs):
    if request is not None:
        request.signed_out = True


class PrivateResponsesMiddleware:
    """Outside the session and authentication layers, inside WhiteNoise (static files stay cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_out = getattr(request, "signed_out", False)
        if signed_out or request.path.startswith(ACCOUNT_PAGES) or signed_in(request):
            add_never_cache_headers(response)
        if signed_out:
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


def signed_in(request):
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # no session, nobody signed in: skip loading one (most anonymous traffic)
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)
