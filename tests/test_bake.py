"""Tier 1: what a bake writes, and what it refuses to write."""

import ast
import json
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from bakery import OPTION_SETS, ROOT, bake, load_hook, read_env, run
from cookiecutter.exceptions import FailedHookException

SECRET_KEYS = {"DJANGO_SECRET_KEY", "DJANGO_ADMIN_URL", "DJANGO_MFA_KEY"}
POSTGRES_PASSWORDS = ("POSTGRES_PASSWORD", "POSTGRES_OWNER_PASSWORD", "POSTGRES_APP_PASSWORD")


def project_files(project):
    return [path for path in project.rglob("*") if path.is_file() and "__pycache__" not in path.parts]


@pytest.mark.parametrize("option_set", OPTION_SETS)
def test_no_template_syntax_left(baked, option_set):
    project = baked(option_set)
    leftovers = []
    for path in project_files(project):
        if path.suffix == ".gz":
            continue  # data shipped as is (cookiecutter copies binary files unrendered)
        text = path.read_text()
        if re.search(r"(\{\{|\{%)[^}]*cookiecutter", text):
            leftovers.append(f"{path}: unrendered cookiecutter variable")
        # Django templates use {% %} and {{ }} themselves; everything else must be fully rendered.
        if "templates" not in path.relative_to(project).parts and re.search(r"\{\{|\{%", text):
            leftovers.append(f"{path}: unrendered Jinja")
    assert leftovers == []


@pytest.mark.parametrize(
    ("overrides", "present", "absent"),
    [
        ({}, [".github/workflows/ci.yml", ".github/dependabot.yml"], ["Dockerfile", "requirements/postgresql.txt"]),
        (
            OPTION_SETS["alternatives"],
            ["Dockerfile", "compose.yaml", ".dockerignore", "requirements/postgresql.txt"],
            [".github"],
        ),
    ],
    ids=["defaults", "alternatives"],
)
def test_option_files(baked, overrides, present, absent):
    project = baked("defaults" if not overrides else "alternatives")
    assert [path for path in present if not (project / path).exists()] == []
    assert [path for path in absent if (project / path).exists()] == []


@pytest.mark.parametrize(
    ("option_set", "expected"),
    [
        ("defaults", {"SIGNUP_OPEN": True, "MFA_REQUIRED_FOR": "everyone"}),
        ("alternatives", {"SIGNUP_OPEN": False, "MFA_REQUIRED_FOR": "staff"}),
    ],
)
def test_account_answers_reach_the_security_settings(baked, option_set, expected):
    tree = ast.parse((baked(option_set) / "config" / "settings" / "security.py").read_text())
    assigned = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) in expected
    }
    assert assigned == expected


@pytest.mark.parametrize("option_set", OPTION_SETS)
def test_env_file_is_private_and_complete(baked, option_set):
    project = baked(option_set)
    env_file = project / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    env = read_env(project / ".env")
    secret = env["DJANGO_SECRET_KEY"]
    # Django's W009: at least 50 characters, at least 5 distinct, not the insecure prefix.
    assert len(secret) >= 50
    assert len(set(secret)) >= 5
    assert not secret.startswith("django-insecure")
    assert re.fullmatch(r"admin-[0-9a-f]{16}/", env["DJANGO_ADMIN_URL"])
    assert env["DJANGO_ALLOWED_HOSTS"] == "example.com"
    if OPTION_SETS[option_set].get("database") == "postgresql":
        assert env["DATABASE_URL"].startswith("postgres://")
        assert f":{env['POSTGRES_APP_PASSWORD']}@" in env["DATABASE_URL"]
        assert f":{env['POSTGRES_OWNER_PASSWORD']}@" in env["DATABASE_MIGRATE_URL"]
    else:
        assert env["DATABASE_URL"] == "sqlite:///db.sqlite3"
    example = read_env(project / ".env.example")
    assert list(example) == list(env)
    for name, value in env.items():
        if name in SECRET_KEYS | set(POSTGRES_PASSWORDS) or name.startswith("DATABASE_") and "postgres" in value:
            assert example[name] == "", name
    assert ".env" in (project / ".gitignore").read_text().splitlines()


def test_two_bakes_share_no_secret(tmp_path, capfd):
    first = read_env(bake(tmp_path / "a", database="postgresql") / ".env")
    second = read_env(bake(tmp_path / "b", database="postgresql") / ".env")
    output = capfd.readouterr()
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ADMIN_URL", "DJANGO_MFA_KEY", *POSTGRES_PASSWORDS, "DATABASE_URL"):
        assert first[name] != second[name], name
    # The hooks' output (next steps) never shows a secret.
    for env in (first, second):
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ADMIN_URL", "DJANGO_MFA_KEY", *POSTGRES_PASSWORDS):
            assert env[name] not in output.out + output.err, name
    assert "Next steps" in output.out


@pytest.mark.parametrize("option_set", OPTION_SETS)
def test_answers_are_kept_for_template_updates_without_secrets(baked, option_set):
    project = baked(option_set)
    answers = json.loads((project / ".cookiecutter.json").read_text())
    assert answers["project_slug"] == project.name
    assert {key: answers[key] for key in OPTION_SETS[option_set]} == OPTION_SETS[option_set]
    env = read_env(project / ".env")
    secrets = [env[name] for name in (*SECRET_KEYS, *POSTGRES_PASSWORDS) if name in env]
    assert not [value for value in secrets if value in json.dumps(answers)]


