"""Operations that write several rows commit all of them or none. The database itself is made to refuse
the last write of each (a trigger, as a full disk or a lost connection would), and nothing of the
operation remains."""

import contextlib

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import DatabaseError, connection
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User

from tests.helpers.clients import HttpsClient, reauthenticated, verified
from tests.helpers.two_factor import reset_in_the_admin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_signup")]


@contextlib.contextmanager
def refused(create_trigger, drop_trigger):
    """The database refuses the writes the trigger matches until the block ends (SQLite triggers raise
    by themselves; PostgreSQL's call a function that raises)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
            )
        create_trigger(cursor)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            drop_trigger(cursor)
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION refuse()")


def address_writes_refused():
    """The database refuses every INSERT and UPDATE of an email address."""

    def create(cursor):
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TEMP TRIGGER refuse_insert BEFORE INSERT ON account_emailaddress "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
            cursor.execute(
                "CREATE TEMP TRIGGER refuse_update BEFORE UPDATE ON account_emailaddress "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON account_emailaddress "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )

    def drop(cursor):
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER refuse_insert")
            cursor.execute("DROP TRIGGER refuse_update")
        else:
            cursor.execute("DROP TRIGGER refuse ON account_emailaddress")

    return refused(create, drop)


def test_sign_up_creates_the_account_and_its_address_together(client, password):
    fields = {"email": "new@example.com", "password1": password, "password2": password}
    with address_writes_refused(), pytest.raises(DatabaseError):
        client.post(reverse("account_signup"), fields)
    assert not User.objects.filter(email="new@example.com").exists()
    assert client.post(reverse("account_signup"), fields).status_code == 302  # and can be tried again
    assert User.objects.get(email="new@example.com").emailaddress_set.count() == 1


def test_lost_every_factor_removes_the_factors_and_unverifies_the_address_together(admin_client, user):
    verified(HttpsClient(), user)
    assert Authenticator.objects.filter(user=user).exists()
    reauthenticated(admin_client, "password")
    with address_writes_refused(), pytest.raises(DatabaseError):
        reset_in_the_admin(admin_client, user)
    assert Authenticator.objects.filter(user=user).exists()  # no factor gone while the address stays verified
    assert EmailAddress.objects.get(user=user).verified
    assert reset_in_the_admin(admin_client, user).status_code == 302  # and can be done again
    assert not Authenticator.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified
