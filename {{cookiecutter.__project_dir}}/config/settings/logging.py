"""Logging: JSON lines on stdout in production (the platform ships them: journald, Docker, a log
shipper), readable lines in development. Security events go to the "security" logger; see
{{ cookiecutter.project_slug }}/audit/events.py for their fields.
"""


def logging_config(json_lines):
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
        "formatter": "json" if json_lines else "plain",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
            "json": {"()": "{{ cookiecutter.project_slug }}.audit.log_format.JsonLineFormatter"},
        },
        "handlers": {"stdout": handler},
        "root": {"handlers": ["stdout"], "level": "INFO"},
        "loggers": {
            # Replaces Django's defaults, which would also mail errors to ADMINS and print to stderr:
            # every line goes to the one destination docs/logging.md lists.
            "django": {"level": "INFO"},
            "django.server": {"level": "INFO"},
            # Security events and Django's own security warnings (bad Host headers, CSRF) are always kept.
            "security": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "django.security": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            # django-axes logs each attempt itself; the security events above say it once, redacted.
            "axes": {"level": "WARNING"},
        },
    }


LOGGING = logging_config(json_lines=True)
