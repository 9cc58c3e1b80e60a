"""Logging: everything to stderr, where the process manager (systemd, Docker) collects it."""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Suspicious requests (bad Host header, CSRF failures) are security signals: always kept.
        "django.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
