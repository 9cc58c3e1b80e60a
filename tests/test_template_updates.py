"""Tier 2: a project baked with cruft pulls a later change of this template with `cruft update`.

A copy of this repository's working tree becomes a git repository (the "older commit"); a project is
baked from it with `cruft create` and committed; the template then changes (a new commit) and the
project's `cruft check`, `cruft diff` and `cruft update` see and apply exactly that change.
"""

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from bakery import ROOT

pytestmark = pytest.mark.baked
CRUFT = str(Path(sys.executable).parent / "cruft")
IGNORED = shutil.ignore_patterns(".git", ".venv", "demo", "__pycache__", "node_modules", ".pytest_cache")
CHANGED = "{{cookiecutter.__project_dir}}/SECURITY.md"
ADDED_LINE = "Reports in English or French are welcome."


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def commit_all(repository, message):
    git("add", "-A", cwd=repository)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message, cwd=repository)
    return git("rev-parse", "HEAD", cwd=repository)


def cruft(*args, cwd):
    return subprocess.run([CRUFT, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_a_template_change_reaches_a_baked_project_through_cruft_update(tmp_path):
    template = tmp_path / "template"
    shutil.copytree(ROOT, template, ignore=IGNORED)
    git("init", "-q", "-b", "main", cwd=template)
    older = commit_all(template, "older")

    created = cruft("create", str(template), "--no-input", "--output-dir", str(tmp_path / "out"), cwd=tmp_path)
    assert created.returncode == 0, created.stdout + created.stderr
    (project,) = (tmp_path / "out").iterdir()
    link = json.loads((project / ".cruft.json").read_text())
    assert (link["template"], link["commit"]) == (str(template), older)
    skipped = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["cruft"]["skip"]
    assert ".env" in skipped  # secrets are the project's own: never rewritten by an update
    git("init", "-q", "-b", "main", cwd=project)
    commit_all(project, "baked")
    env_before = (project / ".env").read_text()
    assert cruft("check", cwd=project).returncode == 0

    policy = template / CHANGED
    policy.write_text(policy.read_text() + f"\n{ADDED_LINE}\n")
    newer = commit_all(template, "newer")
    assert cruft("check", cwd=project).returncode != 0  # the project knows it is behind
    assert cruft("diff", "--exit-code", cwd=project).returncode == 0  # no local edit of template files
    diff = cruft("diff", "--checkout", "main", cwd=project)  # what the newer template would change
    assert f"+{ADDED_LINE}" in diff.stdout, diff.stdout + diff.stderr

    updated = cruft("update", "--skip-apply-ask", "--allow-untracked-files", cwd=project)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert (project / "SECURITY.md").read_text().endswith(f"{ADDED_LINE}\n")
    assert json.loads((project / ".cruft.json").read_text())["commit"] == newer
    changed = git("diff", "--name-only", "HEAD", cwd=project).splitlines()
    assert sorted(changed) == [".cruft.json", "SECURITY.md"]  # that change and no other
    assert git("ls-files", "--others", "--exclude-standard", cwd=project) == ""  # and no new file
    assert (project / ".env").read_text() == env_before
    assert cruft("check", cwd=project).returncode == 0
