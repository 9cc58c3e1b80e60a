"""Privilege escalation through the admin, tried with forged POSTs: nobody grants more than they hold
(accounts/privileges.py). A staff member with the Administrators role may manage users and roles
within their own permissions; only superusers go further."""

from importlib import import_module

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.audit.events import Event

from tests.helpers.clients import HttpsClient, reauthenticated, signed_in, verified
from tests.helpers.users import member

pytestmark = pytest.mark.django_db


def role(name):
    return Group.objects.get(name=name)


@pytest.fixture
def role_admin(password):
    """Staff with the Administrators role, signed in with a factor and the password just given again."""
    user = member("roleadmin@example.com", password, is_staff=True)
    user.groups.add(role("Administrators"))
    return user


@pytest.fixture
def admin_session(role_admin, password):
    client = verified(HttpsClient(), role_admin)
    return reauthenticated(client, password)


def change_form(user, **fields):
    """The fields of the admin's user form as a role admin's browser posts them (the roles it offers
    them are selected), plus the forged ones."""
    offered = user.groups.exclude(name="Administrators")
    form = {"email": user.email, "full_name": user.full_name, "groups": [group.pk for group in offered]}
    if user.is_active:
        form["is_active"] = "on"
    form.update(fields)
    return {name: value for name, value in form.items() if value != ""}  # an unticked box is not posted


def post_change(client, user, **fields):
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), change_form(user, **fields))


def flags(user):
    user.refresh_from_db()
    return (user.is_staff, user.is_superuser, list(user.user_permissions.all()))


def test_a_role_admin_cannot_make_themselves_superuser(admin_session, role_admin, security_events):
    any_permission = Permission.objects.get(codename="delete_user")
    response = post_change(
        admin_session, role_admin, is_superuser="on", is_staff="on", user_permissions=[any_permission.pk]
    )
    assert response.status_code == 302  # the rest of the form is saved; the privileged fields are ignored
    assert flags(role_admin) == (True, False, [])
    assert list(role_admin.groups.values_list("name", flat=True)) == ["Administrators"]  # kept, not offered
    (denied,) = security_events.named(Event.PRIVILEGE_DENIED)
    assert denied["details"]["tried"] == ["is_superuser", "is_staff", "user_permissions"]
    assert denied["user_id"] == role_admin.pk


def test_a_role_admin_cannot_make_another_user_staff_or_superuser(admin_session, user, security_events):
    post_change(admin_session, user, is_superuser="on", is_staff="on")
    assert flags(user) == (False, False, [])
    assert len(security_events.named(Event.PRIVILEGE_DENIED)) == 1


def test_a_role_admin_cannot_assign_the_administrators_role(admin_session, user, security_events):
    response = post_change(admin_session, user, groups=[role("Administrators").pk])
    assert response.status_code == 200  # refused: not a choice this editor has
    assert "groups" in response.context["adminform"].form.errors
    assert not user.groups.exists()
    assert security_events.named(Event.PRIVILEGE_DENIED)[0]["details"]["tried"] == [
        f"groups={role('Administrators').pk}"
    ]


def test_a_role_admin_assigns_roles_within_their_own_permissions(admin_session, user, security_events):
    response = post_change(admin_session, user, groups=[role("Editors").pk, role("Viewers").pk])
    assert response.status_code == 302
    assert set(user.groups.values_list("name", flat=True)) == {"Editors", "Viewers"}
    assert security_events.named(Event.PRIVILEGE_DENIED) == []


def test_roles_the_editor_may_not_assign_are_kept_when_they_save(admin_session, password):
    colleague = member("colleague@example.com", password, is_staff=True)
    colleague.groups.add(role("Administrators"))
    assert post_change(admin_session, colleague, groups=[role("Viewers").pk], full_name="Col").status_code == 302
    assert set(colleague.groups.values_list("name", flat=True)) == {"Administrators", "Viewers"}


