from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.security"
    label = "security"

    def ready(self):
        from . import signals  # noqa: F401  (connects the security event receivers)
