from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Signal receivers: sign-in stamps, sign-out marks, role sync, sessions ended on factor changes.
        from . import private_responses, session_lifetime, signals  # noqa: F401


class VerifiedAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the site that requires a second factor passed in this session."""

    default = False  # named explicitly in INSTALLED_APPS; AccountsConfig is this module's default
    default_site = "{{ cookiecutter.project_slug }}.accounts.mfa_policy.VerifiedAdminSite"