def test_a_role_admin_cannot_change_or_take_over_a_superuser(admin_session, admin_user):
    change = reverse("admin:accounts_user_change", args=[admin_user.pk])
    assert admin_session.post(change, change_form(admin_user, is_active="")).status_code == 403
    password_form = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert admin_session.post(password_form, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403
    assert (
        admin_session.post(reverse("admin:accounts_user_delete", args=[admin_user.pk]), {"post": "yes"}).status_code
        == 403
    )
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert admin_user.check_password("password")


def test_a_role_admin_cannot_edit_a_roles_permissions(admin_session):
    editors = role("Editors")
    before = set(editors.permissions.all())
    change = reverse("admin:auth_group_change", args=[editors.pk])
    admin_session.post(change, {"name": "Editors", "permissions": [Permission.objects.get(codename="delete_user").pk]})
    assert set(editors.permissions.all()) == before


def test_a_superuser_may_grant_everything(admin_client, user, security_events):
    reauthenticated(admin_client, "password")  # pytest-django's admin_user has the password "password"
    response = post_change(admin_client, user, is_staff="on", is_superuser="on", groups=[role("Administrators").pk])
    assert response.status_code == 302
    assert flags(user)[:2] == (True, True)
    assert list(user.groups.values_list("name", flat=True)) == ["Administrators"]
    assert security_events.named(Event.PRIVILEGE_DENIED) == []
    assert User.objects.filter(is_superuser=True).count() == 2


def test_new_privileges_end_the_users_other_sessions(admin_client, user, password):
    reauthenticated(admin_client, "password")
    laptop, phone = verified(HttpsClient(), user), verified(HttpsClient(), user)
    for client in (laptop, phone):
        assert signed_in(client)
    post_change(admin_client, user, groups=[role("Editors").pk])
    for client in (laptop, phone):  # a session id from before the change never carries the new role
        assert not signed_in(client)


def test_changing_ones_own_privileges_renews_the_session_key(admin_client, admin_user):
    reauthenticated(admin_client, "password")
    before = admin_client.cookies["__Host-sessionid"].value
    form = {**change_form(admin_user), "is_staff": "on", "is_superuser": "on", "groups": [role("Editors").pk]}
    assert admin_client.post(reverse("admin:accounts_user_change", args=[admin_user.pk]), form).status_code == 302
    assert admin_client.cookies["__Host-sessionid"].value != before
    assert admin_client.get(reverse("admin:index")).status_code == 200  # still signed in, on the new key
    stale = HttpsClient()
    stale.cookies["__Host-sessionid"] = before
    assert not signed_in(stale)


def test_a_deactivated_users_sessions_end(admin_client, user):
    reauthenticated(admin_client, "password")
    theirs = verified(HttpsClient(), user)
    assert signed_in(theirs)
    post_change(admin_client, user, is_active="")
    assert not signed_in(theirs)


def delete_in_the_admin(admin_client, user):
    reauthenticated(admin_client, "password")
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 302


def delete_several_in_the_admin(admin_client, user):
    reauthenticated(admin_client, "password")
    form = {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"}
    assert admin_client.post(reverse("admin:accounts_user_changelist"), form).status_code == 302


def delete_in_code(admin_client, user):
    user.delete()


@pytest.mark.parametrize("delete", [delete_in_the_admin, delete_several_in_the_admin, delete_in_code])
def test_a_deleted_users_sessions_end(admin_client, user, delete, security_events):
    laptop, phone = verified(HttpsClient(), user), verified(HttpsClient(), user)
    keys = [client.cookies["__Host-sessionid"].value for client in (laptop, phone)]
    assert all(signed_in(client) for client in (laptop, phone))
    owner = user.pk  # Model.delete() clears it
    delete(admin_client, user)
    assert not User.objects.filter(pk=owner).exists()
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    assert [key for key in keys if store.exists(key)] == []  # gone from the store, not merely orphaned
    assert not any(signed_in(client) for client in (laptop, phone))
    assert not UserSession.objects.filter(session_key__in=keys).exists()
    assert [event["user_id"] for event in security_events.named(Event.SESSION_ENDED)] == [owner, owner]


def test_deleting_ones_own_account_ends_its_session(admin_client, admin_user):
    reauthenticated(admin_client, "password")
    key = admin_client.cookies["__Host-sessionid"].value
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[admin_user.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not import_module(settings.SESSION_ENGINE).SessionStore().exists(key)
    assert not signed_in(admin_client)


def test_a_role_admin_cannot_sign_a_superuser_out(admin_session, admin_user, user):
    superusers_session, users_session = verified(HttpsClient(), admin_user), verified(HttpsClient(), user)
    assert signed_in(superusers_session)
    assert signed_in(users_session)
    form = {"action": "end_sessions", "_selected_action": [admin_user.pk, user.pk]}
    assert admin_session.post(reverse("admin:accounts_user_changelist"), form).status_code == 302
    assert signed_in(superusers_session)
    assert not signed_in(users_session)
