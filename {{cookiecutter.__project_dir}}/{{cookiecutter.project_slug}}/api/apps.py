from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (/api/) and personal access tokens (/accounts/tokens/): docs/api.md."""

    name = "{{ cookiecutter.project_slug }}.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from . import signals  # noqa: F401  (token expiry recorded)
