from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """An example resource guarded by roles and ownership: copy its pattern, or delete the app."""

    name = "{{ cookiecutter.project_slug }}.documents"
    label = "documents"
