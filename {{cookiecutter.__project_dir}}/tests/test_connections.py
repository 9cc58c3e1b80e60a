"""docs/connections.md lists every connection; nothing in the code reaches anywhere else."""

import ast
import re
from pathlib import Path

from config.settings import security

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "connections.md").read_text()
# Modules that open connections of their own. Database, cache and mail clients are reached only
# through Django's backends, configured from the environment variables the doc lists.
NETWORK_CLIENTS = {"socket", "ssl", "http.client", "urllib.request", "urllib3", "requests", "httpx", "aiohttp"}
NETWORK_CLIENTS |= {"smtplib", "ftplib", "poplib", "imaplib", "telnetlib", "xmlrpc.client", "pycurl", "websocket"}
# The one module that makes an outbound request, and the one setting that says where to.
OUTBOUND = {"{{ cookiecutter.project_slug }}/accounts/breached_passwords.py": "PWNED_PASSWORDS_URL"}
# Django's SMTP backend, given a private CA to trust alone: it reaches only the relay EMAIL_URL names.
BACKENDS = {"{{ cookiecutter.project_slug }}/core/mail.py": "EMAIL_URL"}


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_only_the_listed_module_opens_connections_of_its_own():
    sources = [*(ROOT / "{{ cookiecutter.project_slug }}").rglob("*.py"), *(ROOT / "config").rglob("*.py")]
    reaching_out = {
        str(path.relative_to(ROOT))
        for path in sources
        if any(
            module in NETWORK_CLIENTS or module.split(".")[0] in NETWORK_CLIENTS for module in imported_modules(path)
        )
    }
    assert reaching_out == set(OUTBOUND) | set(BACKENDS)
    for module, setting in OUTBOUND.items():
        assert f"settings.{setting}" in (ROOT / module).read_text()
        assert f"`{setting}`" in DOC
    for module, variable in BACKENDS.items():
        assert "(smtp.EmailBackend)" in (ROOT / module).read_text()
        assert f"`{variable}`" in DOC


def test_every_service_the_environment_names_is_described():
    # Every *_URL but the admin's path and the site's own address, which name this site, not a service.
    variables = re.findall(r"^(\w+_URL)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    variables.remove("DJANGO_ADMIN_URL")
    variables.remove("DJANGO_SITE_URL")
    assert {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= set(variables)
    assert [name for name in variables if f"`{name}`" not in DOC] == []


def test_the_outbound_api_is_reached_over_https_only():
    assert security.PWNED_PASSWORDS_URL.startswith("https://")  # production's value; test.py turns it off
