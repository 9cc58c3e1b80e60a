from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


class VerifiedAdminSite(admin.AdminSite):
    """The admin opens only to active staff whose session passed the second factor, and has no login
    form of its own: signing in goes through the site's login and code steps (no side door)."""

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise PermissionDenied  # signed in, but not staff: no login form would change that
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
