"""Finish a freshly baked project: secrets into .env, option files out, next steps printed.

Secrets are generated here, on the user's machine, and written only to .env (mode 0600).
Nothing this hook prints contains a secret.
"""

import base64
import json
import os
import secrets
import shutil
import sys
from pathlib import Path

ANSWERS = {
    "project_name": {{ cookiecutter.project_name | tojson }},
    "project_slug": {{ cookiecutter.project_slug | tojson }},
    "description": {{ cookiecutter.description | tojson }},
    "author_name": {{ cookiecutter.author_name | tojson }},
    "author_email": {{ cookiecutter.author_email | tojson }},
    "domain_name": {{ cookiecutter.__domain | tojson }},
    "time_zone": {{ cookiecutter.time_zone | tojson }},
    "database": {{ cookiecutter.database | tojson }},
    "use_docker": {{ cookiecutter.use_docker | tojson }},
    "ci": {{ cookiecutter.ci | tojson }},
    "two_factor": {{ cookiecutter.two_factor | tojson }},
    "signup": {{ cookiecutter.signup | tojson }},
}

# Every file that belongs to one option value. A bake keeps the files of the values it chose and
# removes the others; tests check that each listed path exists in the template.
OPTION_FILES = {
    ("database", "postgresql"): ["requirements/postgresql.txt", "deploy/postgresql"],
    ("use_docker", "yes"): ["Dockerfile", "compose.yaml", ".dockerignore"],
    ("ci", "github"): [".github", "requirements/ci.txt"],
}


def paths_to_remove(answers):
    """Paths (relative to the project) that belong to option values the user did not choose."""
    return [
        path
        for (field, value), paths in OPTION_FILES.items()
        if answers[field] != value
        for path in paths
    ]


def remove_unselected(project_dir, answers):
    for relative in paths_to_remove(answers):
        path = project_dir / relative
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def new_secret(nbytes=48):
    """A URL-safe random token: 48 bytes give 64 characters, all safe in .env files and URLs."""
    return secrets.token_urlsafe(nbytes)


def environment(answers):
    """The .env entries as (name, value, is_secret, comment) rows, in file order."""
    slug = answers["project_slug"]
    rows = [
        (
            "DJANGO_SECRET_KEY",
            new_secret(),
            True,
            "Signs sessions, password-reset links and CSRF tokens. At least 50 random characters.",
        ),
        (
            "DJANGO_SECRET_KEY_FALLBACKS",
            "",
            False,
            "Earlier DJANGO_SECRET_KEYs, comma-separated, while a new one takes over (docs/keys.md). Usually empty.",
        ),
        (
            "DJANGO_ADMIN_URL",
            f"admin-{secrets.token_hex(8)}/",
            True,
            "Path of the admin site, ending in '/'. Random so scanners probing /admin/ find nothing.",
        ),
        (
            "DJANGO_MFA_KEY",
            base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
            True,
            "Encrypts two-factor secrets (TOTP) at rest: 32 random bytes, URL-safe base64. Losing"
            " it disables every authenticator app.",
        ),
        (
            "DJANGO_MFA_KEY_FALLBACKS",
            "",
            False,
            "Earlier DJANGO_MFA_KEYs, comma-separated, until manage.py rotate_mfa_key has run (docs/keys.md).",
        ),
        (
            "DJANGO_ALLOWED_HOSTS",
            answers["domain_name"],
            False,
            "Comma-separated host names this site answers to in production. Never '*'.",
        ),
        (
            "DJANGO_SITE_URL",
            "",
            False,
            "The site's address, which links in mail lead to: https://HOST[:PORT], HOST one of DJANGO_ALLOWED_HOSTS."
            " Empty: https:// and the first of them.",
        ),
        (
            "DJANGO_TRUSTED_PROXIES",
            "",
            False,
            "Reverse proxies in front (IPs or CIDRs, comma-separated; empty: none). Only their X-Forwarded-For"
            " and X-Forwarded-Proto are believed; e.g. 127.0.0.1 behind deploy/nginx on the same host.",
        ),
        (
            "REDIS_URL",
            "unix:///run/redis/redis-server.sock?db=0",
            False,
            "Redis shared by every worker for rate limits. Its Unix socket, which only its group may open"
            " (docs/deployment.md): no password. Another host: rediss://[:PASSWORD@]HOST:PORT/DB.",
        ),
        (
            "EMAIL_URL",
            "smtp://localhost:25",
            False,
            "Mail relay for password-reset mail, e.g. smtp+tls://smtp.example.com:587?ssl_certfile=CERT&ssl_keyfile=KEY"
            " (a client certificate) or smtp+tls://USER:PASSWORD@smtp.example.com:587.",
        ),
    ]
    if answers["database"] == "postgresql":
        # Two roles (deploy/postgresql/roles.sql): the site's may only read and write rows; the owner's,
        # which migrations use, changes the schema. Each has its own password.
        superuser, owner, app = new_secret(24), new_secret(24), new_secret(24)
        rows += [
            (
                "POSTGRES_PASSWORD",
                superuser,
                True,
                "Password of the PostgreSQL superuser in compose's db container; the site never uses it.",
            ),
            (
                "POSTGRES_OWNER_PASSWORD",
                owner,
                True,
                "Password of the schema owner role (deploy/postgresql/roles.sql); must match DATABASE_MIGRATE_URL.",
            ),
            (
                "POSTGRES_APP_PASSWORD",
                app,
                True,
                "Password of the site's role (deploy/postgresql/roles.sql); must match DATABASE_URL.",
            ),
            (
                "DATABASE_URL",
                f"postgres://{slug}_app:{app}@127.0.0.1:5432/{slug}",
                True,
                "The site's connection, as a role that reads and writes rows: postgres://USER:PASSWORD@HOST:PORT/NAME.",
            ),
            (
                "DATABASE_MIGRATE_URL",
                f"postgres://{slug}_owner:{owner}@127.0.0.1:5432/{slug}",
                True,
                "Only `manage.py migrate` connects with it, as the schema owner. Keep it out of the service's"
                " environment.",
            ),
        ]
    else:
        rows.append(
            (
                "DATABASE_URL",
                "sqlite:///db.sqlite3",
                False,
                "Database connection URL; a relative SQLite path lives beside manage.py.",
            )
        )
    return rows


