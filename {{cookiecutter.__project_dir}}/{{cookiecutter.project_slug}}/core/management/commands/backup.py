"""`backup` copies the SQLite database while the site runs. SQLite's backup API reads one consistent
snapshot; copying the file can catch it half-written and leaves out what is still in the -wal file."""

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone


class Command(BaseCommand):
    help = "Copy the SQLite database, consistent while the site runs, to a file only its owner can read."

    def add_arguments(self, parser):
        parser.add_argument("destination", nargs="?", default=".", help="a new file, or a directory (default: .)")
        parser.add_argument("--force", action="store_true", help="replace the destination file if it exists")

    def handle(self, *args, destination, force, **options):
        connection = connections["default"]
        if connection.vendor != "sqlite":
            name = connection.display_name
            raise CommandError(f"The database is {name}: back it up with pg_dump -Fc (docs/backups.md).")
        target = Path(destination)
        if target.is_dir():
            target /= f"backup-{timezone.now():%Y%m%dT%H%M%SZ}.sqlite3"
        if not target.parent.is_dir():
            raise CommandError(f"The directory {target.parent} does not exist.")
        connection.ensure_connection()
        # mkstemp makes the file 0600: the copy holds password hashes and encrypted second factors.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        os.close(handle)
        try:
            with closing(sqlite3.connect(temporary)) as copy:
                connection.connection.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                integrity = copy.execute("PRAGMA integrity_check").fetchall()
                if integrity != [("ok",)]:
                    raise CommandError(f"The copy fails SQLite's integrity check: {integrity[:5]}")
                try:
                    migrations = copy.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
                except sqlite3.DatabaseError as error:
                    raise CommandError(f"The copy has no readable migrations table: {error}") from error
            if force:
                os.replace(temporary, target)
            else:
                os.link(temporary, target)  # refuses an existing file, atomically: never overwrite unasked
        except FileExistsError as error:
            raise CommandError(f"{target} exists: choose another name, or --force to replace it.") from error
        finally:
            Path(temporary).unlink(missing_ok=True)
        self.stdout.write(f"Backed up to {target.resolve()} (integrity ok, {migrations} migrations applied).")
