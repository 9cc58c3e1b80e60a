from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TwoFactorConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor authentication"


class VerifiedAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the site that requires a verified second factor."""

    default = False  # named explicitly in INSTALLED_APPS; TwoFactorConfig is this module's default
    default_site = "{{ cookiecutter.project_slug }}.twofactor.admin_site.VerifiedAdminSite"