@pytest.mark.parametrize("option_set", OPTION_SETS)
def test_git_keeps_every_generated_file_but_the_secrets(baked, option_set, tmp_path):
    project = shutil.copytree(baked(option_set), tmp_path / "project")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    tracked = set(
        subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True).stdout.split()
    )
    on_disk = {str(path.relative_to(project)) for path in project_files(project) if ".git" not in path.parts}
    assert on_disk - tracked == {".env"}


def test_security_policy_names_the_contact_security_txt_publishes(tmp_path):
    project = bake(tmp_path, author_email="security@shop.example.org", domain_name="shop.example.org")
    policy = (project / "SECURITY.md").read_text()
    assert "**security@shop.example.org**" in policy
    assert "https://shop.example.org/.well-known/security.txt" in policy
    settings = (project / "config" / "settings" / "base.py").read_text()
    assert '"Contact": "mailto:security@shop.example.org"' in settings


def test_domain_is_lowercased(tmp_path):
    project = bake(tmp_path, domain_name="Shop.Example.COM")
    assert read_env(project / ".env")["DJANGO_ALLOWED_HOSTS"] == "shop.example.com"


BAD_ANSWERS = [
    ("project_name", "   ", "must not be empty"),
    ("project_slug", "My_Site", "must be a lowercase Python identifier"),
    ("project_slug", "my-site", "must be a lowercase Python identifier"),
    ("project_slug", "2fast", "must be a lowercase Python identifier"),
    ("project_slug", "my site", "must be a lowercase Python identifier"),
    ("project_slug", "café", "must be a lowercase Python identifier"),
    ("project_slug", "my/site", "must be a lowercase Python identifier"),
    ("project_slug", "../escape", "must be a lowercase Python identifier"),
    ("project_slug", "class", "must not be a Python keyword"),
    ("project_slug", "_private", "must not start with an underscore"),
    ("project_slug", "a" * 26, "must be at most 25 characters"),
    ("project_slug", "django", "must not shadow a module"),
    ("project_slug", "csp", "must not shadow a module"),
    ("project_slug", "config", "must not shadow a module"),
    ("project_slug", "test", "must not shadow a module"),
    ("project_slug", "site", "must not shadow a module"),
    ("project_slug", "email", "must not shadow a module"),
    ("project_slug", "tests", "must not shadow a module"),
    ("domain_name", "https://example.com", "without a scheme"),
    ("domain_name", "example.com:8443", "without a port"),
    ("domain_name", "example.com/app", "without a path"),
    ("domain_name", "exa mple.com", "must not contain spaces"),
    ("domain_name", "-bad-.example.com", "dot-separated labels"),
    ("domain_name", "example..com", "dot-separated labels"),
    ("domain_name", "example.com.", "must not end with a dot"),
    ("domain_name", "bücher.de", "punycode"),
    ("domain_name", "192.168.1.10", "not an IP address"),
    ("domain_name", "", "must not be empty"),
    ("author_email", "not-an-email", "must look like name@example.com"),
    ("author_email", "a@b", "invalid domain"),
    ("author_email", "two@@example.com", "invalid domain"),
    ("author_email", "sp ace@example.com", "invalid part before the @"),
    ("author_email", ".dot@example.com", "invalid part before the @"),
    ("time_zone", "Mars/Olympus_Mons", "must be an IANA time zone name"),
    ("time_zone", "utc ", "must be an IANA time zone name"),
    ("time_zone", "../../etc/passwd", "must be an IANA time zone name"),
]


@pytest.mark.parametrize("slug", ["ab", "z" * 25])
def test_the_shortest_and_longest_slugs_pass_the_project_s_linters(tmp_path, slug):
    # Import order and line lengths depend on the slug: "ab" sorts before config, the longest fills lines.
    project = bake(tmp_path, project_name="Named", project_slug=slug)
    for check in (["check", "."], ["format", "--check", "."]):
        result = run([sys.executable, "-m", "ruff", *check], project)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("field", "value", "rule"), BAD_ANSWERS)
def test_bad_answer_is_refused_and_nothing_is_written(tmp_path, capfd, field, value, rule):
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    overrides = {field: value}
    if field == "project_name":
        overrides["project_slug"] = "fine_slug"  # the derived slug would be refused too
    with pytest.raises(FailedHookException):
        bake(output_dir, **overrides)
    lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR: ")]
    assert lines == [f"ERROR: {field} {value!r} {rule_message(field, value)}"]
    assert rule in lines[0]
    assert list(tmp_path.rglob("*")) == [output_dir]


def rule_message(field, value):
    """The hook's own message for this answer, as its unit tests see it."""
    hook = load_hook("pre_gen_project")
    return hook.CHECKS[field](value) + "."


def test_cli_exits_1_with_one_line_naming_field_value_and_rule(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(ROOT), "--no-input", "-o", str(tmp_path), "project_slug=Bad-Slug"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "ERROR: project_slug 'Bad-Slug' must be a lowercase Python identifier" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_import_against_the_apps_direction_fails_the_bake_s_import_contract(baked, tmp_path):
    # bin/test runs lint-imports on [tool.importlinter]: the bake keeps the contract, and a lower app
    # importing a higher one breaks it.
    lint = [str(Path(sys.executable).parent / "lint-imports"), "--no-logo", "--no-cache"]
    kept = run(lint, baked("defaults"))
    assert kept.returncode == 0, kept.stdout + kept.stderr
    slug = baked("defaults").name
    project = tmp_path / slug
    shutil.copytree(baked("defaults"), project)
    emails = project / slug / "core" / "emails.py"
    emails.write_text(emails.read_text() + "\nfrom ..accounts import models  # noqa: E402, F401\n")
    broken = run(lint, project)
    assert broken.returncode == 1
    assert f"{slug}.core is not allowed to import {slug}.accounts" in broken.stdout
