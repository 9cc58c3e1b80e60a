"""Tier 1: the deployment files of a baked project pass their own tools' checks."""

import os
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import bake, read_env, run

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
    assert set(compose["services"]) == {"web", "redis", "db"}
    web = compose["services"]["web"]
    assert web["env_file"] == ".env"
    assert web["ports"] == ["127.0.0.1:8000:8000"]  # never published on every interface
    assert web["read_only"] is True
    assert web["cap_drop"] == ["ALL"]
    assert "${POSTGRES_PASSWORD:?" in compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]


def test_github_workflow_passes_actionlint_and_runs_every_check(baked):
    project = baked("defaults")  # ci=github
    workflow = project / ".github" / "workflows" / "ci.yml"
    result = run([str(BIN / "actionlint"), str(workflow)], project)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text()
    for step in (
        "./bin/test",
        "check --deploy --fail-level WARNING",
        "bandit",
        "pip-audit --strict",
        "sync_roles --check",
    ):
        assert step in text, step
    dependabot = yaml.safe_load((project / ".github" / "dependabot.yml").read_text())
    assert {update["package-ecosystem"] for update in dependabot["updates"]} == {"pip", "github-actions"}


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
    units = sorted(str(path) for path in (project / "deploy" / "systemd").iterdir())
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
