from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...models import SecurityEvent


class Command(BaseCommand):
    help = "Delete stored security events older than SECURITY_EVENTS_RETENTION_DAYS (the log keeps them)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override SECURITY_EVENTS_RETENTION_DAYS")

    def handle(self, *args, days=None, **options):
        days = settings.SECURITY_EVENTS_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError(f"Retention must be at least 1 day, got {days}.")
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = SecurityEvent.objects.filter(timestamp__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} security event(s) older than {days} days.")
