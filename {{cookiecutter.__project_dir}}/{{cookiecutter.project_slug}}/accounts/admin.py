from allauth.account.decorators import reauthentication_required
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.decorators import method_decorator

from .forms import UserChangeAdminForm, UserCreationAdminForm
from .models import User

# Pages are shown as usual; a POST asks for the password again unless it was entered in the last
# ACCOUNT_REAUTHENTICATION_TIMEOUT seconds, then goes through as posted (allauth replays it).
password_again_to_change = method_decorator(reauthentication_required(allow_get=True))


class PasswordAgainToChange:
    """Saving, deleting or bulk-changing users and roles asks for the password again: an open admin
    session left behind, or taken over, cannot hand out privileges."""

    @password_again_to_change
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    @password_again_to_change
    def delete_view(self, request, *args, **kwargs):
        return super().delete_view(request, *args, **kwargs)

    @password_again_to_change
    def changelist_view(self, request, *args, **kwargs):  # bulk actions post here
        return super().changelist_view(request, *args, **kwargs)


@admin.register(User)
class UserAdmin(PasswordAgainToChange, DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)

    @password_again_to_change
    def user_change_password(self, request, *args, **kwargs):
        return super().user_change_password(request, *args, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PasswordAgainToChange, DjangoGroupAdmin):
    pass
