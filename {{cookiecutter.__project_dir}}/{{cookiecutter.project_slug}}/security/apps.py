from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.security"
    label = "security"
