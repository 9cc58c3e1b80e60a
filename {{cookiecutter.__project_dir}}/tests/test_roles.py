"""Roles sync from accounts/roles.py into auth.Group: idempotent, checkable, and never lenient."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from {{ cookiecutter.project_slug }}.accounts import role_sync
from {{ cookiecutter.project_slug }}.accounts.roles import ROLES

pytestmark = pytest.mark.django_db


def group_permissions(name):
    return role_sync.current_permissions(Group.objects.get(name=name))


def test_migrate_created_every_role_exactly():
    assert {name: group_permissions(name) for name in ROLES} == ROLES
    assert role_sync.differences() == []


def test_sync_twice_changes_nothing(capsys):
    call_command("sync_roles")
    call_command("sync_roles")
    assert capsys.readouterr().out.splitlines() == ["Roles in sync.", "Roles in sync."]


def test_check_fails_on_drift_and_sync_repairs_it(capsys):
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="delete_user"))  # someone clicked in the admin
    Group.objects.get(name="Viewers").delete()
    with pytest.raises(CommandError, match=r"2 difference\(s\)"):
        call_command("sync_roles", "--check")
    assert "Editors: revoke accounts.delete_user" in capsys.readouterr().out
    call_command("sync_roles")
    call_command("sync_roles", "--check")
    assert group_permissions("Editors") == ROLES["Editors"]
    assert group_permissions("Viewers") == ROLES["Viewers"]


def test_a_removed_role_loses_its_permissions(monkeypatch):
    call_command("sync_roles")
    monkeypatch.setattr(role_sync, "ROLES", {k: v for k, v in ROLES.items() if k != "Editors"})
    changes = role_sync.sync(role_sync.ROLES)
    assert "Editors (not a declared role): revoke documents.add_document" in changes
    assert group_permissions("Editors") == set()


def test_unknown_permission_is_an_error_and_changes_nothing():
    before = {name: group_permissions(name) for name in ROLES}
    with pytest.raises(role_sync.UnknownPermission, match="documents.frobnicate_document"):
        role_sync.sync({**ROLES, "Viewers": {"documents.view_document", "documents.frobnicate_document"}})
    assert {name: group_permissions(name) for name in ROLES} == before
