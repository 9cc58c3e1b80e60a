"""Roles: named sets of permissions, the one place that says who may do what.

Each role becomes an auth.Group holding exactly these permissions ("app_label.codename"). `migrate`
syncs them (accounts/signals.py) and `python manage.py sync_roles` does it on demand; `sync_roles
--check` exits 1 when the database differs, e.g. after someone edited a group in the admin.

To add a role: add an entry below, then run `python manage.py sync_roles`. tests/test_access.py derives
its expectations from this table, so a new permission here is tested at once. Removing a role strips
its group of every permission (members keep the empty group until an admin removes it).
"""

DOCUMENT_READ = {"documents.view_document"}
DOCUMENT_WRITE = DOCUMENT_READ | {"documents.add_document", "documents.change_document", "documents.delete_document"}

ROLES = {
    # Run the site: every document, and user and role assignment in the admin (with is_staff).
    "Administrators": DOCUMENT_WRITE
    | {
        "documents.manage_all_documents",
        "accounts.view_user",
        "accounts.change_user",
        "auth.view_group",
    },
    # Write documents; change and delete only their own.
    "Editors": DOCUMENT_WRITE,
    # Read documents.
    "Viewers": DOCUMENT_READ,
}
