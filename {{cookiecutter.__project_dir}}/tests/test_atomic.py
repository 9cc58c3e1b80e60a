"""Operations that write several rows commit all of them or none. The database itself is made to refuse
the last write of each (a trigger, as a full disk or a lost connection would), and nothing of the
operation remains."""

import contextlib

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User

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


def address_inserts_refused():
    def create(cursor):
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TEMP TRIGGER refuse BEFORE INSERT ON account_emailaddress "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON account_emailaddress FOR EACH ROW EXECUTE FUNCTION refuse()"
            )

    def drop(cursor):
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER refuse")
        else:
            cursor.execute("DROP TRIGGER refuse ON account_emailaddress")

    return refused(create, drop)


def test_sign_up_creates_the_account_and_its_address_together(client, password):
    fields = {"email": "new@example.com", "password1": password, "password2": password}
    with address_inserts_refused(), pytest.raises(DatabaseError):
        client.post(reverse("account_signup"), fields)
    assert not User.objects.filter(email="new@example.com").exists()
    assert client.post(reverse("account_signup"), fields).status_code == 302  # and can be tried again
    assert User.objects.get(email="new@example.com").emailaddress_set.count() == 1
