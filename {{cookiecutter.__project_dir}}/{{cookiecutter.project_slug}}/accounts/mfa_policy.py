"""Who must use a second factor, and what a session must have passed to open the admin.

allauth.mfa provides the factors and asks for one at login; it does not make anyone enrol. The rule
here does: staff and superusers (or every user, per MFA_REQUIRED_FOR) reach nothing but the factor
set-up pages and the way out until they have a factor.
"""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

# What a user who must enrol may reach before having a factor: the set-up pages and the way out.
SETUP_VIEWS = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "account_reauthenticate",
    "account_logout",
    "csp_report",
}
API_PREFIX = "/api/"  # config/urls.py: a script has no set-up page to be sent to
ENROLLED_SESSION_KEY = "mfa_enrolled_in_session"  # set when a factor is added, which takes a valid code


def second_factor_required(user):
    return settings.MFA_REQUIRED_FOR == "everyone" or user.is_staff or user.is_superuser


def must_set_up_factor(user):
    """The one rule: a signed-in user who must use a second factor and has none yet."""
    return user.is_authenticated and second_factor_required(user) and not is_mfa_enabled(user)


def navigation(request):
    """Context processor: whether the page may offer the signed-in menu, or only the factor set-up and
    the way out (links to pages the user would just be sent back from). Called only when the page asks."""
    return {"factor_set_up_pending": lambda: must_set_up_factor(request.user)}


def session_passed_mfa(request):
    """True when this session's sign-in included a second factor (or a passkey), or a factor was
    added in it: allauth's authentication records say which steps the session went through."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records) or bool(request.session.get(ENROLLED_SESSION_KEY))


class RequireSecondFactorMiddleware:
    """After AuthenticationMiddleware: a user who must use two-factor and has none is sent to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # no session, no signed-in user: skip loading one (most anonymous traffic)
        if request.resolver_match.view_name in SETUP_VIEWS or not must_set_up_factor(request.user):
            return None
        if request.path_info.startswith(API_PREFIX):
            raise PermissionDenied("Set up a second factor first.")  # the API answers it as a 403 problem
        return redirect(f"{reverse('mfa_index')}?{urlencode({'next': request.get_full_path()})}")


class VerifiedAdminSite(admin.AdminSite):
    """The admin opens only to active staff whose session passed a second factor, and has no login
    form of its own: signing in goes through the site's login and factor steps (no side door)."""

    def has_permission(self, request):
        return super().has_permission(request) and session_passed_mfa(request)

    def admin_view(self, view, cacheable=False):
        """Every admin view, with the admin's CSP exception (security.py, CSP_ADMIN_REPLACE)."""
        return csp_replace(settings.CSP_ADMIN_REPLACE)(super().admin_view(view, cacheable))

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise PermissionDenied  # signed in, but not staff or no factor passed: no form would change that
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
