"""The generated project's dependency locks: complete, hashed, installable only as locked, described by the SBOM
that CI builds, and what bin/lock regenerates from pyproject.toml."""

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from bakery import ROOT, run
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.baked

# Each lock and the extras of pyproject.toml compiled into it (with the runtime dependencies).
LOCKS = {"base.txt": [], "postgresql.txt": ["postgresql"], "test.txt": ["test"], "ci.txt": ["ci"]}
PIP = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "--only-binary", ":all:"]
SBOM_COMMAND = "cyclonedx-py requirements --pyproject pyproject.toml -o sbom.cdx.json"


def entries(lock):
    """{name: (version, [sha256, ...])} for each requirement of a lock (continuation lines joined)."""
    text = re.sub(r"\s*\\\n\s*", " ", lock.read_text())
    found = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, version = re.match(r"([A-Za-z0-9._-]+)==(\S+)", line).groups()
        found[canonicalize_name(name)] = (version, re.findall(r"--hash=sha256:([0-9a-f]{64})\b", line))
    return found


def venv(path):
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    return path / "bin" / "python"


def distributions(python):
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {(canonicalize_name(item["name"]), item["version"]) for item in json.loads(listed.stdout)}


@pytest.fixture(scope="module")
def installed(baked, tmp_path_factory):
    """A fresh virtual environment with the production lock installed by pip in hash-checking mode."""
    project = baked("defaults")
    python = venv(tmp_path_factory.mktemp("locked") / "venv")
    bundled = distributions(python)  # pip (and setuptools) that the venv itself brings
    result = subprocess.run(
        [python, *PIP, "-r", "requirements/base.txt"], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return project, distributions(python) - bundled


@pytest.mark.parametrize("option_set", ["defaults", "alternatives"])
def test_each_lock_pins_every_direct_dependency_and_hashes_every_package(baked, option_set):
    project = baked(option_set)
    declared = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    present = [name for name in LOCKS if (project / "requirements" / name).exists()]
    assert present == [lock for lock in LOCKS if all(x in declared["optional-dependencies"] for x in LOCKS[lock])]
    versions = {}
    for name in present:
        locked = entries(project / "requirements" / name)
        extras = [d for extra in LOCKS[name] for d in declared["optional-dependencies"][extra]]
        direct = declared["dependencies"] + extras
        for requirement in map(Requirement, direct):
            (pin,) = requirement.specifier
            assert pin.operator == "==", requirement  # direct dependencies are pinned exactly
            assert locked.get(canonicalize_name(requirement.name), (None,))[0] == pin.version, (name, requirement)
        for package, (version, hashes) in locked.items():
            assert hashes, f"{name}: {package} has no sha256 hash"
            # One version of each package across the locks: test.txt tests what base.txt deploys.
            assert versions.setdefault(package, version) == version, (name, package)
    # The template's own test environment installs the same pins (requirements-test.txt, also hashed).
    template = entries(ROOT / "requirements-test.txt")
    assert all(template.get(package, (None,))[0] == version for package, version in versions.items())
    assert all(hashes for _, hashes in template.values())


def test_the_lock_installs_with_hash_checking_exactly_the_locked_packages(installed):
    project, packages = installed
    locked = {(name, version) for name, (version, _) in entries(project / "requirements" / "base.txt").items()}
    assert packages == locked


def test_an_altered_hash_makes_the_install_fail_before_installing_anything(installed, tmp_path):
    project, _ = installed
    lock = (project / "requirements" / "base.txt").read_text()
    # Every hash of asgiref (a small wheel, Django's dependency) gets a different first digit.
    block = re.search(r"^asgiref==\S+ \\\n(?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+", lock, re.MULTILINE)[0]
    altered = re.sub(r"sha256:([0-9a-f])", lambda m: "sha256:" + ("1" if m[1] == "0" else "0"), block)
    (tmp_path / "base.txt").write_text(lock.replace(block, altered))
    python = venv(tmp_path / "venv")
    bundled = distributions(python)
    result = subprocess.run(
        [python, *PIP, "-r", tmp_path / "base.txt"], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE" in result.stderr
    assert re.search(r"asgiref==\S+ from \S+", result.stderr), result.stderr
    assert distributions(python) == bundled


def test_the_sbom_ci_builds_lists_every_package_the_lock_installs(installed, tmp_path):
    project, packages = installed
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    assert SBOM_COMMAND in workflow
    assert "path: sbom.cdx.json" in workflow
    work = tmp_path / "project"
    shutil.copytree(project, work)
    cyclonedx = Path(sys.executable).with_name("cyclonedx-py")
    result = subprocess.run(
        [cyclonedx, *SBOM_COMMAND.split()[1:], "requirements/base.txt"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sbom = json.loads((work / "sbom.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    assert sbom["metadata"]["component"]["name"] == "my_secure_site"
    components = {(canonicalize_name(c["name"]), c["version"]) for c in sbom["components"]}
    assert components == packages


@pytest.mark.parametrize("option_set", ["defaults", "alternatives"])
def test_bin_lock_regenerates_the_committed_locks_unchanged(baked, option_set, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(baked(option_set), project)
    before = {path.name: path.read_text() for path in (project / "requirements").glob("*.txt")}
    result = run(["bin/lock"], cwd=project, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    after = {path.name: path.read_text() for path in (project / "requirements").glob("*.txt")}

    def body(text):  # the header names the Python that ran pip-compile; everything else must match
        return re.sub(r"^# This file is autogenerated by pip-compile with Python \S+\n", "", text, flags=re.MULTILINE)

    assert {name: body(text) for name, text in after.items()} == {name: body(text) for name, text in before.items()}
