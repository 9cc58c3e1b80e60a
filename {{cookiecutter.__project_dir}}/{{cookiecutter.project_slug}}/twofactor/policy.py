from django.conf import settings

from .models import TOTPDevice


def second_factor_required(user):
    """Staff and superusers always; everyone when TWO_FACTOR_REQUIRED_FOR = "everyone"."""
    return settings.TWO_FACTOR_REQUIRED_FOR == "everyone" or user.is_staff or user.is_superuser


def has_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
