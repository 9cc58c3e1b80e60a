"""Who may hand out which privileges in the admin: nobody grants more than they hold.

Only superusers change is_superuser, is_staff or per-user permissions, assign the Administrators role,
or change a user who holds a permission they lack (a superuser among them: resetting such a user's
password would be a way in). Anyone else with accounts.change_user assigns only the roles whose
permissions they hold themselves. accounts/admin.py applies these rules: a POST that tries more has
the field ignored or is refused, and is recorded as privilege.denied.
"""

from django.contrib.auth.models import Group

PRIVILEGED_FIELDS = ("is_superuser", "is_staff", "user_permissions")  # only superusers set these
SUPERUSER_ONLY_ROLES = ("Administrators",)


def assignable_groups(editor):
    """The groups the editor may add a user to or remove a user from."""
    if editor.is_superuser:
        return Group.objects.all()
    held = editor.get_all_permissions()
    groups = Group.objects.exclude(name__in=SUPERUSER_ONLY_ROLES).prefetch_related("permissions__content_type")
    within = [
        group.pk
        for group in groups
        if {f"{perm.content_type.app_label}.{perm.codename}" for perm in group.permissions.all()} <= held
    ]
    return Group.objects.filter(pk__in=within)


def outranks(target, editor):
    """True when the target holds a privilege the editor lacks: the editor must not change them."""
    if editor.is_superuser:
        return False
    return target.is_superuser or not target.get_all_permissions() <= editor.get_all_permissions()


def overreach(editor, post):
    """What a non-superuser's admin POST for a user tries beyond their rights: privileged fields, and
    groups they may not assign. Empty for superusers."""
    if editor.is_superuser:
        return []
    tried = [name for name in PRIVILEGED_FIELDS if name in post]
    allowed = {str(pk) for pk in assignable_groups(editor).values_list("pk", flat=True)}
    tried += [f"groups={value}" for value in post.getlist("groups") if value not in allowed]
    return tried
