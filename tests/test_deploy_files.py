"""Tier 1: the deployment files of a baked project pass their own tools' checks."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from bakery import bake, read_env, run

BIN = Path(sys.executable).parent


def test_dockerfile_passes_hadolint(baked):
    project = baked("alternatives")  # use_docker=yes
    result = run([str(BIN / "hadolint"), "--failure-threshold", "info", "Dockerfile"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    dockerfile = (project / "Dockerfile").read_text()
    assert "USER 10001:10001" in dockerfile  # runs as a non-root user
    assert ".env" in (project / ".dockerignore").read_text().splitlines()  # secrets stay out of the image


def test_compose_takes_secrets_from_env_and_runs_every_service(baked):
    compose = yaml.safe_load((baked("alternatives") / "compose.yaml").read_text())
    assert set(compose["services"]) == {"web", "redis", "db", "migrate"}
    web = compose["services"]["web"]
    assert web["env_file"] == ".env"
    assert web["ports"] == ["127.0.0.1:8000:8000"]  # never published on every interface
    assert web["read_only"] is True
    assert web["cap_drop"] == ["ALL"]
    assert "${POSTGRES_PASSWORD:?" in compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]


def test_compose_gives_the_site_its_own_role_and_the_owner_only_to_migrate(baked):
    project = baked("alternatives")  # database=postgresql, use_docker=yes
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    web, migrate, db = (compose["services"][name] for name in ("web", "migrate", "db"))
    slug = project.name
    # The image's superuser is left to the image; the database and both roles come from roles.sql.
    assert "POSTGRES_USER" not in db["environment"]
    assert "POSTGRES_DB" not in db["environment"]
    assert "./deploy/postgresql/roles.sql:/docker-entrypoint-initdb.d/roles.sql:ro" in db["volumes"]
    assert web["environment"]["DATABASE_URL"].startswith(f"postgres://{slug}_app:${{POSTGRES_APP_PASSWORD:?")
    assert web["environment"]["DATABASE_MIGRATE_URL"] == ""  # overrides the owner's URL of env_file
    assert migrate["environment"]["DATABASE_MIGRATE_URL"].startswith(f"postgres://{slug}_owner:")
    assert migrate["command"][-2:] == ["migrate", "--no-input"]
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_github_workflow_passes_actionlint_and_runs_every_check(baked):
    project = baked("defaults")  # ci=github
    workflow = project / ".github" / "workflows" / "ci.yml"
    result = run([str(BIN / "actionlint"), str(workflow)], project)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text()
    for step in (
        "./bin/test",
        "check --deploy --fail-level WARNING",
        "pip-audit --strict",
        "sync_roles --check",
        "zizmor --min-severity medium",
    ):
        assert step in text, step
    dependabot = yaml.safe_load((project / ".github" / "dependabot.yml").read_text())
    assert {update["package-ecosystem"] for update in dependabot["updates"]} == {"pip", "github-actions"}


def test_github_workflow_pins_every_action_by_commit_and_passes_zizmor(baked, tmp_path):
    workflow = baked("defaults") / ".github" / "workflows" / "ci.yml"
    uses = re.findall(r"uses: (\S+)(.*)", workflow.read_text())
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action  # a commit, not a movable tag
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), action  # the version Dependabot updates
    audit = [str(BIN / "zizmor"), "--offline", "--min-severity", "medium"]
    result = run([*audit, str(workflow)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # The same audit fails on an action taken by tag, as the workflow once did.
    tagged = tmp_path / "tagged.yml"
    tagged.write_text(re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v4", workflow.read_text()))
    assert run([*audit, str(tagged)], tmp_path).returncode != 0


def test_dependabot_watches_docker_images_when_docker_is_used(tmp_path):
    project = bake(tmp_path, use_docker="yes")
    dependabot = yaml.safe_load((project / ".github" / "dependabot.yml").read_text())
    assert {update["package-ecosystem"] for update in dependabot["updates"]} == {"pip", "github-actions", "docker"}


def test_pre_commit_runs_ruff_django_upgrade_and_secret_detectors(baked):
    config = yaml.safe_load((baked("defaults") / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "django-upgrade", "detect-private-key", "detect-secrets"} <= hooks


def test_systemd_units_verify(baked):
    project = baked("defaults")
    # journal-upload.conf configures Debian's systemd-journal-upload.service; it is not a unit.
    units = sorted(str(path) for path in (project / "deploy" / "systemd").iterdir() if path.suffix != ".conf")
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, check=False)
    # The only complaint allowed: the application is not installed under /srv on this machine.
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and f"/srv/{project.name}/.venv/bin/" not in line
    ]
    assert problems == []
    service = (project / "deploy" / "systemd" / f"{project.name}.service").read_text()
    for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "CapabilityBoundingSet="):
        assert hardening in service


def test_services_boot_from_encrypted_credentials_without_secrets_in_their_environment(baked, tmp_path):
    """What the units load, encrypted with systemd-creds under a throwaway host key and decrypted as systemd
    does at start, is enough to boot production; no secret is in the process environment."""
    source = baked("alternatives")  # PostgreSQL: the owner's URL and the role passwords exist, and stay out
    project = shutil.copytree(source, tmp_path / source.name, ignore=shutil.ignore_patterns(".env"))
    values = read_env(source / ".env")
    units = sorted((project / "deploy" / "systemd").glob("*.service"))
    verify = ["systemd-analyze", "verify", *map(str, units)]
    result = subprocess.run(verify, capture_output=True, text=True, check=False)
    assert [line for line in result.stderr.splitlines() if f"/srv/{project.name}/.venv/bin/" not in line] == []
    loads = {unit.name: re.findall(r"^LoadCredentialEncrypted=(\w+):(\S+)$", unit.read_text(), re.M) for unit in units}
    for unit, credentials in loads.items():
        names = [name for name, _ in credentials]
        assert {"DJANGO_SECRET_KEY", "DJANGO_MFA_KEY", "DATABASE_URL"} <= set(names), unit
        assert not {"DATABASE_MIGRATE_URL", "POSTGRES_PASSWORD", "POSTGRES_OWNER_PASSWORD"} & set(names), unit
        assert all(path == f"/etc/{project.name}/credentials/{name}.cred" for name, path in credentials), unit
    store, given = tmp_path / "credentials", tmp_path / "run-credentials"
    store.mkdir()
    given.mkdir(mode=0o700)
    creds = {**os.environ, "SYSTEMD_CREDENTIAL_SECRET": str(tmp_path / "host.secret")}  # not the machine's key
    subprocess.run(["systemd-creds", "setup"], env=creds, check=True, capture_output=True)
    for name, _ in loads[f"{project.name}.service"]:
        encrypted = store / f"{name}.cred"
        subprocess.run(["systemd-creds", "encrypt", "--with-key=host", f"--name={name}", "-", str(encrypted)],
                       input=values[name].encode(), env=creds, check=True, capture_output=True)  # fmt: skip
        assert not values[name] or values[name].encode() not in encrypted.read_bytes()
        subprocess.run(["systemd-creds", "decrypt", f"--name={name}", str(encrypted), str(given / name)],
                       env=creds, check=True, capture_output=True)  # fmt: skip
    # The unit's own environment: what /etc/<project>/env holds (no secret) and what systemd adds.
    service = {
        "DJANGO_ALLOWED_HOSTS": values["DJANGO_ALLOWED_HOSTS"],
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "CREDENTIALS_DIRECTORY": str(given),
        "PATH": os.environ["PATH"],
    }
    check = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run([sys.executable, *check], cwd=project, env=service, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    probe = "import json, os; from django.conf import settings as s; print(s.SECRET_KEY, json.dumps(dict(os.environ)))"
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", probe],
                            cwd=project, env=service, capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    key, environment = result.stdout.split(" ", 1)
    assert key == values["DJANGO_SECRET_KEY"]
    assert [name for name, _ in loads[f"{project.name}.service"] if values[name] and values[name] in environment] == []


def unit_settings(unit):
    """A unit file's settings: name -> every value given, in order (systemd lets a setting repeat)."""
    settings = {}
    for line in unit.read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            name, value = line.split("=", 1)
            settings.setdefault(name.strip(), []).append(value.strip())
    return settings


