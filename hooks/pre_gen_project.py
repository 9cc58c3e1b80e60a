"""Validate every answer before a single file is written.

A bad answer prints one line naming the field, the value and the rule, and exits 1;
cookiecutter then removes the half-made project directory.
"""

import keyword
import re
import sys
import zoneinfo

# Answers enter once, as JSON literals, so any text the user typed stays a valid Python string.
ANSWERS = {
    "project_name": {{ cookiecutter.project_name | tojson }},
    "project_slug": {{ cookiecutter.project_slug | tojson }},
    "author_email": {{ cookiecutter.author_email | tojson }},
    "domain_name": {{ cookiecutter.domain_name | tojson }},
    "time_zone": {{ cookiecutter.time_zone | tojson }},
}

# Top-level names the generated project imports or ships beside its package: a slug equal to one of
# them would shadow it on sys.path (or clash with a directory) and break the project in confusing ways.
RESERVED_SLUGS = frozenset(
    {
        # third-party packages the project imports
        "allauth", "argon2", "axes", "csp", "django", "environ", "fido2", "gunicorn", "psycopg", "pytest",
        "pytest_django", "qrcode", "whitenoise", "ruff", "cookiecutter",
        # the project's own top-level modules and directories
        "config", "deploy", "manage", "requirements", "static", "staticfiles", "templates", "tests",
        # common names that shadow stdlib-adjacent or test tooling
        "test", "site", "setup", "conftest",
    }
)

# The slug names the service's system accounts (deploy/systemd, pg_ident.conf: SLUG and SLUG_owner),
# and Linux user names stay under 32 characters.
MAX_SLUG_LENGTH = 25
LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")


def check_project_name(value):
    if not value.strip():
        return "must not be empty"
    return None


def check_project_slug(value):
    if not value.isidentifier() or not value.isascii() or value != value.lower():
        return "must be a lowercase Python identifier (a-z, 0-9, _; not starting with a digit)"
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return "must not be a Python keyword"
    if value.startswith("_"):
        return "must not start with an underscore"
    if len(value) > MAX_SLUG_LENGTH:
        return f"must be at most {MAX_SLUG_LENGTH} characters (it names system accounts, such as {value}_owner)"
    if value in sys.stdlib_module_names or value in RESERVED_SLUGS:
        return "must not shadow a module the project imports (stdlib, Django, its dependencies or its own)"
    return None


def hostname_problem(host):
    """Return why `host` is not a bare DNS hostname, or None."""
    if not host:
        return "must not be empty"
    if "://" in host:
        return "must be a bare hostname without a scheme (example.com, not https://example.com)"
    if any(ch in host for ch in "/?#"):
        return "must be a bare hostname without a path (example.com, not example.com/app)"
    if ":" in host or host.startswith("["):
        return "must be a bare hostname without a port"
    if any(ch.isspace() for ch in host):
        return "must not contain spaces"
    if not host.isascii():
        return "must be ASCII; write an internationalised name in its punycode form (xn--...)"
    if host.endswith("."):
        return "must not end with a dot"
    if len(host) > 253:
        return "must be at most 253 characters"
    labels = host.lower().split(".")
    for label in labels:
        if not LABEL.match(label):
            return "must be dot-separated labels of letters, digits and inner hyphens, 1-63 characters each"
    if labels[-1].isdigit():
        return "must be a hostname, not an IP address"
    return None


def check_domain_name(value):
    # Uppercase is accepted: hostnames are case-insensitive and the project uses the lowercased form.
    return hostname_problem(value.strip())


def check_author_email(value):
    local, at, domain = value.partition("@")
    if not at or not local or not domain:
        return "must look like name@example.com"
    if len(value) > 254 or len(local) > 64:
        return "must be at most 254 characters with a local part of at most 64"
    if not EMAIL_LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return "has an invalid part before the @"
    if "." not in domain or hostname_problem(domain):
        return "has an invalid domain after the @"
    return None


def check_time_zone(value):
    if value not in zoneinfo.available_timezones():
        return "must be an IANA time zone name such as UTC or Europe/Paris"
    return None


CHECKS = {
    "project_name": check_project_name,
    "project_slug": check_project_slug,
    "domain_name": check_domain_name,
    "author_email": check_author_email,
    "time_zone": check_time_zone,
}


def validate(answers):
    """Return one message per invalid answer, each naming the field, the value and the rule."""
    errors = []
    for field, check in CHECKS.items():
        value = answers[field]
        problem = check(value)
        if problem:
            errors.append(f"{field} {value!r} {problem}.")
    return errors


def main():
    errors = validate(ANSWERS)
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