def render_env(rows, *, with_secrets):
    lines = []
    for name, value, is_secret, comment in rows:
        lines.append(f"# {comment}")
        lines.append(f"{name}={value if with_secrets or not is_secret else ''}")
    return "\n".join(lines) + "\n"


def write_env_files(project_dir, answers):
    rows = environment(answers)
    env_path = project_dir / ".env"
    # Created with 0600 from the start: the secrets never sit in a world-readable file.
    fd = os.open(env_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as env_file:
        env_file.write(render_env(rows, with_secrets=True))
    (project_dir / ".env.example").write_text(
        "# Copy to .env and fill the empty values (secrets). Generate one with:\n"
        '#   python -c "import secrets; print(secrets.token_urlsafe(48))"\n'
        + render_env(rows, with_secrets=False)
    )


def write_answers(project_dir, answers):
    """The answers (never a secret), so template updates can be replayed: see the project's README."""
    (project_dir / ".cookiecutter.json").write_text(json.dumps(answers, indent=2, ensure_ascii=False) + "\n")


def next_steps(project_dir, answers):
    if answers["database"] == "postgresql":
        # bin/serve migrates and serves on the DATABASE_URL of .env: the roles must exist first.
        database = """  set -a; . ./.env; set +a   # once: the database and its two roles, with the passwords of .env
  sudo --preserve-env=POSTGRES_OWNER_PASSWORD,POSTGRES_APP_PASSWORD -u postgres psql < deploy/postgresql/roles.sql
  ./bin/serve      # install, migrate and serve on http://127.0.0.1:8000 (PostgreSQL, DATABASE_URL in .env)"""
    else:
        database = "  ./bin/serve      # install, migrate and serve on http://127.0.0.1:8000 (SQLite, db.sqlite3)"
    return f"""
Project created in {project_dir}
Secrets were written to .env (mode 0600, git-ignored). Keep it out of version control.

Next steps:
  cd {project_dir.name}
{database}
  ./bin/test       # run the security test suite
"""


def main():
    project_dir = Path.cwd()
    remove_unselected(project_dir, ANSWERS)
    write_env_files(project_dir, ANSWERS)
    write_answers(project_dir, ANSWERS)
    print(next_steps(project_dir, ANSWERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