def test_the_services_can_neither_read_nor_rewrite_the_logs(baked):
    """The application's log is the journal: its services run as a dynamic user of their own, in no
    group but redis (which owns no log), on a read-only file system but for their own state and runtime
    directories, with no capability that gets around file permissions, so they can add lines through
    journald and nothing more."""
    project = baked("defaults")
    services = sorted((project / "deploy" / "systemd").glob("*.service"))
    assert {unit.name for unit in services} >= {f"{project.name}.service", f"{project.name}-prune-events.service"}
    own_directories = {"StateDirectory": "/var/lib", "RuntimeDirectory": "/run", "CacheDirectory": "/var/cache"}
    for unit in services:
        settings = unit_settings(unit)
        assert settings["DynamicUser"] == ["yes"], unit.name
        # A dynamic user by the project's name, which PostgreSQL's peer authentication maps to the site's
        # role; no static group such as adm or systemd-journal: only redis, for Redis's socket.
        assert settings["User"] == [project.name], unit.name
        assert "Group" not in settings, unit.name
        assert settings.get("SupplementaryGroups", ["redis"]) == ["redis"], unit.name
        assert settings["ProtectSystem"] == ["strict"], unit.name
        assert settings["CapabilityBoundingSet"] == [""], unit.name  # no CAP_DAC_OVERRIDE, CAP_SYSLOG, ...
        assert settings["NoNewPrivileges"] == ["yes"], unit.name
        # Writable: only the unit's own directories under /var/lib, /run and /var/cache; nothing listed
        # in ReadWritePaths, BindPaths or LogsDirectory, which could reach /var/log or /run/log.
        assert not {"ReadWritePaths", "ReadWriteDirectories", "BindPaths", "LogsDirectory"} & settings.keys(), unit.name
        for name, root in own_directories.items():
            for value in settings.get(name, []):
                assert value.split() == [project.name], (unit.name, name, root, value)


def test_gunicorn_configuration_loads_with_the_application(baked):
    project = baked("defaults")
    env = {
        **read_env(project / ".env"),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_TRUSTED_PROXIES": "10.0.0.1",
    }
    result = run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        project,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    namespace = {}
    exec((project / "deploy" / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102  (our own config file)
    assert namespace["bind"] == "127.0.0.1:8000"
    assert namespace["workers"] == (os.cpu_count() or 1) * 2 + 1
