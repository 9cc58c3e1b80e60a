from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.core"
    label = "core"

    def ready(self):
        from . import security_txt  # noqa: F401  (registers the deploy check on its Expires date)
