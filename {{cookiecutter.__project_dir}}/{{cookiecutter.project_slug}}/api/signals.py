from django.dispatch import receiver
from knox.signals import token_expired

from ..audit.events import Event, Outcome, account_named, record


@receiver(token_expired)
def record_expiry(sender, username, source, **kwargs):
    """knox deletes an expired token when it is presented, or when another token of its user is."""
    record(Event.API_TOKEN_EXPIRED, Outcome.SUCCESS, user=account_named(username), presented=source == "auth_token")
