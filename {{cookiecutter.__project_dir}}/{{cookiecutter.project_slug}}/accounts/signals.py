from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .role_sync import sync


@receiver(post_migrate)
def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    """Keep roles current on every `migrate`, on every database, tests included."""
    if app_config is None or app_config.label != "accounts":
        return
    # post_migrate reaches apps in INSTALLED_APPS order, so later apps' permissions may not exist yet:
    # create them all first (idempotent, as Django does for each app).
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync()
