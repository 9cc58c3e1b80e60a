from django.core.management.base import BaseCommand, CommandError

from ...role_sync import UnknownPermission, differences, resolve, sync
from ...roles import ROLES


class Command(BaseCommand):
    help = "Make the permission groups match accounts/roles.py (--check: report differences, change nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 if the database differs from roles.py"
        )

    def handle(self, *args, check=False, **options):
        try:
            resolve(set().union(*ROLES.values()))
            changes = differences() if check else sync()
        except UnknownPermission as error:
            raise CommandError(str(error)) from error
        for change in changes:
            self.stdout.write(change)
        if check and changes:
            raise CommandError(f"{len(changes)} difference(s) between the database and roles.py; run sync_roles.")
        self.stdout.write(self.style.SUCCESS("Roles in sync." if not changes else f"{len(changes)} change(s) applied."))
