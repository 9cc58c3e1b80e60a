"""Production reads its secrets from systemd credentials: files in $CREDENTIALS_DIRECTORY that only the
service can read, so the secrets stay out of the process environment (deploy/systemd, config/env.py)."""

import os
import re
import runpy
import secrets
from pathlib import Path

from config import env

ROOT = Path(__file__).resolve().parent.parent
SECRETS = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
    "DJANGO_MFA_KEY": "JS1qVr3l0mmqNvM0K9Wb2dCq3gYtQWbq7X2b8ZHq5nE=",
    "DJANGO_ADMIN_URL": f"admin-{secrets.token_hex(8)}/",
    "DATABASE_URL": f"postgres://site:{secrets.token_urlsafe(24)}@127.0.0.1:5432/site",
    "REDIS_URL": f"redis://:{secrets.token_urlsafe(24)}@127.0.0.1:6379/0",
    "EMAIL_URL": f"smtp+tls://mailer:{secrets.token_urlsafe(24)}@smtp.example.com:587",
}
# Read by roles.sql and compose, or by `migrate` alone: never given to a unit that runs the site.
NOT_FOR_THE_SITE = {"POSTGRES_PASSWORD", "POSTGRES_OWNER_PASSWORD", "POSTGRES_APP_PASSWORD", "DATABASE_MIGRATE_URL"}
# Earlier keys, kept while a new one takes over (docs/keys.md): secrets too, usually empty.
FALLBACKS = {"DJANGO_SECRET_KEY_FALLBACKS", "DJANGO_MFA_KEY_FALLBACKS"}
NOT_SECRET = {"DJANGO_ALLOWED_HOSTS", "DJANGO_SITE_URL", "DJANGO_TRUSTED_PROXIES"}  # in /etc/<project>/env


def credentials(unit):
    return re.findall(r"^LoadCredentialEncrypted=(\w+):", unit.read_text(), re.MULTILINE)


def test_production_takes_its_secrets_from_credential_files_not_the_environment(monkeypatch, tmp_path):
    for name, value in SECRETS.items():
        (tmp_path / name).write_text(value + "\n")  # systemd-creds keeps a trailing newline
        monkeypatch.delenv(name, raising=False)
    for name in ("DJANGO_DEBUG", "DJANGO_TRUSTED_PROXIES", "DJANGO_PLAINTEXT_ON_PRIVATE_NETWORK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.com")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    settings = runpy.run_module("config.settings.prod", run_name="config.settings.prod_under_test")
    assert settings["SECRET_KEY"] == SECRETS["DJANGO_SECRET_KEY"]
    assert settings["MFA_ENCRYPTION_KEY"] == SECRETS["DJANGO_MFA_KEY"]
    assert settings["ADMIN_URL"] == SECRETS["DJANGO_ADMIN_URL"]
    assert env.databases()["default"]["PASSWORD"] == SECRETS["DATABASE_URL"].split(":")[2].split("@")[0]
    assert settings["CACHES"]["default"]["LOCATION"] == SECRETS["REDIS_URL"]
    assert settings["EMAIL_HOST_PASSWORD"] == SECRETS["EMAIL_URL"].split(":")[2].split("@")[0]
    assert [name for name, value in os.environ.items() if value in SECRETS.values()] == []


def test_each_unit_is_given_the_secrets_of_the_site_and_no_other():
    variables = re.findall(r"^(\w+)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    # Every variable is placed: a new one fails here until it is given to the units or kept from them.
    assert set(variables) <= set(SECRETS) | FALLBACKS | NOT_FOR_THE_SITE | NOT_SECRET
    units = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
    assert units
    for unit in units:
        assert set(credentials(unit)) == set(SECRETS) | FALLBACKS, unit.name
        assert "EnvironmentFile=" in unit.read_text()  # the settings that are not secret
