from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter as usersessions_adapter
from allauth.usersessions.admin import UserSessionAdmin as AllauthUserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.decorators import method_decorator

from ..audit.events import Event, Outcome, record
from .forms import UserChangeAdminForm, UserCreationAdminForm
from .models import User
from .privileges import PRIVILEGED_FIELDS, assignable_groups, outranks, overreach

# Pages are shown as usual; a POST asks for the password again unless it was entered in the last
# ACCOUNT_REAUTHENTICATION_TIMEOUT seconds, then goes through as posted (allauth replays it).
password_again_to_change = method_decorator(reauthentication_required(allow_get=True))


def end_others(request, sessions):
    """End the sessions, except the one making the request (it ends when its owner signs out); each
    ending is recorded (accounts/adapters.py). Returns how many ended."""
    others = [session for session in sessions if session.session_key != request.session.session_key]
    usersessions_adapter().end_sessions(others)
    return len(others)


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
    actions = ("end_sessions", "reset_two_factor")

    @admin.action(description="End all sessions of the selected users", permissions=["change"])
    def end_sessions(self, request, queryset):
        """Sign the selected users out everywhere; select all users to sign everyone out. Users who
        outrank the editor (accounts/privileges.py) are left alone."""
        users = [user for user in queryset if not outranks(user, request.user)]
        ended = end_others(request, UserSession.objects.filter(user__in=users))
        for user in users:
            self.log_change(request, user, "Ended all sessions.")
        self.message_user(request, f"{ended} sessions of {len(users)} users ended.", messages.SUCCESS)

    @admin.action(description="Lost every factor: remove them and re-verify the address", permissions=["change"])
    def reset_two_factor(self, request, queryset):
        """For a user who lost every factor, once staff are sure the request is theirs. Recovery then asks
        what enrolment asked: the password, then a code mailed to the address (it is unverified again),
        then a new factor. Their sessions end; users who outrank the editor are left alone."""
        users = [user for user in queryset if not outranks(user, request.user) and user != request.user]
        for user in users:
            with transaction.atomic():
                removed = Authenticator.objects.filter(user=user).delete()[0]
                EmailAddress.objects.filter(user=user).update(verified=False)
            end_others(request, UserSession.objects.filter(user=user))
            record(
                Event.TWO_FACTOR_REMOVED,
                Outcome.SUCCESS,
                request,
                target_user_id=user.pk,
                factor="all",
                removed=removed,
            )
            self.log_change(request, user, "Removed every factor; the address must be verified again.")
        self.message_user(request, f"Factors removed for {len(users)} users.", messages.SUCCESS)

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


admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(PasswordAgainToChange, AllauthUserSessionAdmin):
    """Deleting a session here ends it: its cookie signs nobody in any more (a plain row delete would
    leave the session itself alive). The admin's own current session is kept: it ends by signing out."""

    def delete_model(self, request, obj):
        end_others(request, [obj])

    def delete_queryset(self, request, queryset):
        end_others(request, queryset)


# Factors have no admin page of their own: deleting one there would skip the address check that the
# users' "Lost every factor" action makes, and editing one could plant a known TOTP secret.
admin.site.unregister(Authenticator)
