from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...adapters import UndecryptableSecret

# The values allauth stores encrypted: a TOTP secret (security.py offers no recovery codes). Passkeys
# hold public keys only.
SEALED = {Authenticator.Type.TOTP: ("secret",)}


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored MFA secret under DJANGO_MFA_KEY, so the keys in DJANGO_MFA_KEY_FALLBACKS"
        " can be removed. All or nothing; running it again rewrites nothing."
    )

    def handle(self, *args, **options):
        adapter = get_adapter()
        counts = {"rewritten": 0, "current": 0}

        def reseal(value):
            if adapter.is_current(value):
                counts["current"] += 1
                return value
            counts["rewritten"] += 1
            return adapter.encrypt(adapter.decrypt(value))

        rows = Authenticator.objects.select_for_update().filter(type__in=list(SEALED)).order_by("pk")
        try:
            with transaction.atomic():
                for authenticator in rows:
                    data = authenticator.data
                    for field in SEALED[authenticator.type]:
                        if isinstance(data.get(field), str):
                            data[field] = reseal(data[field])
                    authenticator.save(update_fields=["data"])
        except UndecryptableSecret as error:
            raise CommandError(
                f"Authenticator {authenticator.pk} is not readable with DJANGO_MFA_KEY or DJANGO_MFA_KEY_FALLBACKS;"
                " nothing was changed."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['rewritten']} value(s) re-encrypted under the current key,"
                f" {counts['current']} already under it."
            )
        )
