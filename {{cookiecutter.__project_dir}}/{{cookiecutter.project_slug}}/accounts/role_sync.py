"""Make auth.Group match accounts/roles.py: the declaration is the source of truth."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .roles import ROLES


class UnknownPermission(ValueError):
    pass


def resolve(names):
    """{"app_label.codename"} -> {name: Permission}; UnknownPermission names every one that does not exist."""
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _, codename in wanted}
        )
        if (permission.content_type.app_label, permission.codename) in wanted
    }
    missing = sorted(".".join(key) for key in wanted - set(found))
    if missing:
        raise UnknownPermission(f"roles.py names permissions that do not exist: {', '.join(missing)}")
    return {".".join(key): permission for key, permission in found.items()}


def current_permissions(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def differences(roles=ROLES):
    """Human-readable changes that sync would make; empty when the database matches the declaration."""
    changes = []
    for name, declared in sorted(roles.items()):
        group = Group.objects.filter(name=name).first()
        if group is None:
            changes.append(f"create role {name} with {len(declared)} permissions")
            continue
        current = current_permissions(group)
        changes += [f"{name}: grant {perm}" for perm in sorted(declared - current)]
        changes += [f"{name}: revoke {perm}" for perm in sorted(current - declared)]
    for group in Group.objects.exclude(name__in=roles).filter(permissions__isnull=False).distinct():
        changes += [f"{group.name} (not a declared role): revoke {perm}" for perm in sorted(current_permissions(group))]
    return changes


@transaction.atomic
def sync(roles=ROLES):
    """Apply the declaration; returns the changes made (empty when already in sync)."""
    resolved = resolve(set().union(*roles.values()))
    changes = differences(roles)
    for name, declared in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([resolved[perm] for perm in declared])
    # A group that is not a declared role holds no permission: nothing is granted outside roles.py.
    for group in Group.objects.exclude(name__in=roles).filter(permissions__isnull=False).distinct():
        group.permissions.clear()
    return changes
