from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import signals  # noqa: F401  (connects the role sync to post_migrate)
