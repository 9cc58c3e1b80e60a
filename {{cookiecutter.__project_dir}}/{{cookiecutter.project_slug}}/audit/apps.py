from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.audit"
    label = "security"  # the label the migrations and the events table were made under

    def ready(self):
        from . import signals  # noqa: F401  (connects the security event receivers)
