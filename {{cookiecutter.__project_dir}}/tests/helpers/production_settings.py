"""Production settings (config/settings/prod.py) loaded from a valid environment, one variable changed."""

import runpy

VALID_ENV = {
    "DJANGO_SECRET_KEY": "q8Vw3nK1xZr5LmT0pY7sJb2HdF6gC9aE4uN-_oWiRkQtXyBvMcPzSlDhGj",
    "DJANGO_ADMIN_URL": "admin-5d41402abc4b2a76/",
    "DJANGO_ALLOWED_HOSTS": "example.com,www.example.com",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:s3cret@smtp.example.com:587",
    "DJANGO_MFA_KEY": "JS1qVr3l0mmqNvM0K9Wb2dCq3gYtQWbq7X2b8ZHq5nE=",
}


def load_prod(monkeypatch, **overrides):
    for name in ("DJANGO_DEBUG", "DJANGO_TRUSTED_PROXIES", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**VALID_ENV, **overrides}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_module("config.settings.prod", run_name="config.settings.prod_under_test")
