from allauth.account.decorators import reauthentication_required
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.decorators import method_decorator

from ..security.events import Event, Outcome, record
from .forms import UserChangeAdminForm, UserCreationAdminForm
from .models import User
from .privileges import PRIVILEGED_FIELDS, assignable_groups, outranks, overreach

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


class PrivilegeGuard:
    """Nobody grants more than they hold (accounts/privileges.py). After PasswordAgainToChange in the
    bases, so a POST is judged (and recorded) once, after the password was asked for."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and (tried := overreach(request.user, request.POST)):
            record(Event.PRIVILEGE_DENIED, Outcome.DENIED, request, target_user_id=object_id, tried=tried)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else (*readonly, *PRIVILEGED_FIELDS)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = assignable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and outranks(obj, request.user))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and outranks(obj, request.user))

    def save_related(self, request, form, formsets, change):
        # The form offers only assignable groups, so saving it would drop the others: keep them.
        kept = list(form.instance.groups.exclude(pk__in=assignable_groups(request.user))) if change else []
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*kept)


@admin.register(User)
class UserAdmin(PasswordAgainToChange, PrivilegeGuard, DjangoUserAdmin):
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
    def get_readonly_fields(self, request, obj=None):
        # A role's permissions come from roles.py; only a superuser may change them in between.
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else (*readonly, "permissions")
