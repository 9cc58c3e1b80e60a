"""`migrate` changes the schema as its owner (the "owner" database, DATABASE_MIGRATE_URL) when one is
configured; the site's own role may only read and write rows."""

from django.conf import settings
from django.core.management.commands import migrate


class Command(migrate.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        if "owner" in settings.DATABASES:
            parser.set_defaults(database="owner")
